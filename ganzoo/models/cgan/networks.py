"""The label-conditioned discriminator of the conditional DCGAN.

It takes the class as a one-hot vector (the models turn class ids into
one-hot vectors with `keras.ops.one_hot`), as Mirza & Osindero (2014) feed
`y`. CGAN's networks are the GAN's MLPs with their `num_classes` option
(`ganzoo.models.gan.networks`).
"""

import warnings

from keras import layers

from ganzoo.models.dcgan import networks as dcgan_networks
from ganzoo.models.dcgan.networks import build_dcgan_discriminator
from ganzoo.models.gan import networks as gan_networks


def build_conditional_dcgan_discriminator(
    image_shape, num_classes, filters=64, kernel_size=5, dropout=0.3, extra_stages=0
):
    """DCGAN's discriminator with the one-hot label tiled into every stage.

    Before each strided Conv2D stage (LeakyReLU(0.2), dropout) the one-hot
    label, repeated at every position, is concatenated to the feature map's
    channels (to the image's channels at the input), so every stage can
    relate the image to its class; one logit ends it. The model takes
    `[images, one_hot_label]`.
    """
    return build_dcgan_discriminator(
        image_shape,
        filters,
        kernel_size,
        dropout,
        label_classes=num_classes,
        extra_stages=extra_stages,
    )


def __getattr__(name):
    # Helpers that moved, each with what replaces it.
    moved = {
        "dcgan_features": (
            _dcgan_features,
            "`ganzoo.models.dcgan.networks.dcgan_trunk` (and its `label` "
            "argument) or `build_dcgan_discriminator`",
        ),
        "tiled_label": (
            dcgan_networks.tiled_label,
            "`ganzoo.models.dcgan.networks.tiled_label`",
        ),
        "build_conditional_mlp_generator": (
            _conditional_mlp_generator,
            "`ganzoo.models.gan.networks.build_mlp_generator(..., num_classes=)`",
        ),
        "build_conditional_mlp_discriminator": (
            _conditional_mlp_discriminator,
            "`ganzoo.models.gan.networks.build_mlp_discriminator(..., num_classes=)`",
        ),
    }
    if name in moved:
        function, replacement = moved[name]
        warnings.warn(
            f"`ganzoo.models.cgan.networks.{name}` is deprecated: use {replacement}.",
            DeprecationWarning,
            stacklevel=2,
        )
        return function
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _dcgan_features(x, filters, kernel_size, dropout, stages):
    """The former `dcgan_features`: `dcgan_trunk`, then Flatten."""
    del stages  # the trunk derives it from the image size, as every caller did
    x = dcgan_networks.dcgan_trunk(x, filters, kernel_size, dropout)
    return layers.Flatten(name="flatten")(x)


def _conditional_mlp_generator(
    image_shape, latent_dim, num_classes, units=(128, 256, 512, 1024)
):
    """The former `build_conditional_mlp_generator`."""
    return gan_networks.build_mlp_generator(
        image_shape, latent_dim, units, num_classes=num_classes
    )


def _conditional_mlp_discriminator(image_shape, num_classes, units=(512, 256)):
    """The former `build_conditional_mlp_discriminator`."""
    return gan_networks.build_mlp_discriminator(
        image_shape, units, num_classes=num_classes
    )
