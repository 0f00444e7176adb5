"""`NoiseToImageGAN`: the base of every family that samples from noise."""

import keras
import numpy as np
from keras import ops

from ganzoo import backend
from ganzoo import validation
from ganzoo.models.base_gan import BaseGAN
from ganzoo.models.phase import Phase


class NoiseToImageGAN(BaseGAN):
    """A `BaseGAN` whose generator maps latent noise (and codes) to images.

    It gives its families the standard two-player game and sampling:

    - **Training**: `phases()` runs the discriminator's update
      `discriminator_steps` times (each followed by
      `after_discriminator_update`, if the family defines it), then the
      generator's, with `d_optimizer` and `g_optimizer`.
      `discriminator_loss` and `generator_loss` score real images and
      images generated from `draw_latent` noise with
      `self.adversarial_loss` (a `ganzoo.losses.AdversarialLoss`); both see
      images through `augment`. Optimizers default to
      Adam(2e-4, beta_1=0.5) for both players.
    - **Sampling**: `generate(num_images, seed=...)` draws the noise on the
      host (the same on every backend) and runs the generator in inference
      mode. Families with inputs beside the noise (labels, codes) override
      `generate` to assemble them and end in `run_generator(inputs)`.

    A family sets `self.image_shape`, `self.latent_dim` and
    `self.adversarial_loss` in its `__init__`, and ends it with
    `build_networks()`, which calls its `build_generator()` and
    `build_discriminator()` (`keras.Model`s). It overrides only what its
    paper changes: the losses (WGAN-GP's penalty, ACGAN's class loss), the
    log names, the optimizers, or `phases()` itself for another game
    (InfoGAN's Q network, StackedGAN's four players).
    """

    #: Number of classes whose one-hot label the generator takes beside the
    #: noise; `None`: noise only (`ClassConditional` sets it).
    generator_classes = None

    #: Discriminator updates per generator update (WGAN's `n_critic`).
    discriminator_steps = 1

    #: Optional method run after every discriminator update (e.g. weight
    #: clipping); it changes variables with `variable.assign` only.
    after_discriminator_update = None

    #: What `discriminator_loss` and `generator_loss` put in their logs.
    discriminator_log_names = ("d_loss",)
    generator_log_names = ("g_loss",)

    @property
    def n_critic(self):
        """`discriminator_steps`, by the name the Wasserstein papers give it."""
        return self.discriminator_steps

    def build_networks(self):
        """Builds the generator and the discriminator, then finishes the model.

        The last call of a family's `__init__`, after `super().__init__()`:
        the family's `build_generator()` and `build_discriminator()` become
        `self.generator` and `self.discriminator`, then `finish_build()`.
        """
        self.generator = self.build_generator()
        self.discriminator = self.build_discriminator()
        self.finish_build()

    # Training ----------------------------------------------------------------

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
                log_names=self.generator_log_names,
            ),
        ]

    def draw_latent(self, batch_size):
        """Training noise from the model's seed generator."""
        z = keras.random.normal((batch_size, self.latent_dim), seed=self.seed_generator)
        return backend.shard_batch(z)

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

    # Sampling ----------------------------------------------------------------

    def sample_latent(self, num_images, seed=None):
        """Latent noise drawn on the host, identical on every backend."""
        rng = np.random.default_rng(seed)
        return rng.standard_normal((num_images, self.latent_dim)).astype("float32")

    def generate(self, num_images, seed=None, batch_size=None):
        """Generates images.

        Args:
            num_images: How many images to make.
            seed: Optional int. The same seed gives the same images on every
                backend.
            batch_size: Images per forward pass (default 128).

        Returns:
            A float32 NumPy array `(num_images,) + image_shape` in [-1, 1].
        """
        num_images = validation.check_positive_int(num_images, "num_images")
        z = self.sample_latent(num_images, seed)
        return self.run_generator(z, batch_size)

    def run_generator(self, inputs, batch_size=None):
        """Runs the generator in inference mode in batches."""
        batch_size = validation.check_positive_int(batch_size or 128, "batch_size")
        images = backend.predict(self, inputs, batch_size)
        return np.asarray(images, dtype="float32")
