from ganzoo.presets import register_preset

register_preset(
    "cgan_mnist",
    "CGAN",
    "MLP conditional GAN trained on the 60,000 MNIST training digits.",
)
register_preset(
    "cdcgan_mnist",
    "ConditionalDCGAN",
    "Conditional DCGAN (32 filters) trained on the 60,000 MNIST training digits.",
)
