from ganzoo.presets import register_preset

register_preset(
    "gan_mnist",
    "GAN",
    "MLP GAN trained on the 60,000 MNIST training digits.",
)
