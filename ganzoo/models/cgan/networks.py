"""Label-conditioned networks of CGAN and the conditional DCGAN.

Every network here takes the class as a one-hot vector (the models turn
class ids into one-hot vectors with `keras.ops.one_hot`), as Mirza &
Osindero (2014) feed `y`. A Dense layer on a one-hot vector is a learned
label embedding.
"""

import math
import warnings

import keras
from keras import layers

from ganzoo.layers.precision import output_dtype
from ganzoo.models.dcgan import networks as dcgan_networks
from ganzoo.models.dcgan.networks import build_dcgan_discriminator


def build_conditional_mlp_generator(
    image_shape, latent_dim, num_classes, units=(128, 256, 512, 1024)
):
    """The GAN's MLP generator on the noise concatenated with the one-hot label.

    Dense layers with LeakyReLU(0.2) and BatchNorm (epsilon 0.8, momentum
    0.9) after all but the first, then a `tanh` image.
    """
    z = keras.Input((latent_dim,), name="z")
    onehot = keras.Input((num_classes,), name="label")
    x = layers.Concatenate(name="z_and_label")([z, onehot])
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
    return keras.Model([z, onehot], images, name="generator")


def build_conditional_mlp_discriminator(image_shape, num_classes, units=(512, 256)):
    """The flattened image concatenated with the one-hot label, Dense, one logit."""
    images = keras.Input(image_shape, name="images")
    onehot = keras.Input((num_classes,), name="label")
    x = layers.Flatten(name="flatten")(images)
    x = layers.Concatenate(name="image_and_label")([x, onehot])
    for i, width in enumerate(units):
        x = layers.Dense(width, kernel_initializer="he_uniform", name=f"dense_{i}")(x)
        x = layers.LeakyReLU(0.2, name=f"leaky_relu_{i}")(x)
    logits = layers.Dense(
        1, kernel_initializer="he_uniform", name="logit", dtype=output_dtype()
    )(x)
    return keras.Model([images, onehot], logits, name="discriminator")


def build_conditional_dcgan_discriminator(
    image_shape, num_classes, filters=64, kernel_size=5, dropout=0.3
):
    """DCGAN's discriminator with the one-hot label tiled into every stage.

    Before each strided Conv2D stage (LeakyReLU(0.2), dropout) the one-hot
    label, repeated at every position, is concatenated to the feature map's
    channels (to the image's channels at the input), so every stage can
    relate the image to its class; one logit ends it. The model takes
    `[images, one_hot_label]`.
    """
    return build_dcgan_discriminator(
        image_shape, filters, kernel_size, dropout, label_classes=num_classes
    )


def __getattr__(name):
    # DCGAN's trunk and the label tiling moved to ganzoo.models.dcgan.networks.
    moved = {
        "dcgan_features": _dcgan_features,
        "tiled_label": dcgan_networks.tiled_label,
    }
    if name in moved:
        warnings.warn(
            f"`ganzoo.models.cgan.networks.{name}` is deprecated: use "
            "`ganzoo.models.dcgan.networks.dcgan_trunk` (and its `label` "
            "argument) or `build_dcgan_discriminator`.",
            DeprecationWarning,
            stacklevel=2,
        )
        return moved[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _dcgan_features(x, filters, kernel_size, dropout, stages):
    """The former `dcgan_features`: `dcgan_trunk`, then Flatten."""
    del stages  # the trunk derives it from the image size, as every caller did
    x = dcgan_networks.dcgan_trunk(x, filters, kernel_size, dropout)
    return layers.Flatten(name="flatten")(x)
