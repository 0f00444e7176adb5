"""WGAN (Arjovsky et al. 2017): a weight-clipped critic and the Wasserstein loss."""

import keras
from keras import ops

from ganzoo import losses
from ganzoo import validation
from ganzoo.models.dcgan.mixin import DCGANNetworks
from ganzoo.models.noise_to_image import NoiseToImageGAN
from ganzoo.models.wgan.networks import build_critic


@keras.saving.register_keras_serializable(package="ganzoo")
class WGAN(DCGANNetworks, NoiseToImageGAN):
    """Wasserstein GAN with weight clipping.

    DCGAN's networks, with a critic (the discriminator without dropout; its
    output is a linear score without bias, not a probability). One training step runs
    `n_critic` critic updates, each followed by clipping every critic weight
    to `[-clip_value, clip_value]`, then one generator update. Losses:
    critic `E[f(fake)] - E[f(real)]` (logged as `d_loss`, the negated
    Wasserstein estimate), generator `-E[f(fake)]`. Optimizers default to
    RMSprop(5e-5) for both players, as in the paper.

    The `n_critic` updates of one step see the same real batch, each with
    fresh noise; the paper draws a new real batch for each, which measured
    no better on MNIST (docs/loss_families.md, "Why weight clipping trails").

    Args:
        image_shape: `(height, width, channels)`; sides multiples of 4.
        latent_dim: Size of the noise vector.
        filters: Channels of the generator's last stage and of the critic's
            first.
        kernel_size: Convolution kernel size.
        n_critic: Critic updates per generator update.
        clip_value: Critic weights are clipped to `[-clip_value, clip_value]`
            after every critic update; `None` leaves them unclipped.
        extra_generator_stages: Stride-1 generator stages on the seed map,
            before the first upsampling (0: DCGAN's generator).
        extra_discriminator_stages: Stride-2 discriminator stages after
            those mirroring the generator (0: DCGAN's discriminator).
        seed: Optional int seeding the noise drawn during training.
        **kwargs: `ema_decay` and `diffaugment` (see `ganzoo.BaseGAN`), and
            what `keras.Model` takes.

    Example:

    ```python
    model = ganzoo.WGAN(image_shape=(28, 28, 1))
    model.compile()  # RMSprop(5e-5) for critic and generator
    model.fit(images, batch_size=64, epochs=5)
    ```

    Reference:
        Arjovsky et al., "Wasserstein Generative Adversarial Networks",
        ICML 2017.
    """

    def __init__(
        self,
        image_shape=(28, 28, 1),
        latent_dim=100,
        filters=64,
        kernel_size=5,
        n_critic=5,
        clip_value=0.01,
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
        self.clip_value = _check_clip_value(clip_value)
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
        return keras.optimizers.RMSprop(5e-5, name=name)

    def after_discriminator_update(self):
        """Clips every critic weight to `[-clip_value, clip_value]`."""
        if self.clip_value is None:
            return
        for weight in self.discriminator.trainable_variables:
            weight.assign(ops.clip(weight, -self.clip_value, self.clip_value))

    def get_config(self):
        config = super().get_config()
        config.update(n_critic=self.n_critic, clip_value=self.clip_value)
        return config


def _check_clip_value(clip_value):
    # None leaves the critic unclipped: an ablation of the paper's constraint.
    if clip_value is None:
        return None
    return validation.check_positive_number(clip_value, "clip_value")
