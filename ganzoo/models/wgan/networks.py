"""The critic of WGAN and WGAN-GP: DCGAN's discriminator, scoring linearly."""

from ganzoo.models.dcgan.networks import build_dcgan_discriminator


def build_critic(image_shape, filters=64, kernel_size=5, extra_stages=0):
    """DCGAN's discriminator as a Wasserstein critic: no dropout, no score bias.

    The Wasserstein loss cancels the bias of the score, so it could not
    train one.
    """
    return build_dcgan_discriminator(
        image_shape,
        filters,
        kernel_size,
        dropout=0.0,
        logit_bias=False,
        extra_stages=extra_stages,
    )
