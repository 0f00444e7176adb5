"""The conditional GAN (Mirza & Osindero 2014) with MLP networks."""

import keras

from ganzoo import losses
from ganzoo import validation
from ganzoo.models.conditioning import ClassConditional
from ganzoo.models.gan.networks import build_mlp_discriminator
from ganzoo.models.gan.networks import build_mlp_generator
from ganzoo.models.labels import check_num_classes
from ganzoo.models.noise_to_image import NoiseToImageGAN


@keras.saving.register_keras_serializable(package="ganzoo")
class CGAN(ClassConditional, NoiseToImageGAN):
    """Conditional GAN: both players see the class label.

    The generator maps the noise concatenated with the one-hot label
    through the GAN's MLP (Dense 128, 256, 512, 1024 units, LeakyReLU 0.2,
    BatchNorm) to a `tanh` image; the discriminator maps the flattened image
    concatenated with the one-hot label through 512 and 256 units to one
    logit, so it judges whether the image is a real image *of that class*.
    Each training step updates the discriminator on real images with their
    labels and on generated images with the labels they were asked for,
    then the generator; the non-saturating loss is the default and both
    optimizers are Adam(2e-4, beta_1=0.5).

    Where the paper is silent or dated, this implementation chooses:
    the GAN's LeakyReLU/BatchNorm MLPs instead of the paper's ReLU, dropout
    and maxout layers of other widths; labels of generated images drawn
    uniformly over the classes in both players' updates; labels given as
    one-hot vectors (a Dense layer on them is a learned label embedding).

    `fit` takes images and integer class ids, `fit(images, labels)` or a
    dataset yielding `(images, labels)`; labels in NumPy arrays are all
    checked before training starts.

    Args:
        image_shape: `(height, width, channels)` of the images.
        num_classes: Number of classes; labels are ids in `[0, num_classes)`.
        latent_dim: Size of the noise vector.
        loss: Adversarial loss family, a name from `ganzoo.losses.names()`.
        seed: Optional int seeding the noise drawn during training.
        **kwargs: `ema_decay` and `diffaugment` (see `ganzoo.BaseGAN`), and
            what `keras.Model` takes.

    Example:

    ```python
    import ganzoo

    images, labels = ganzoo.datasets.load("mnist_5k")
    model = ganzoo.CGAN(image_shape=(28, 28, 1), num_classes=10)
    model.compile()  # Adam(2e-4, beta_1=0.5) for both players
    model.fit(images, labels, batch_size=64, epochs=5)
    sevens = model.generate(16, labels=7, seed=0)
    every_digit = model.generate(10, labels=range(10), seed=0)
    ```

    Reference:
        Mirza & Osindero, "Conditional Generative Adversarial Nets",
        arXiv:1411.1784, 2014.
    """

    def __init__(
        self,
        image_shape=(28, 28, 1),
        num_classes=10,
        latent_dim=100,
        loss="non_saturating",
        seed=None,
        **kwargs,
    ):
        self.image_shape = validation.check_image_shape(image_shape)
        self.num_classes = check_num_classes(num_classes)
        self.latent_dim = validation.check_positive_int(latent_dim, "latent_dim")
        self.adversarial_loss = losses.get(loss)
        super().__init__(seed=seed, **kwargs)
        self.build_networks()

    def build_generator(self):
        return build_mlp_generator(
            self.image_shape, self.latent_dim, num_classes=self.num_classes
        )

    def build_discriminator(self):
        return build_mlp_discriminator(self.image_shape, num_classes=self.num_classes)

    def get_config(self):
        config = super().get_config()
        config.update(
            image_shape=list(self.image_shape),
            num_classes=self.num_classes,
            latent_dim=self.latent_dim,
            loss=self.adversarial_loss.name,
        )
        return config
