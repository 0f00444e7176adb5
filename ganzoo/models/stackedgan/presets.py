from ganzoo.presets import register_preset

register_preset(
    "stackedgan_mnist",
    "StackedGAN",
    "StackedGAN (encoder + two stacked GANs) trained on the bundled "
    "4,000-digit MNIST split; `generate(n, labels=...)` draws chosen digits.",
)
