"""The MLP networks of the vanilla GAN (Goodfellow et al. 2014)."""

import math

import keras
from keras import layers

from ganzoo.layers.precision import output_dtype


def build_mlp_generator(image_shape, latent_dim, units=(128, 256, 512, 1024)):
    """Dense layers with LeakyReLU(0.2), BatchNorm after all but the first.

    BatchNorm uses epsilon 0.8 and momentum 0.9 (Keras's convention), as the
    widely used reference MLP GAN does; the large epsilon damps the
    normalisation and steadies early training.
    """
    z = keras.Input((latent_dim,), name="z")
    x = z
    for i, width in enumerate(units):
        x = layers.Dense(width, kernel_initializer="he_uniform", name=f"dense_{i}")(x)
        if i > 0:
            x = layers.BatchNormalization(momentum=0.9, epsilon=0.8, name=f"bn_{i}")(x)
        x = layers.LeakyReLU(0.2, name=f"leaky_relu_{i}")(x)
    x = layers.Dense(
        math.prod(image_shape),
        activation="tanh",
        kernel_initializer="he_uniform",
        name="to_pixels",
        dtype=output_dtype(),
    )(x)
    images = layers.Reshape(image_shape, name="to_image", dtype=output_dtype())(x)
    return keras.Model(z, images, name="generator")


def build_mlp_discriminator(image_shape, units=(512, 256)):
    """Flatten, Dense layers with LeakyReLU(0.2), one logit."""
    images = keras.Input(image_shape, name="images")
    x = layers.Flatten(name="flatten")(images)
    for i, width in enumerate(units):
        x = layers.Dense(width, kernel_initializer="he_uniform", name=f"dense_{i}")(x)
        x = layers.LeakyReLU(0.2, name=f"leaky_relu_{i}")(x)
    logits = layers.Dense(
        1, kernel_initializer="he_uniform", name="logit", dtype=output_dtype()
    )(x)
    return keras.Model(images, logits, name="discriminator")
