from ganzoo.presets import register_preset

register_preset(
    "wgan_mnist",
    "WGAN",
    "Weight-clipped WGAN trained on the bundled 4,000-digit MNIST split.",
)
