"""The discriminator of the semi-supervised GAN: a conv trunk, N class logits.

The generator is DCGAN's (`ganzoo.models.dcgan.networks`).
"""

from ganzoo.models.dcgan.networks import build_dcgan_discriminator


def build_sgan_discriminator(
    image_shape, num_classes, filters=64, kernel_size=5, dropout=0.3, extra_stages=0
):
    """DCGAN's discriminator trunk with a `num_classes`-way head.

    Strided Conv2D stages (LeakyReLU 0.2, dropout) are flattened into the
    features; one Dense layer maps them to `num_classes` logits.

    Returns:
        A `keras.Model` from images to `[logits, features]`: the class logits
        `(batch, num_classes)` and the flattened trunk features that feature
        matching compares.
    """
    return build_dcgan_discriminator(
        image_shape,
        filters,
        kernel_size,
        dropout,
        heads=(("class_logits", num_classes),),
        return_features=True,
        extra_stages=extra_stages,
    )
