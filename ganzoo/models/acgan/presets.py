from ganzoo.presets import register_preset

register_preset(
    "acgan_mnist",
    "ACGAN",
    "ACGAN (64 filters) trained on the 60,000 MNIST training digits.",
)
