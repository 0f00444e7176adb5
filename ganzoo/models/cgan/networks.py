"""Label-conditioned networks of CGAN and the conditional DCGAN.

Every network here takes the class as a one-hot vector (the models turn
class ids into one-hot vectors with `keras.ops.one_hot`), as Mirza &
Osindero (2014) feed `y`. A Dense layer on a one-hot vector is a learned
label embedding.
"""

import math

import keras
from keras import layers

from ganzoo.layers.dropout import seeded_dropout
from ganzoo.layers.precision import output_dtype
from ganzoo.models.dcgan.networks import num_upsamplings


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


def dcgan_features(x, filters, kernel_size, dropout, stages):
    """DCGAN's discriminator body: strided Conv2D stages, then Flatten."""
    for i in range(stages):
        x = layers.Conv2D(
            filters * 2**i, kernel_size, strides=2, padding="same", name=f"down_{i}"
        )(x)
        x = layers.LeakyReLU(0.2, name=f"down_{i}_relu")(x)
        if dropout:
            x = seeded_dropout(dropout, f"down_{i}_dropout")(x)
    return layers.Flatten(name="flatten")(x)


def tiled_label(onehot, height, width, name):
    """The one-hot label repeated at every position of a `(height, width)` map."""
    x = layers.Reshape((1, 1, onehot.shape[-1]), name=f"{name}_pixel")(onehot)
    return layers.UpSampling2D((height, width), name=name)(x)


def build_conditional_dcgan_discriminator(
    image_shape, num_classes, filters=64, kernel_size=5, dropout=0.3
):
    """DCGAN's discriminator with the one-hot label tiled into every stage.

    Before each strided Conv2D stage (LeakyReLU(0.2), dropout) the one-hot
    label, repeated at every position, is concatenated to the feature map's
    channels (to the image's channels at the input), so every stage can
    relate the image to its class; one logit ends it.
    """
    height, width, _ = image_shape
    images = keras.Input(image_shape, name="images")
    onehot = keras.Input((num_classes,), name="label")
    x = images
    for i in range(num_upsamplings(min(height, width))):
        label = tiled_label(onehot, height >> i, width >> i, f"label_{i}")
        x = layers.Concatenate(name=f"down_{i}_input")([x, label])
        x = layers.Conv2D(
            filters * 2**i, kernel_size, strides=2, padding="same", name=f"down_{i}"
        )(x)
        x = layers.LeakyReLU(0.2, name=f"down_{i}_relu")(x)
        if dropout:
            x = seeded_dropout(dropout, f"down_{i}_dropout")(x)
    x = layers.Flatten(name="flatten")(x)
    logits = layers.Dense(1, name="logit", dtype=output_dtype())(x)
    return keras.Model([images, onehot], logits, name="discriminator")
