"""The MLP networks of the vanilla GAN (Goodfellow et al. 2014) and of CGAN."""

import math

import keras
from keras import layers

from ganzoo.layers.batch_normalization import FusedBatchNormalization
from ganzoo.layers.precision import output_dtype


def build_mlp_generator(
    image_shape, latent_dim, units=(128, 256, 512, 1024), num_classes=None
):
    """Dense layers with LeakyReLU(0.2), BatchNorm after all but the first.

    BatchNorm uses epsilon 0.8 and momentum 0.9 (Keras's convention), as the
    widely used reference MLP GAN does; the large epsilon damps the
    normalisation and steadies early training. With `num_classes` (CGAN),
    the network takes `[z, one_hot_label]` and starts from the two
    concatenated.
    """
    z = keras.Input((latent_dim,), name="z")
    inputs = x = z
    if num_classes is not None:
        onehot = keras.Input((num_classes,), name="label")
        inputs = [z, onehot]
        x = layers.Concatenate(name="z_and_label")(inputs)
    for i, width in enumerate(units):
        x = layers.Dense(width, kernel_initializer="he_uniform", name=f"dense_{i}")(x)
        if i > 0:
            x = FusedBatchNormalization(momentum=0.9, epsilon=0.8, name=f"bn_{i}")(x)
        x = layers.LeakyReLU(0.2, name=f"leaky_relu_{i}")(x)
    x = layers.Dense(
        math.prod(image_shape),
        activation="tanh",
        kernel_initializer="he_uniform",
        name="to_pixels",
        dtype=output_dtype(),
    )(x)
    images = layers.Reshape(image_shape, name="to_image", dtype=output_dtype())(x)
    return keras.Model(inputs, images, name="generator")


def build_mlp_discriminator(image_shape, units=(512, 256), num_classes=None):
    """Flatten, Dense layers with LeakyReLU(0.2), one logit.

    With `num_classes` (CGAN), the network takes `[images, one_hot_label]`
    and concatenates the label to the flattened image.
    """
    images = keras.Input(image_shape, name="images")
    inputs = images
    x = layers.Flatten(name="flatten")(images)
    if num_classes is not None:
        onehot = keras.Input((num_classes,), name="label")
        inputs = [images, onehot]
        x = layers.Concatenate(name="image_and_label")([x, onehot])
    for i, width in enumerate(units):
        x = layers.Dense(width, kernel_initializer="he_uniform", name=f"dense_{i}")(x)
        x = layers.LeakyReLU(0.2, name=f"leaky_relu_{i}")(x)
    logits = layers.Dense(
        1, kernel_initializer="he_uniform", name="logit", dtype=output_dtype()
    )(x)
    return keras.Model(inputs, logits, name="discriminator")
