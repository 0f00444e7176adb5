from ganzoo.presets import register_preset

register_preset(
    "sgan_mnist",
    "SGAN",
    "Semi-supervised GAN trained on the 60,000 MNIST training digits with "
    "100 labels (10 per class); `classify` gives digit probabilities.",
)
