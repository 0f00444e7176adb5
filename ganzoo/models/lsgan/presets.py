from ganzoo.presets import register_preset

register_preset(
    "lsgan_mnist",
    "LSGAN",
    "LSGAN trained on the bundled 4,000-digit MNIST split.",
)
