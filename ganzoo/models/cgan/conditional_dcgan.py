"""The conditional GAN on DCGAN's convolutional networks."""

import keras

from ganzoo import losses
from ganzoo.models.cgan.networks import build_conditional_dcgan_discriminator
from ganzoo.models.conditioning import ClassConditional
from ganzoo.models.dcgan.mixin import DCGANNetworks
from ganzoo.models.labels import check_num_classes
from ganzoo.models.noise_to_image import NoiseToImageGAN


@keras.saving.register_keras_serializable(package="ganzoo")
class ConditionalDCGAN(ClassConditional, DCGANNetworks, NoiseToImageGAN):
    """Conditional DCGAN: the conditional GAN's game on DCGAN's networks.

    The generator projects the one-hot label to a map the size of its seed
    map (7x7 for 28 px, 4x4 for 32 and 64 px) and concatenates it, as one
    more channel, to the map projected from the noise before the stride-2
    `Conv2DTranspose` stages (BatchNorm, LeakyReLU 0.2) that upsample to a
    `tanh` image. The discriminator concatenates the one-hot label, tiled
    over every position, to the input of each of its stride-2 `Conv2D`
    stages (LeakyReLU 0.2, dropout), the image's channels included, and ends
    in one logit. Training is CGAN's: discriminator on real images with
    their labels and generated ones with uniformly drawn labels, then the
    generator; non-saturating loss; Adam(2e-4, beta_1=0.5).

    Mirza & Osindero condition MLPs on the label at their input; the way
    the label enters convolutional networks is this implementation's
    choice. With the label at the discriminator's input only (as a learned
    28x28 map), a 15-epoch run on 4,000 MNIST digits drew the requested
    digit no more often than chance; tiling it into every discriminator
    stage makes the class hard to ignore.

    Args:
        image_shape: `(height, width, channels)`; height and width multiples
            of 4 (28x28x1, 32x32x3 and 64x64x3 all work).
        num_classes: Number of classes; labels are ids in `[0, num_classes)`.
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

    images, labels = ganzoo.datasets.load("mnist_5k")
    model = ganzoo.ConditionalDCGAN(image_shape=(28, 28, 1), filters=32)
    model.compile()
    model.fit(images, labels, batch_size=64, epochs=5)
    threes = model.generate(8, labels=3, seed=0)
    ```

    References:
        Mirza & Osindero, "Conditional Generative Adversarial Nets",
        arXiv:1411.1784, 2014.
        Radford et al., "Unsupervised Representation Learning with Deep
        Convolutional Generative Adversarial Networks", ICLR 2016.
    """

    def __init__(
        self,
        image_shape=(28, 28, 1),
        num_classes=10,
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
        self.num_classes = check_num_classes(num_classes)
        self.adversarial_loss = losses.get(loss)
        super().__init__(seed=seed, **kwargs)
        self.build_networks()

    def build_discriminator(self):
        return build_conditional_dcgan_discriminator(
            self.image_shape,
            self.num_classes,
            self.filters,
            self.kernel_size,
            self.dropout,
            self.extra_discriminator_stages,
        )

    def get_config(self):
        config = super().get_config()
        config.update(num_classes=self.num_classes, loss=self.adversarial_loss.name)
        return config
