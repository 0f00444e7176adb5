from ganzoo.presets import register_preset

register_preset(
    "lsgan_mnist",
    "LSGAN",
    "LSGAN trained on the 60,000 MNIST training digits.",
)
