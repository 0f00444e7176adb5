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
