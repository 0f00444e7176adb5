"""The convolutional networks of DCGAN (Radford et al. 2016)."""

import keras
from keras import layers

from ganzoo.layers import SpectralNorm
from ganzoo.layers.dropout import seeded_dropout
from ganzoo.layers.precision import output_dtype
from ganzoo.layers.subpixel import SubPixelConv2DTranspose


def num_upsamplings(side):
    """How many stride-2 stages take a small seed map to `side` pixels.

    Halves `side` while it stays even and at least 8, so 28 -> 7 (two
    stages), 32 -> 4 (three) and 64 -> 4 (four).
    """
    stages = 0
    while side % 2 == 0 and side >= 8:
        side //= 2
        stages += 1
    return stages


def build_dcgan_generator(
    image_shape, latent_dim, filters=64, kernel_size=5, num_classes=None
):
    """Dense to a small map, Conv2DTranspose stride 2 stages, `tanh`.

    Every stage but the last is followed by BatchNorm and LeakyReLU(0.2);
    channel counts halve at each stage down to `filters`. With
    `num_classes`, the network takes `[z, one_hot_label]` and projects the
    two concatenated, so the label reaches every channel of the seed map.
    """
    height, width, channels = image_shape
    stages = num_upsamplings(min(height, width))
    h, w = height >> stages, width >> stages
    top = filters * 2 ** (stages - 1)
    z = keras.Input((latent_dim,), name="z")
    inputs = x = z
    if num_classes is not None:
        onehot = keras.Input((num_classes,), name="label")
        inputs = [z, onehot]
        x = layers.Concatenate(name="z_and_label")(inputs)
    x = layers.Dense(h * w * top, use_bias=False, name="project")(x)
    x = layers.BatchNormalization(name="project_bn")(x)
    x = layers.LeakyReLU(0.2, name="project_relu")(x)
    x = layers.Reshape((h, w, top), name="to_map")(x)
    for i in range(stages - 1):
        x = SubPixelConv2DTranspose(
            top >> (i + 1),
            kernel_size,
            strides=2,
            padding="same",
            use_bias=False,
            name=f"up_{i}",
        )(x)
        x = layers.BatchNormalization(name=f"up_{i}_bn")(x)
        x = layers.LeakyReLU(0.2, name=f"up_{i}_relu")(x)
    images = SubPixelConv2DTranspose(
        channels,
        kernel_size,
        strides=2,
        padding="same",
        activation="tanh",
        name="to_image",
        dtype=output_dtype(),
    )(x)
    return keras.Model(inputs, images, name="generator")


def build_dcgan_discriminator(
    image_shape,
    filters=64,
    kernel_size=5,
    dropout=0.3,
    spectral_norm=False,
    logit_bias=True,
):
    """Strided Conv2D stages with LeakyReLU(0.2) and dropout, one logit.

    With `spectral_norm`, every Conv2D and the final Dense are wrapped in
    `ganzoo.layers.SpectralNorm`. `logit_bias=False` drops the output's bias,
    which a Wasserstein critic's loss cannot train (it cancels out).
    """

    def weight_layer(layer):
        return SpectralNorm(layer, name=f"{layer.name}_sn") if spectral_norm else layer

    stages = num_upsamplings(min(image_shape[:2]))
    images = keras.Input(image_shape, name="images")
    x = images
    for i in range(stages):
        x = weight_layer(
            layers.Conv2D(
                filters * 2**i, kernel_size, strides=2, padding="same", name=f"down_{i}"
            )
        )(x)
        x = layers.LeakyReLU(0.2, name=f"down_{i}_relu")(x)
        if dropout:
            x = seeded_dropout(dropout, f"down_{i}_dropout")(x)
    x = layers.Flatten(name="flatten")(x)
    logit = layers.Dense(1, use_bias=logit_bias, name="logit", dtype=output_dtype())
    logits = weight_layer(logit)(x)
    return keras.Model(images, logits, name="discriminator")
