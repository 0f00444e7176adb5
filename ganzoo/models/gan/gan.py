"""The vanilla GAN (Goodfellow et al. 2014) with MLP networks."""

import keras
from keras import ops

from ganzoo import losses
from ganzoo import validation
from ganzoo.models.gan.networks import build_mlp_discriminator
from ganzoo.models.gan.networks import build_mlp_generator
from ganzoo.models.noise_to_image import NoiseToImageGAN
from ganzoo.models.phase import Phase


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
        self.image_shape = validation.check_image_shape(
            image_shape, multiple_of=self.image_side_multiple
        )
        self.latent_dim = validation.check_positive_int(latent_dim, "latent_dim")
        self.adversarial_loss = losses.get(loss)
        super().__init__(seed=seed, **kwargs)
        self.generator = self.build_generator()
        self.discriminator = self.build_discriminator()
        self.finish_build()

    #: Height and width must be multiples of this.
    image_side_multiple = 1

    #: Discriminator updates per generator update (WGAN's `n_critic`).
    discriminator_steps = 1

    #: What the discriminator's loss logs.
    discriminator_log_names = ("d_loss",)

    #: Optional hook run after every discriminator update (weight clipping).
    after_discriminator_update = None

    def build_generator(self):
        return build_mlp_generator(self.image_shape, self.latent_dim)

    def build_discriminator(self):
        return build_mlp_discriminator(self.image_shape)

    def default_optimizer(self, name):
        return keras.optimizers.Adam(2e-4, beta_1=0.5, name=name)

    def phases(self):
        return [
            Phase(
                "discriminator",
                self.discriminator_loss,
                self.discriminator.trainable_variables,
                self.d_optimizer,
                log_names=self.discriminator_log_names,
                repeat=self.discriminator_steps,
                after_update=self.after_discriminator_update,
            ),
            Phase(
                "generator",
                self.generator_loss,
                self.generator.trainable_variables,
                self.g_optimizer,
                log_names=("g_loss",),
            ),
        ]

    def draw_latent(self, batch_size):
        """Training noise from the model's seed generator."""
        return keras.random.normal(
            (batch_size, self.latent_dim), seed=self.seed_generator
        )

    def discriminator_loss(self, real):
        z = self.draw_latent(ops.shape(real)[0])
        fake = ops.stop_gradient(self.generator(z, training=True))
        real_logits = self.discriminator(self.augment(real), training=True)
        fake_logits = self.discriminator(self.augment(fake), training=True)
        loss = self.adversarial_loss.discriminator(real_logits, fake_logits)
        return loss, {"d_loss": loss}

    def generator_loss(self, real):
        z = self.draw_latent(ops.shape(real)[0])
        fake = self.generator(z, training=True)
        fake_logits = self.discriminator(self.augment(fake), training=True)
        loss = self.adversarial_loss.generator(fake_logits)
        return loss, {"g_loss": loss}

    def get_config(self):
        config = super().get_config()
        config.update(
            image_shape=list(self.image_shape),
            latent_dim=self.latent_dim,
            loss=self.adversarial_loss.name,
        )
        return config
