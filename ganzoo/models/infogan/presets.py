from ganzoo.presets import register_preset

register_preset(
    "infogan_mnist",
    "InfoGAN",
    "InfoGAN trained on the bundled 4,000-digit MNIST split; a 10-way "
    "categorical code and 2 continuous codes.",
)
