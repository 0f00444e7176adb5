from ganzoo.presets import register_preset

register_preset(
    "wgan_mnist",
    "WGAN",
    (
        "Weight-clipped WGAN trained on the 60,000 MNIST training digits; "
        "a weaker baseline than wgangp_mnist (the docs' loss-family "
        "comparison says why)."
    ),
)
register_preset(
    "wgangp_mnist",
    "WGANGP",
    "WGAN-GP trained on the 60,000 MNIST training digits.",
)
