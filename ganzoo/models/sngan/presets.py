from ganzoo.presets import register_preset

register_preset(
    "sngan_mnist",
    "SNGAN",
    "Spectral-norm hinge GAN trained on the bundled 4,000-digit MNIST split.",
)
