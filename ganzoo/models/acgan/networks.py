"""The two-headed discriminator of ACGAN (Odena et al. 2017)."""

from ganzoo.models.dcgan.networks import build_dcgan_discriminator


def build_auxiliary_classifier_discriminator(
    image_shape, num_classes, filters=64, kernel_size=5, dropout=0.3, extra_stages=0
):
    """DCGAN's discriminator with two heads: a real/fake logit, class logits.

    Strided Conv2D stages (LeakyReLU(0.2), dropout) shared by both heads.
    Returns a model mapping images (it does not see the label) to
    `[logit (n, 1), class_logits (n, num_classes)]`.
    """
    return build_dcgan_discriminator(
        image_shape,
        filters,
        kernel_size,
        dropout,
        heads=(("logit", 1), ("class_logits", num_classes)),
        extra_stages=extra_stages,
    )
