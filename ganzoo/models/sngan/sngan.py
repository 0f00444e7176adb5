"""Spectrally normalised GAN with the hinge loss (Miyato et al. 2018)."""

import keras

from ganzoo import losses
from ganzoo import validation
from ganzoo.models.dcgan.mixin import DCGANNetworks
from ganzoo.models.dcgan.networks import build_dcgan_discriminator
from ganzoo.models.noise_to_image import NoiseToImageGAN

#: Dropout after each discriminator stage: DCGAN's default, which SNGAN's
#: discriminator has always had (not an argument, so not in its config).
SNGAN_DROPOUT = 0.3


@keras.saving.register_keras_serializable(package="ganzoo")
class SNGAN(DCGANNetworks, NoiseToImageGAN):
    """GAN whose discriminator has spectrally normalised weights.

    DCGAN's generator; DCGAN's discriminator with each Conv2D and the final
    Dense wrapped in `ganzoo.layers.SpectralNorm` (one power-iteration step
    per training call). The discriminator keeps DCGAN's dropout of 0.3 after
    each stage, with which `sngan_mnist` was trained. Hinge loss: the discriminator
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
        extra_generator_stages: Stride-1 generator stages on the seed map,
            before the first upsampling (0: DCGAN's generator).
        extra_discriminator_stages: Stride-2 discriminator stages after
            those mirroring the generator (0: DCGAN's discriminator).
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
            extra_generator_stages=extra_generator_stages,
            extra_discriminator_stages=extra_discriminator_stages,
        )
        self.discriminator_steps = validation.check_positive_int(n_critic, "n_critic")
        self.adversarial_loss = losses.get(loss)
        super().__init__(seed=seed, **kwargs)
        self.build_networks()

    def build_discriminator(self):
        return build_dcgan_discriminator(
            self.image_shape,
            self.filters,
            self.kernel_size,
            dropout=SNGAN_DROPOUT,
            spectral_norm=True,
            extra_stages=self.extra_discriminator_stages,
        )

    def default_optimizer(self, name):
        return keras.optimizers.Adam(2e-4, beta_1=0.5, beta_2=0.999, name=name)

    def get_config(self):
        config = super().get_config()
        config.update(n_critic=self.n_critic, loss=self.adversarial_loss.name)
        return config
