from ganzoo.presets import register_preset

register_preset(
    "dcgan_mnist",
    "DCGAN",
    "DCGAN trained on the 60,000 MNIST training digits.",
)
