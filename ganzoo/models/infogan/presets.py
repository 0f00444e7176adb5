from ganzoo.presets import register_preset

register_preset(
    "infogan_mnist",
    "InfoGAN",
    "InfoGAN trained on the 60,000 MNIST training digits; a 10-way "
    "categorical code and 2 continuous codes.",
)
