"""The vanilla GAN (Goodfellow et al. 2014) with MLP networks."""

import keras

from ganzoo import losses
from ganzoo import validation
from ganzoo.models.gan.networks import build_mlp_discriminator
from ganzoo.models.gan.networks import build_mlp_generator
from ganzoo.models.noise_to_image import NoiseToImageGAN


@keras.saving.register_keras_serializable(package="ganzoo")
class GAN(NoiseToImageGAN):
    """Generative adversarial network with fully connected networks.

    The generator maps 100-d normal noise through Dense layers of 128, 256,
    512 and 1024 units (LeakyReLU 0.2, BatchNorm) to a `tanh` image; the
    discriminator maps the flattened image through 512 and 256 units to one
    logit. Each training step updates the discriminator, then the generator,
    with the non-saturating loss by default. Optimizers default to
    Adam(2e-4, beta_1=0.5) for both players.

    Args:
        image_shape: `(height, width, channels)` of the images.
        latent_dim: Size of the noise vector.
        loss: Adversarial loss family, a name from `ganzoo.losses.names()`.
        seed: Optional int seeding the noise drawn during training.
        **kwargs: `ema_decay` and `diffaugment` (see `ganzoo.BaseGAN`), and
            what `keras.Model` takes.

    Example:

    ```python
    import ganzoo

    images, _ = ganzoo.datasets.load("mnist_5k")
    model = ganzoo.GAN(image_shape=(28, 28, 1))
    model.compile()  # Adam(2e-4, beta_1=0.5) for both players
    model.fit(images, batch_size=64, epochs=5)
    samples = model.generate(16, seed=0)  # (16, 28, 28, 1) in [-1, 1]
    ```

    Reference:
        Goodfellow et al., "Generative Adversarial Nets", NeurIPS 2014.
    """

    def __init__(
        self,
        image_shape=(28, 28, 1),
        latent_dim=100,
        loss="non_saturating",
        seed=None,
        **kwargs,
    ):
        self.image_shape = validation.check_image_shape(image_shape)
        self.latent_dim = validation.check_positive_int(latent_dim, "latent_dim")
        self.adversarial_loss = losses.get(loss)
        super().__init__(seed=seed, **kwargs)
        self.build_networks()

    def build_generator(self):
        return build_mlp_generator(self.image_shape, self.latent_dim)

    def build_discriminator(self):
        return build_mlp_discriminator(self.image_shape)

    def get_config(self):
        config = super().get_config()
        config.update(
            image_shape=list(self.image_shape),
            latent_dim=self.latent_dim,
            loss=self.adversarial_loss.name,
        )
        return config
