"""The convolutional networks of DCGAN (Radford et al. 2016)."""

import keras
from keras import layers

from ganzoo import validation
from ganzoo.layers import SpectralNorm
from ganzoo.layers.batch_normalization import FusedBatchNormalization
from ganzoo.layers.dropout import seeded_dropout
from ganzoo.layers.precision import output_dtype
from ganzoo.layers.subpixel import SubPixelConv2D
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
    image_shape,
    latent_dim,
    filters=64,
    kernel_size=5,
    num_classes=None,
    extra_stages=0,
):
    """Dense to a small map, Conv2DTranspose stride 2 stages, `tanh`.

    Every stage but the last is followed by BatchNorm and LeakyReLU(0.2);
    channel counts halve at each stage down to `filters`. With
    `num_classes`, the network takes `[z, one_hot_label]` and projects the
    two concatenated, so the label reaches every channel of the seed map.
    `extra_stages` stride-1 stages (named `seed_{j}`) work on the seed map
    before the first upsampling; they halve the channels too, so the seed
    map has `2**extra_stages` times more.
    """
    height, width, channels = image_shape
    stages = num_upsamplings(min(height, width))
    h, w = height >> stages, width >> stages
    top = filters * 2 ** (stages - 1 + extra_stages)
    z = keras.Input((latent_dim,), name="z")
    inputs = x = z
    if num_classes is not None:
        onehot = keras.Input((num_classes,), name="label")
        inputs = [z, onehot]
        x = layers.Concatenate(name="z_and_label")(inputs)
    x = layers.Dense(h * w * top, use_bias=False, name="project")(x)
    x = FusedBatchNormalization(name="project_bn")(x)
    x = layers.LeakyReLU(0.2, name="project_relu")(x)
    x = layers.Reshape((h, w, top), name="to_map")(x)
    hidden = [(f"seed_{j}", 1) for j in range(extra_stages)]
    hidden += [(f"up_{i}", 2) for i in range(stages - 1)]
    for k, (name, strides) in enumerate(hidden):
        x = SubPixelConv2DTranspose(
            top >> (k + 1),
            kernel_size,
            strides=strides,
            padding="same",
            use_bias=False,
            name=name,
        )(x)
        x = FusedBatchNormalization(name=f"{name}_bn")(x)
        x = layers.LeakyReLU(0.2, name=f"{name}_relu")(x)
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


def check_dcgan_options(filters, kernel_size, dropout=0.0):
    """Checks the options of DCGAN's networks, for every family built on them.

    Returns:
        `(filters, kernel_size, dropout)` as `(int, int, float)`.
    """
    return (
        validation.check_positive_int(filters, "filters"),
        validation.check_positive_int(kernel_size, "kernel_size"),
        validation.check_rate(dropout, "dropout"),
    )


def dcgan_trunk(
    images,
    filters,
    kernel_size,
    dropout=0.0,
    spectral_norm=False,
    label=None,
    extra_stages=0,
):
    """DCGAN's discriminator body: strided Conv2D stages on `images`.

    Stage `i` is a stride-2 `Conv2D` (`ganzoo.layers.SubPixelConv2D`, whose
    gradient penalty is fast on JAX) of `filters * 2**i` channels named
    `down_{i}`, LeakyReLU(0.2) and, if `dropout`, a seeded Dropout; there
    are as many stages as the generator has upsamplings (two at 28 px,
    three at 32 px).

    Args:
        images: The image tensor (a `keras.Input`).
        filters: Channels of the first stage; they double at each stage.
        kernel_size: Convolution kernel size.
        dropout: Dropout rate after each stage (0 for none).
        spectral_norm: Wrap each Conv2D in `ganzoo.layers.SpectralNorm`
            (named `down_{i}_sn`).
        label: Optional one-hot label tensor. Repeated at every position,
            it is concatenated to the channels of each stage's input (the
            image's included), so every stage can relate the image to its
            class.
        extra_stages: Stages after those mirroring the generator (at
            28 px, a third takes the 7x7 map to 4x4), going on doubling
            the channels.

    Returns:
        The last stage's feature map.
    """
    height, width = images.shape[1:3]
    x = images
    for i in range(num_upsamplings(min(height, width)) + extra_stages):
        if label is not None:
            # "same" stride-2 stages round odd sides up (7 -> 4).
            h, w = -(-height // 2**i), -(-width // 2**i)
            tiled = tiled_label(label, h, w, f"label_{i}")
            x = layers.Concatenate(name=f"down_{i}_input")([x, tiled])
        conv = SubPixelConv2D(
            filters * 2**i, kernel_size, strides=2, padding="same", name=f"down_{i}"
        )
        x = _spectrally_normalised(conv, spectral_norm)(x)
        x = layers.LeakyReLU(0.2, name=f"down_{i}_relu")(x)
        if dropout:
            x = seeded_dropout(dropout, f"down_{i}_dropout")(x)
    return x


def tiled_label(onehot, height, width, name):
    """The one-hot label repeated at every position of a `(height, width)` map."""
    x = layers.Reshape((1, 1, onehot.shape[-1]), name=f"{name}_pixel")(onehot)
    return layers.UpSampling2D((height, width), name=name)(x)


def build_dcgan_discriminator(
    image_shape,
    filters=64,
    kernel_size=5,
    dropout=0.3,
    spectral_norm=False,
    logit_bias=True,
    *,
    label_classes=None,
    heads=(("logit", 1),),
    return_features=False,
    extra_stages=0,
):
    """DCGAN's discriminator: `dcgan_trunk`, flattened, then Dense heads.

    The defaults give DCGAN's: one logit. The options give every family's
    variant of it.

    Args:
        image_shape: `(height, width, channels)` of the images.
        filters, kernel_size, dropout, spectral_norm: See `dcgan_trunk`.
            With `spectral_norm` each head is wrapped too (`<head>_sn`).
        logit_bias: Whether the heads have a bias. A Wasserstein critic's
            loss cancels the bias of its score, so it cannot train one.
        label_classes: Optional number of classes. The model then takes
            `[images, one_hot_label]` and tiles the label into every stage
            (the conditional DCGAN's discriminator).
        heads: `(name, units)` of each Dense output head, in order (ACGAN:
            a logit and `num_classes` class logits).
        return_features: Also output the flattened trunk features (named
            `features`), after the heads (SGAN's feature matching).
        extra_stages: See `dcgan_trunk`.

    Returns:
        A `keras.Model` named `discriminator`; its output is the one head's
        tensor, or a list when there are several outputs.
    """
    images = keras.Input(image_shape, name="images")
    inputs, label = images, None
    if label_classes is not None:
        label = keras.Input((label_classes,), name="label")
        inputs = [images, label]
    x = dcgan_trunk(
        images, filters, kernel_size, dropout, spectral_norm, label, extra_stages
    )
    features = layers.Flatten(name="features" if return_features else "flatten")(x)
    outputs = [
        _spectrally_normalised(
            layers.Dense(units, use_bias=logit_bias, name=name, dtype=output_dtype()),
            spectral_norm,
        )(features)
        for name, units in heads
    ]
    if return_features:
        outputs.append(features)
    return keras.Model(
        inputs, outputs[0] if len(outputs) == 1 else outputs, name="discriminator"
    )


def _spectrally_normalised(layer, spectral_norm):
    return SpectralNorm(layer, name=f"{layer.name}_sn") if spectral_norm else layer
