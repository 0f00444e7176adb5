from ganzoo.presets import register_preset

register_preset(
    "stackedgan_mnist",
    "StackedGAN",
    "StackedGAN (encoder + two stacked GANs) trained on the 60,000 MNIST "
    "training digits; `generate(n, labels=...)` draws chosen digits.",
)
