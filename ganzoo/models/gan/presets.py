from ganzoo.presets import register_preset

register_preset(
    "gan_mnist",
    "GAN",
    "MLP GAN trained on the bundled 4,000-digit MNIST split.",
)
