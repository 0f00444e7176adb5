"""The conditional GAN (Mirza & Osindero 2014) with MLP networks."""

import keras
import numpy as np
from keras import ops

from ganzoo import validation
from ganzoo.models.cgan.networks import build_conditional_mlp_discriminator
from ganzoo.models.cgan.networks import build_conditional_mlp_generator
from ganzoo.models.gan.gan import GAN
from ganzoo.models.labels import balanced_labels
from ganzoo.models.labels import check_labels
from ganzoo.models.labels import check_num_classes
from ganzoo.models.labels import invalid_labels_message
from ganzoo.models.labels import keep_valid
from ganzoo.models.labels import label_checks


@keras.saving.register_keras_serializable(package="ganzoo")
class CGAN(GAN):
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
        self.num_classes = check_num_classes(num_classes)
        super().__init__(
            image_shape=image_shape,
            latent_dim=latent_dim,
            loss=loss,
            seed=seed,
            **kwargs,
        )

    def build_generator(self):
        return build_conditional_mlp_generator(
            self.image_shape, self.latent_dim, self.num_classes
        )

    def build_discriminator(self):
        return build_conditional_mlp_discriminator(self.image_shape, self.num_classes)

    # Labels --------------------------------------------------------------

    def one_hot(self, labels):
        """Class ids `(n,)` as float one-hot vectors `(n, num_classes)`."""
        return ops.one_hot(ops.cast(labels, "int32"), self.num_classes)

    def draw_labels(self, batch_size):
        """Labels of generated images in training: uniform over the classes."""
        return keras.random.randint(
            (batch_size,), 0, self.num_classes, seed=self.seed_generator, dtype="int32"
        )

    def unpack_batch(self, data):
        """Returns `(images, labels)` from a batch `(x, y)` or `(x, y, w)`."""
        x, y, _ = keras.utils.unpack_x_y_sample_weight(data)
        images = validation.check_images(x, self.image_shape, arg="x")
        return images, self._label_batch(y, images)

    batch_check_names = ("invalid_labels",)

    def batch_checks(self, data):
        return label_checks(data, 0, self.num_classes)

    def describe_batch_check(self, name):
        return invalid_labels_message(self.num_classes, low=0)

    def _label_batch(self, y, images):
        if y is None:
            raise ValueError(
                f"{type(self).__name__} trains on labelled images: pass the "
                "class ids as `y`, e.g. `fit(images, labels)`, or a dataset "
                "yielding `(images, labels)` batches. Received: y=None"
            )
        shape = tuple(y.shape)
        if len(shape) == 2 and shape[1] == 1:
            y = ops.reshape(y, (-1,))
        elif len(shape) != 1:
            raise ValueError(
                "`y` must be integer class ids of shape (batch,), not one-hot "
                f"vectors. Received: y.shape={shape}"
            )
        if None not in (shape[0], images.shape[0]) and shape[0] != images.shape[0]:
            raise ValueError(
                "`y` must hold one label per image in `x`. Received: "
                f"x.shape={tuple(images.shape)}, y.shape={shape}"
            )
        dtype = str(y.dtype)
        if "int" not in dtype and "float" not in dtype:
            raise TypeError(f"`y` must be integer class ids. Received: y.dtype={dtype}")
        return keep_valid(ops.cast(y, "int32"), 0, self.num_classes, 0)

    def check_arrays(self, x, y=None):
        """Checks every label of array inputs on the host before training."""
        if y is not None:
            host = ops.convert_to_numpy(y) if ops.is_tensor(y) else np.asarray(y)
            check_labels(host, self.num_classes, arg="y")
            if host.shape[0] != x.shape[0]:
                raise ValueError(
                    "`y` must hold one label per image in `x`. Received "
                    f"{x.shape[0]} images and {host.shape[0]} labels"
                )
        self.unpack_batch((x[:1], None if y is None else y[:1]))

    # Training ------------------------------------------------------------

    def discriminator_loss(self, batch):
        real, labels = batch
        batch_size = ops.shape(real)[0]
        fake_labels = self.draw_labels(batch_size)
        fake = self.generator(
            [self.draw_latent(batch_size), self.one_hot(fake_labels)], training=True
        )
        real_logits = self.discriminator(
            [self.augment(real), self.one_hot(labels)], training=True
        )
        fake_logits = self.discriminator(
            [self.augment(ops.stop_gradient(fake)), self.one_hot(fake_labels)],
            training=True,
        )
        loss = self.adversarial_loss.discriminator(real_logits, fake_logits)
        return loss, {"d_loss": loss}

    def generator_loss(self, batch):
        real, _ = batch
        batch_size = ops.shape(real)[0]
        fake_labels = self.draw_labels(batch_size)
        fake = self.generator(
            [self.draw_latent(batch_size), self.one_hot(fake_labels)], training=True
        )
        fake_logits = self.discriminator(
            [self.augment(fake), self.one_hot(fake_labels)], training=True
        )
        loss = self.adversarial_loss.generator(fake_logits)
        return loss, {"g_loss": loss}

    # Sampling ------------------------------------------------------------

    def call(self, inputs, training=False):
        """Generates images from `{"z": noise, "labels": class ids}`."""
        network = self.generator if training else self.inference_network("generator")
        onehot = self.one_hot(inputs["labels"])
        return network([inputs["z"], onehot], training=training)

    def generate(self, num_images, labels=None, seed=None, batch_size=None):
        """Generates images of the requested classes.

        Args:
            num_images: How many images to make.
            labels: Class ids, one per image (array-like of shape
                `(num_images,)`), or one int for every image. By default
                the classes in turn, `0, 1, ..., num_classes - 1, 0, ...`.
            seed: Optional int. The same seed and labels give the same
                images on every backend; the noise depends on the seed only,
                so one seed with other labels shows the same noise drawn as
                other classes.
            batch_size: Images per forward pass (default 128).

        Returns:
            A float32 NumPy array `(num_images,) + image_shape` in [-1, 1].
        """
        num_images = validation.check_positive_int(num_images, "num_images")
        if labels is None:
            labels = balanced_labels(num_images, self.num_classes)
        else:
            labels = check_labels(labels, self.num_classes, num_images, arg="labels")
        z = self.sample_latent(num_images, seed)
        return self.run_generator({"z": z, "labels": labels}, batch_size)

    def get_config(self):
        config = super().get_config()
        config["num_classes"] = self.num_classes
        return config
