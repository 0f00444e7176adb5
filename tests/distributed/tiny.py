"""The tiny models and data that the distributed tests train."""

import numpy as np

import ganzoo

IMAGE_SHAPE = (8, 8, 1)
NUM_IMAGES = 24  # three steps of two ranks with 4 images each


def build(family):
    common = dict(image_shape=IMAGE_SHAPE, latent_dim=4, filters=4, seed=3)
    if family == "dcgan":
        return ganzoo.DCGAN(dropout=0.0, **common)
    if family == "wgangp":
        return ganzoo.WGANGP(n_critic=2, **common)
    raise ValueError(f"Unknown family {family!r}")


def training_images():
    rng = np.random.default_rng(0)
    return rng.uniform(-1, 1, (NUM_IMAGES,) + IMAGE_SHAPE).astype("float32")
