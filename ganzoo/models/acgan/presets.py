from ganzoo.presets import register_preset

register_preset(
    "acgan_mnist",
    "ACGAN",
    "ACGAN (32 filters) trained on the bundled 4,000-digit MNIST split.",
)
