"""WGAN-GP (Gulrajani et al. 2017): the critic's gradient norm is penalised."""

import keras
from keras import ops

from ganzoo import backend
from ganzoo.models.wgan.wgan import WGAN


@keras.saving.register_keras_serializable(package="ganzoo")
class WGANGP(WGAN):
    """Wasserstein GAN with gradient penalty.

    Like `WGAN` without weight clipping: the critic's loss adds
    `gp_weight * E[(||grad_x f(x_hat)||_2 - 1)^2]` on interpolates
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
        seed=None,
        **kwargs,
    ):
        if not isinstance(gp_weight, (int, float)) or gp_weight < 0:
            raise ValueError(
                "`gp_weight` must be a non-negative number. "
                f"Received: gp_weight={gp_weight!r}"
            )
        self.gp_weight = float(gp_weight)
        super().__init__(
            image_shape=image_shape,
            latent_dim=latent_dim,
            filters=filters,
            kernel_size=kernel_size,
            n_critic=n_critic,
            clip_value=None,
            seed=seed,
            **kwargs,
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
        del config["clip_value"]
        config["gp_weight"] = self.gp_weight
        return config
