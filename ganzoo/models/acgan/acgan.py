"""The auxiliary classifier GAN (Odena et al. 2017)."""

import keras
import numpy as np
from keras import ops

from ganzoo import losses
from ganzoo import validation
from ganzoo.models.acgan.networks import build_auxiliary_classifier_discriminator
from ganzoo.models.conditioning import ClassConditional
from ganzoo.models.dcgan.mixin import DCGANNetworks
from ganzoo.models.labels import check_num_classes
from ganzoo.models.noise_to_image import NoiseToImageGAN


def class_loss(labels, class_logits):
    """Mean cross-entropy of class ids under the classifier's logits."""
    return ops.mean(
        ops.sparse_categorical_crossentropy(labels, class_logits, from_logits=True)
    )


@keras.saving.register_keras_serializable(package="ganzoo")
class ACGAN(ClassConditional, DCGANNetworks, NoiseToImageGAN):
    """Auxiliary classifier GAN: the discriminator also classifies.

    The generator is the conditional DCGAN's (noise and one-hot label
    projected together to its seed map). The discriminator sees only the
    image: DCGAN's strided `Conv2D` stages shared by two heads, one
    real/fake logit and `num_classes` class logits. As in the paper both
    players minimise the class cross-entropy: the discriminator minimises
    its adversarial loss plus the class loss of real images (their labels)
    and of generated images (the labels they were made for); the generator
    minimises its adversarial loss plus the class loss of its images.
    `classify` exposes the discriminator's classifier.

    Where the paper is silent or dated, this implementation chooses: the
    DCGAN networks of `ConditionalDCGAN` (LeakyReLU, dropout, no BatchNorm
    in the discriminator) rather than the paper's ImageNet/CIFAR networks;
    class and adversarial losses weighted equally (`generator_class_weight`
    changes the generator's); labels of generated
    images drawn uniformly over the classes; the non-saturating loss and
    Adam(2e-4, beta_1=0.5) for both players, as the paper uses.

    `classify_fakes=False` leaves generated images out of the
    discriminator's class loss, so its classifier learns real images only.
    With the paper's setting the classifier is also taught to read the
    generator's drawings of a class as that class, whatever they look like,
    which lets a class drift away from the real digits (in a long MNIST run
    the requested 2s stopped looking like 2s); with real images only, the
    generator's class loss asks for images a classifier of real data
    recognises.

    Logs `d_loss` and `g_loss` (the adversarial parts) and `d_class_loss`
    and `g_class_loss` (the class parts, unweighted); each player minimises
    the sum of its two, the generator's class part weighted by
    `generator_class_weight`.

    Args:
        image_shape: `(height, width, channels)`; height and width multiples
            of 4.
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
        classify_fakes: Whether the discriminator's class loss also covers
            generated images with the labels they were made for (True, the
            paper) or real images only (False).
        generator_class_weight: Weight of the class loss in the generator's
            loss (1, the paper, by default). Below 1 the generator trades
            some class confidence for variety within each class.
        **kwargs: `ema_decay` and `diffaugment` (see `ganzoo.BaseGAN`), and
            what `keras.Model` takes.

    Example:

    ```python
    import ganzoo

    images, labels = ganzoo.datasets.load("mnist_5k")
    model = ganzoo.ACGAN(image_shape=(28, 28, 1), filters=32)
    model.compile()
    model.fit(images, labels, batch_size=64, epochs=5)
    fives = model.generate(8, labels=5, seed=0)
    probabilities = model.classify(images[:10])  # (10, 10)
    ```

    Reference:
        Odena, Olah & Shlens, "Conditional Image Synthesis with Auxiliary
        Classifier GANs", ICML 2017.
    """

    discriminator_log_names = ("d_loss", "d_class_loss")
    generator_log_names = ("g_loss", "g_class_loss")

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
        *,
        classify_fakes=True,
        generator_class_weight=1.0,
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
        self.classify_fakes = validation.check_bool(classify_fakes, "classify_fakes")
        self.generator_class_weight = validation.check_non_negative_number(
            generator_class_weight, "generator_class_weight"
        )
        super().__init__(seed=seed, **kwargs)
        self.build_networks()

    def build_discriminator(self):
        return build_auxiliary_classifier_discriminator(
            self.image_shape,
            self.num_classes,
            self.filters,
            self.kernel_size,
            self.dropout,
            self.extra_discriminator_stages,
        )

    def get_config(self):
        config = super().get_config()
        config.update(
            num_classes=self.num_classes,
            loss=self.adversarial_loss.name,
            classify_fakes=self.classify_fakes,
            generator_class_weight=self.generator_class_weight,
        )
        return config

    def discriminator_loss(self, batch):
        real, labels = batch
        fake, fake_labels = self.generate_for_training(ops.shape(real)[0])
        real_logits, real_classes = self.discriminator(
            self.augment(real), training=True
        )
        fake_logits, fake_classes = self.discriminator(
            self.augment(ops.stop_gradient(fake)), training=True
        )
        adversarial = self.adversarial_loss.discriminator(real_logits, fake_logits)
        classes = class_loss(labels, real_classes)
        if self.classify_fakes:
            classes = classes + class_loss(fake_labels, fake_classes)
        return adversarial + classes, {"d_loss": adversarial, "d_class_loss": classes}

    def generator_loss(self, batch):
        real, _ = batch
        fake, fake_labels = self.generate_for_training(ops.shape(real)[0])
        fake_logits, fake_classes = self.discriminator(
            self.augment(fake), training=True
        )
        adversarial = self.adversarial_loss.generator(fake_logits)
        classes = class_loss(fake_labels, fake_classes)
        total = adversarial + self.generator_class_weight * classes
        return total, {"g_loss": adversarial, "g_class_loss": classes}

    def classify(self, images, batch_size=None):
        """The discriminator's class probabilities of images.

        Args:
            images: Float images `(n,) + image_shape` in [-1, 1].
            batch_size: Images per forward pass (default 128).

        Returns:
            A float32 NumPy array `(n, num_classes)` whose rows sum to 1.
        """
        batch_size = validation.check_positive_int(batch_size or 128, "batch_size")
        validation.check_images(images, self.image_shape, arg="images")
        _, logits = self.discriminator.predict(images, batch_size=batch_size, verbose=0)
        logits = np.asarray(logits, dtype="float64")
        exp = np.exp(logits - logits.max(axis=1, keepdims=True))
        return (exp / exp.sum(axis=1, keepdims=True)).astype("float32")
