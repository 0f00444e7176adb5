"""WGAN-GP (Gulrajani et al. 2017): the critic's gradient norm is penalised."""

import keras
from keras import ops

from ganzoo import backend
from ganzoo import losses
from ganzoo import validation
from ganzoo.models.dcgan.mixin import DCGANNetworks
from ganzoo.models.noise_to_image import NoiseToImageGAN
from ganzoo.models.wgan.networks import build_critic


@keras.saving.register_keras_serializable(package="ganzoo")
class WGANGP(DCGANNetworks, NoiseToImageGAN):
    """Wasserstein GAN with gradient penalty.

    `WGAN`'s networks and loss without weight clipping: the critic's loss
    adds `gp_weight * E[(||grad_x f(x_hat)||_2 - 1)^2]` on interpolates
    `x_hat = real + alpha * (fake - real)` with `alpha ~ U(0, 1)` drawn per
    sample. The critic has no BatchNorm. Optimizers default to
    Adam(1e-4, beta_1=0.5, beta_2=0.9); 5 critic updates per generator
    update. Logs `d_loss` (penalty included) and `gradient_penalty`.

    The input gradient comes from `ganzoo.backend.input_gradients` and is
    differentiated again with respect to the critic's weights on every
    backend.

    Args:
        image_shape: `(height, width, channels)`; sides multiples of 4.
        latent_dim: Size of the noise vector.
        filters: Channels of the generator's last stage and of the critic's
            first.
        kernel_size: Convolution kernel size.
        n_critic: Critic updates per generator update.
        gp_weight: Weight of the gradient penalty (lambda).
        extra_generator_stages: Stride-1 generator stages on the seed map,
            before the first upsampling (0: DCGAN's generator).
        extra_discriminator_stages: Stride-2 discriminator stages after
            those mirroring the generator (0: DCGAN's discriminator).
        seed: Optional int seeding the noise drawn during training.
        **kwargs: `ema_decay` and `diffaugment` (see `ganzoo.BaseGAN`), and
            what `keras.Model` takes.

    Reference:
        Gulrajani et al., "Improved Training of Wasserstein GANs",
        NeurIPS 2017.
    """

    discriminator_log_names = ("d_loss", "gradient_penalty")

    def __init__(
        self,
        image_shape=(28, 28, 1),
        latent_dim=100,
        filters=64,
        kernel_size=5,
        n_critic=5,
        gp_weight=10.0,
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
        self.gp_weight = validation.check_non_negative_number(gp_weight, "gp_weight")
        self.adversarial_loss = losses.get("wasserstein")
        super().__init__(seed=seed, **kwargs)
        self.build_networks()

    def build_discriminator(self):
        return build_critic(
            self.image_shape,
            self.filters,
            self.kernel_size,
            extra_stages=self.extra_discriminator_stages,
        )

    def default_optimizer(self, name):
        return keras.optimizers.Adam(1e-4, beta_1=0.5, beta_2=0.9, name=name)

    def gradient_penalty(self, real, fake, alpha):
        """`E[(||grad f(x_hat)|| - 1)^2]` at `x_hat = real + alpha (fake - real)`.

        Args:
            real: Real images.
            fake: Generated images, the shape of `real`.
            alpha: Interpolation factors, shape `(batch, 1, 1, 1)`.
        """
        mixed = real + alpha * (fake - real)
        grads = backend.input_gradients(
            lambda x: self.discriminator(x, training=True), mixed
        )
        norms = ops.sqrt(ops.sum(ops.square(grads), axis=(1, 2, 3)) + 1e-12)
        return ops.mean(ops.square(norms - 1.0))

    def discriminator_loss(self, real):
        batch = ops.shape(real)[0]
        z = self.draw_latent(batch)
        fake = ops.stop_gradient(self.generator(z, training=True))
        real, fake = self.augment(real), self.augment(fake)
        real_scores = self.discriminator(real, training=True)
        fake_scores = self.discriminator(fake, training=True)
        alpha = keras.random.uniform((batch, 1, 1, 1), seed=self.seed_generator)
        penalty = self.gradient_penalty(real, fake, alpha)
        loss = (
            self.adversarial_loss.discriminator(real_scores, fake_scores)
            + self.gp_weight * penalty
        )
        return loss, {"d_loss": loss, "gradient_penalty": penalty}

    def get_config(self):
        config = super().get_config()
        config.update(n_critic=self.n_critic, gp_weight=self.gp_weight)
        return config
