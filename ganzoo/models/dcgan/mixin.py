"""`DCGANNetworks`: DCGAN's networks, options and config for any family."""

from ganzoo import validation
from ganzoo.models.dcgan.networks import build_dcgan_discriminator
from ganzoo.models.dcgan.networks import build_dcgan_generator
from ganzoo.models.dcgan.networks import check_dcgan_options

#: `set_network_options`'s `dropout` of a family that takes none.
NO_DROPOUT = object()


class DCGANNetworks:
    """DCGAN's networks, mixed into a `NoiseToImageGAN` family.

    `class LSGAN(DCGANNetworks, NoiseToImageGAN)`: the mixin comes before
    the base (after `ClassConditional`, if the family has labels). The
    family's `__init__` calls `set_network_options` before anything else,
    then sets what is its own. It gets:

    - `build_generator`: DCGAN's generator; it also takes the one-hot label
      when the family's `generator_classes` is set (`ClassConditional`
      sets it to `num_classes`).
    - `build_discriminator`: DCGAN's discriminator with the family's
      `dropout`. Families that change it (a critic, two heads, spectral
      norm, the label tiled in) override this method with
      `build_dcgan_discriminator`'s options, passing it
      `extra_stages=self.extra_discriminator_stages`.
    - `get_config`: the options, beside what the family adds.
    """

    def set_network_options(
        self,
        image_shape,
        latent_dim,
        filters,
        kernel_size,
        dropout=NO_DROPOUT,
        extra_generator_stages=0,
        extra_discriminator_stages=0,
    ):
        """Checks the networks' options and sets them as attributes.

        Args:
            image_shape: `(height, width, channels)`, sides multiples of 4.
            latent_dim: Size of the noise vector.
            filters: Channels of the generator's last hidden stage and of
                the discriminator's first.
            kernel_size: Convolution kernel size.
            dropout: Dropout rate after each discriminator stage. Left out
                by a family that takes none: `self.dropout` is then `None`,
                and the config has no `dropout`.
        """
        self.image_shape = validation.check_image_shape(image_shape, multiple_of=4)
        self.latent_dim = validation.check_positive_int(latent_dim, "latent_dim")
        takes_dropout = dropout is not NO_DROPOUT
        self.filters, self.kernel_size, checked_dropout = check_dcgan_options(
            filters, kernel_size, dropout if takes_dropout else 0.0
        )
        self.dropout = checked_dropout if takes_dropout else None
        self.extra_generator_stages = validation.check_int(
            extra_generator_stages, "extra_generator_stages", minimum=0
        )
        self.extra_discriminator_stages = validation.check_int(
            extra_discriminator_stages, "extra_discriminator_stages", minimum=0
        )

    def build_generator(self):
        return build_dcgan_generator(
            self.image_shape,
            self.latent_dim,
            self.filters,
            self.kernel_size,
            num_classes=self.generator_classes,
            extra_stages=self.extra_generator_stages,
        )

    def build_discriminator(self):
        return build_dcgan_discriminator(
            self.image_shape,
            self.filters,
            self.kernel_size,
            self.dropout or 0.0,
            extra_stages=self.extra_discriminator_stages,
        )

    def get_config(self):
        config = super().get_config()
        config.update(
            image_shape=list(self.image_shape),
            latent_dim=self.latent_dim,
            filters=self.filters,
            kernel_size=self.kernel_size,
            extra_generator_stages=self.extra_generator_stages,
            extra_discriminator_stages=self.extra_discriminator_stages,
        )
        if self.dropout is not None:
            config["dropout"] = self.dropout
        return config
