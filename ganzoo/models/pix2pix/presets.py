from ganzoo.presets import register_preset

register_preset(
    "pix2pix_edges_to_digits",
    "Pix2Pix",
    "Pix2Pix filling 32x32 outlines of the bundled MNIST digits into digits.",
)
