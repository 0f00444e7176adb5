from ganzoo.presets import register_preset

register_preset(
    "sngan_mnist",
    "SNGAN",
    "Spectral-norm hinge GAN trained on the 60,000 MNIST training digits.",
)
