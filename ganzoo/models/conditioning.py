"""`ClassConditional`: class labels for the families that generate on demand."""

import keras
from keras import ops

from ganzoo import backend
from ganzoo import validation
from ganzoo.models.labels import balanced_labels
from ganzoo.models.labels import batch_labels
from ganzoo.models.labels import check_fit_labels
from ganzoo.models.labels import check_labels
from ganzoo.models.labels import invalid_labels_message
from ganzoo.models.labels import label_checks


class ClassConditional:
    """Class conditioning, mixed into a `NoiseToImageGAN` family.

    `class CGAN(ClassConditional, NoiseToImageGAN)`: the mixin comes first,
    so its methods replace the base's. The family sets `self.num_classes`
    (checked with `ganzoo.models.labels.check_num_classes`) and builds a
    generator that takes `[z, one_hot_label]`. It then gets:

    - **Training data**: `fit(images, labels)` or a dataset yielding
      `(images, labels)`; every label of arrays is checked on the host
      before training, labels from a dataset in the step
      (`batch_checks`). The phases' batch is `(images, labels)`.
    - **Sampling**: `generate(num_images, labels=..., seed=...)` and
      `call({"z": noise, "labels": class_ids})`.
    - **The conditional GAN's game** (Mirza & Osindero): the discriminator
      takes `[images, one_hot_label]`, real images with their labels and
      generated ones with the labels they were made for, drawn uniformly
      (`draw_labels`). A family whose discriminator uses the label
      otherwise (ACGAN's classifies) overrides `discriminator_loss` and
      `generator_loss`.

    It is no `BaseGAN`: it holds no state and builds nothing.
    """

    batch_check_names = ("invalid_labels",)

    @property
    def generator_classes(self):
        """The generator takes the one-hot label of `num_classes` classes."""
        return self.num_classes

    def one_hot(self, labels):
        """Class ids `(n,)` as float one-hot vectors `(n, num_classes)`."""
        return ops.one_hot(ops.cast(labels, "int32"), self.num_classes)

    def draw_labels(self, batch_size):
        """Labels of generated images in training: uniform over the classes."""
        labels = keras.random.randint(
            (batch_size,), 0, self.num_classes, seed=self.seed_generator, dtype="int32"
        )
        return backend.shard_batch(labels)

    def generate_for_training(self, batch_size):
        """`(images, labels)`: a batch generated for drawn labels, in training."""
        labels = self.draw_labels(batch_size)
        z = self.draw_latent(batch_size)
        return self.generator([z, self.one_hot(labels)], training=True), labels

    # Training data -------------------------------------------------------

    def unpack_batch(self, data):
        """Returns `(images, labels)` from a batch `(x, y)` or `(x, y, w)`."""
        x, y, _ = keras.utils.unpack_x_y_sample_weight(data)
        images = validation.check_images(x, self.image_shape, arg="x")
        return images, self._label_batch(y, images)

    def batch_checks(self, data):
        return label_checks(data, 0, self.num_classes)

    def describe_batch_check(self, name):
        return invalid_labels_message(self.num_classes, low=0)

    def check_arrays(self, x, y=None):
        """Checks every label of array inputs on the host before training."""
        if y is not None:
            check_fit_labels(x, y, self.num_classes)
        self.unpack_batch((x[:1], None if y is None else y[:1]))

    def _label_batch(self, y, images):
        if y is None:
            raise ValueError(
                f"{type(self).__name__} trains on labelled images: pass the "
                "class ids as `y`, e.g. `fit(images, labels)`, or a dataset "
                "yielding `(images, labels)` batches. Received: y=None"
            )
        return batch_labels(y, images, self.num_classes)

    # The conditional GAN's game ------------------------------------------

    def discriminator_loss(self, batch):
        real, labels = batch
        fake, fake_labels = self.generate_for_training(ops.shape(real)[0])
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
        fake, fake_labels = self.generate_for_training(ops.shape(real)[0])
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
