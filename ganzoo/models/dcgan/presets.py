from ganzoo.presets import register_preset

register_preset(
    "dcgan_mnist",
    "DCGAN",
    "DCGAN trained on the bundled 4,000-digit MNIST split.",
)
