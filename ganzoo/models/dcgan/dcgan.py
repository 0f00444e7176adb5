"""DCGAN (Radford et al. 2016)."""

import keras

from ganzoo import losses
from ganzoo.models.dcgan.mixin import DCGANNetworks
from ganzoo.models.noise_to_image import NoiseToImageGAN


@keras.saving.register_keras_serializable(package="ganzoo")
class DCGAN(DCGANNetworks, NoiseToImageGAN):
    """Deep convolutional GAN.

    The generator projects the noise to a small feature map (7x7 for 28 px,
    4x4 for 32 and 64 px) and upsamples it with stride-2
    `Conv2DTranspose` stages (BatchNorm, LeakyReLU 0.2) to a `tanh` image.
    The discriminator mirrors it with stride-2 `Conv2D` stages (LeakyReLU
    0.2, dropout) and one logit. `extra_generator_stages` and
    `extra_discriminator_stages` deepen the two networks beyond the paper's.
    Training is `NoiseToImageGAN`'s: discriminator, then generator,
    non-saturating loss, Adam(2e-4, beta_1=0.5).

    Args:
        image_shape: `(height, width, channels)`; height and width multiples
            of 4 (28x28x1, 32x32x3 and 64x64x3 all work).
        latent_dim: Size of the noise vector.
        filters: Channels of the generator's last hidden stage and of the
            discriminator's first; they double at each stage inwards.
        kernel_size: Convolution kernel size.
        dropout: Dropout rate after each discriminator stage (0 disables).
        loss: Adversarial loss family, a name from `ganzoo.losses.names()`.
        extra_generator_stages: Stride-1 generator stages on the seed map,
            before the first upsampling (0: DCGAN's generator).
        extra_discriminator_stages: Stride-2 discriminator stages after
            those mirroring the generator (0: DCGAN's discriminator).
        seed: Optional int seeding the noise drawn during training.
        **kwargs: `ema_decay` and `diffaugment` (see `ganzoo.BaseGAN`), and
            what `keras.Model` takes.

    Example:

    ```python
    import ganzoo

    images, _ = ganzoo.datasets.load("mnist_5k")
    model = ganzoo.DCGAN(image_shape=(28, 28, 1))
    model.compile()
    model.fit(images, batch_size=64, epochs=5)
    samples = model.generate(16, seed=0)

    tiny = ganzoo.DCGAN(image_shape=(32, 32, 3), latent_dim=16, filters=8)
    ```

    Reference:
        Radford et al., "Unsupervised Representation Learning with Deep
        Convolutional Generative Adversarial Networks", ICLR 2016.
    """

    def __init__(
        self,
        image_shape=(28, 28, 1),
        latent_dim=100,
        filters=64,
        kernel_size=5,
        dropout=0.3,
        loss="non_saturating",
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
        self.adversarial_loss = losses.get(loss)
        super().__init__(seed=seed, **kwargs)
        self.build_networks()

    def get_config(self):
        config = super().get_config()
        config.update(loss=self.adversarial_loss.name)
        return config
