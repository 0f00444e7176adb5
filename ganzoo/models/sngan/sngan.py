"""Spectrally normalised GAN with the hinge loss (Miyato et al. 2018)."""

import keras

from ganzoo import validation
from ganzoo.models.dcgan.dcgan import DCGAN
from ganzoo.models.dcgan.networks import build_dcgan_discriminator


@keras.saving.register_keras_serializable(package="ganzoo")
class SNGAN(DCGAN):
    """GAN whose discriminator has spectrally normalised weights.

    DCGAN's generator; DCGAN's discriminator without dropout, each Conv2D
    and the final Dense wrapped in `ganzoo.layers.SpectralNorm` (one
    power-iteration step per training call). Hinge loss: the discriminator
    minimises `E[relu(1 - D(x))] + E[relu(1 + D(G(z)))]`, the generator
    `-E[D(G(z))]`. Optimizers default to Adam(2e-4, beta_1=0.5,
    beta_2=0.999) with one discriminator update per generator update, the
    paper's setting C.

    Args:
        image_shape: `(height, width, channels)`; sides multiples of 4.
        latent_dim: Size of the noise vector.
        filters: Channels of the generator's last stage and of the
            discriminator's first.
        kernel_size: Convolution kernel size.
        n_critic: Discriminator updates per generator update.
        loss: Adversarial loss family; the paper's `"hinge"` by default.
        seed: Optional int seeding the noise drawn during training.
        **kwargs: `ema_decay` and `diffaugment` (see `ganzoo.BaseGAN`), and
            what `keras.Model` takes.

    Reference:
        Miyato et al., "Spectral Normalization for Generative Adversarial
        Networks", ICLR 2018.
    """

    def __init__(
        self,
        image_shape=(28, 28, 1),
        latent_dim=100,
        filters=64,
        kernel_size=5,
        n_critic=1,
        loss="hinge",
        seed=None,
        **kwargs,
    ):
        self.discriminator_steps = validation.check_positive_int(n_critic, "n_critic")
        super().__init__(
            image_shape=image_shape,
            latent_dim=latent_dim,
            filters=filters,
            kernel_size=kernel_size,
            dropout=0.0,
            loss=loss,
            seed=seed,
            **kwargs,
        )

    def build_discriminator(self):
        return build_dcgan_discriminator(
            self.image_shape, self.filters, self.kernel_size, spectral_norm=True
        )

    def default_optimizer(self, name):
        return keras.optimizers.Adam(2e-4, beta_1=0.5, beta_2=0.999, name=name)

    def get_config(self):
        config = super().get_config()
        del config["dropout"]
        config["n_critic"] = self.discriminator_steps
        return config
