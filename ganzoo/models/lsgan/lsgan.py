"""LSGAN (Mao et al. 2017): least-squares losses on DCGAN's networks."""

import functools

import keras

from ganzoo import losses
from ganzoo import validation
from ganzoo.models.dcgan.mixin import DCGANNetworks
from ganzoo.models.noise_to_image import NoiseToImageGAN


@keras.saving.register_keras_serializable(package="ganzoo")
class LSGAN(DCGANNetworks, NoiseToImageGAN):
    """Least-squares GAN.

    DCGAN's networks with a linear discriminator output and the paper's
    least-squares losses: the discriminator minimises
    `0.5 E[(D(x) - b)^2] + 0.5 E[(D(G(z)) - a)^2]`, the generator
    `0.5 E[(D(G(z)) - c)^2]`. The default targets `(a, b, c) = (0, 1, 1)`
    are the paper's 0-1 coding (Eq. 9), which the authors' code uses;
    `(-1, 1, 0)` is the paper's other scheme, the one that minimises the
    Pearson chi-squared divergence (Eq. 8). Optimizers default to
    Adam(2e-4, beta_1=0.5).

    Args:
        image_shape: `(height, width, channels)`; sides multiples of 4.
        latent_dim: Size of the noise vector.
        filters: Channels of the generator's last stage and of the
            discriminator's first.
        kernel_size: Convolution kernel size.
        dropout: Dropout rate after each discriminator stage.
        targets: `(a, b, c)`: the discriminator's target for generated
            images, its target for real ones, and the value the generator
            wants the discriminator to give its images.
        extra_generator_stages: Stride-1 generator stages on the seed map,
            before the first upsampling (0: DCGAN's generator).
        extra_discriminator_stages: Stride-2 discriminator stages after
            those mirroring the generator (0: DCGAN's discriminator).
        seed: Optional int seeding the noise drawn during training.
        **kwargs: `ema_decay` and `diffaugment` (see `ganzoo.BaseGAN`), and
            what `keras.Model` takes.

    Reference:
        Mao et al., "Least Squares Generative Adversarial Networks",
        ICCV 2017.
    """

    def __init__(
        self,
        image_shape=(28, 28, 1),
        latent_dim=100,
        filters=64,
        kernel_size=5,
        dropout=0.3,
        targets=(0.0, 1.0, 1.0),
        extra_generator_stages=0,
        extra_discriminator_stages=0,
        seed=None,
        **kwargs,
    ):
        self.set_network_options(
            image_shape,
            latent_dim,
            filters,
            kernel_size,
            dropout,
            extra_generator_stages=extra_generator_stages,
            extra_discriminator_stages=extra_discriminator_stages,
        )
        self.targets = _check_targets(targets)
        a, b, c = self.targets
        self.adversarial_loss = losses.AdversarialLoss(
            "least_squares",
            functools.partial(losses.least_squares_discriminator_loss, a=a, b=b),
            functools.partial(losses.least_squares_generator_loss, c=c),
        )
        super().__init__(seed=seed, **kwargs)
        self.build_networks()

    def get_config(self):
        config = super().get_config()
        config.update(
            targets=list(self.targets),
        )
        return config


def _check_targets(targets):
    """`(a, b, c)` as three floats, with `a != b`."""
    expected = "three numbers (a, b, c), e.g. (0, 1, 1)"
    try:
        values = tuple(targets)
    except TypeError:
        raise TypeError(
            f"`targets` must be {expected}. Received: targets={targets!r}"
        ) from None
    if len(values) != 3:
        raise ValueError(f"`targets` must be {expected}. Received: targets={targets!r}")
    a, b, c = (
        validation.check_number(t, f"targets[{i}]") for i, t in enumerate(values)
    )
    if a == b:
        raise ValueError(
            "`targets` must give real and generated images different "
            f"discriminator targets (b != a). Received: targets={targets!r}"
        )
    return a, b, c
