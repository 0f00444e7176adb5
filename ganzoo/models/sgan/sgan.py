"""The semi-supervised GAN (Odena 2016; Salimans et al. 2016)."""

import keras
import numpy as np
from keras import ops

from ganzoo import losses
from ganzoo import validation
from ganzoo.models.dcgan.mixin import DCGANNetworks
from ganzoo.models.labels import UNLABELLED
from ganzoo.models.labels import batch_labels
from ganzoo.models.labels import check_fit_labels
from ganzoo.models.labels import check_labels
from ganzoo.models.labels import check_num_classes
from ganzoo.models.labels import invalid_labels_message
from ganzoo.models.labels import label_checks
from ganzoo.models.noise_to_image import NoiseToImageGAN
from ganzoo.models.sgan.networks import build_sgan_discriminator

GENERATOR_LOSSES = ("feature_matching", "non_saturating")


@keras.saving.register_keras_serializable(package="ganzoo")
class SGAN(DCGANNetworks, NoiseToImageGAN):
    """Semi-supervised GAN: the discriminator is an (N + 1)-way classifier.

    The discriminator classifies images into the `num_classes` real classes
    or "fake". As in Salimans et al., it outputs only the N class logits
    `l_1..l_N` and the fake class has its logit fixed at 0, which loses
    nothing since a softmax is unchanged when one logit is subtracted from
    all. So `p(class k | x) = exp(l_k) / (Z(x) + 1)` with
    `Z(x) = sum_k exp(l_k)`, `p(fake | x) = 1 / (Z(x) + 1)`, and the
    probability that `x` is real is `sigmoid(logsumexp(l))`.

    Training data are images with labels where unlabelled images carry the
    label `-1` (`fit(images, labels)`; see `semi_supervised_dataset`). Each
    step runs two phases:

    - discriminator: `supervised + unsupervised`, where `supervised` is the
      cross-entropy of the N-way softmax on the labelled images of the
      batch (mean over those; 0 for a batch without any), and
      `unsupervised` is the GAN's binary cross-entropy on the real logit
      `logsumexp(l)`: every real image, labelled or not, is pushed to "not
      fake" and generated images to "fake".
    - generator: feature matching (the default; Salimans et al.'s choice for
      semi-supervised learning): the mean squared difference between the
      batch means of the discriminator's flattened trunk features on real
      and generated images; or `"non_saturating"`: `-log D(G(z))` on the
      real logit.

    Networks are DCGAN's: the generator of `ganzoo.DCGAN`, and its
    discriminator trunk (strided Conv2D, LeakyReLU 0.2, dropout) with a
    Dense head of `num_classes` logits. Optimizers default to
    Adam(2e-4, beta_1=0.5) for both players (the DCGAN setting Odena used).

    `classify(images)` returns the N-way class probabilities. Logs
    `d_loss`, `supervised_loss`, `unsupervised_loss` and `g_loss`.

    Args:
        image_shape: `(height, width, channels)`; sides multiples of 4.
        num_classes: Number of real classes N (at least 2).
        latent_dim: Size of the generator's noise vector.
        filters: Channels of the generator's last stage and of the
            discriminator's first; they double at each stage inwards.
        kernel_size: Convolution kernel size.
        dropout: Dropout rate after each discriminator stage (0 disables).
        generator_loss: `"feature_matching"` or `"non_saturating"`.
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
    from ganzoo.models.sgan import semi_supervised_dataset

    images, labels = ganzoo.datasets.load("mnist_5k")
    x, y = semi_supervised_dataset(images[:100], labels[:100], images[100:])
    model = ganzoo.SGAN(image_shape=(28, 28, 1), num_classes=10)
    model.compile()
    model.fit(x, y, batch_size=64, epochs=5)
    probabilities = model.classify(images[:10])  # (10, 10)
    ```

    Reference:
        Odena, "Semi-Supervised Learning with Generative Adversarial
        Networks", arXiv:1606.01583, 2016. Salimans et al., "Improved
        Techniques for Training GANs", NeurIPS 2016.
    """

    discriminator_log_names = ("d_loss", "supervised_loss", "unsupervised_loss")

    def __init__(
        self,
        image_shape=(28, 28, 1),
        num_classes=10,
        latent_dim=100,
        filters=64,
        kernel_size=5,
        dropout=0.3,
        generator_loss="feature_matching",
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
        self.generator_loss_name = validation.check_one_of(
            generator_loss, GENERATOR_LOSSES, "generator_loss"
        )
        super().__init__(seed=seed, **kwargs)
        self.build_networks()

    def build_discriminator(self):
        return build_sgan_discriminator(
            self.image_shape,
            self.num_classes,
            self.filters,
            self.kernel_size,
            self.dropout,
            self.extra_discriminator_stages,
        )

    # Data ----------------------------------------------------------------

    def unpack_batch(self, data):
        """`(images, labels)`; labels are class ids, `-1` for unlabelled."""
        x, y, _ = keras.utils.unpack_x_y_sample_weight(data)
        if y is None:
            raise ValueError(
                "SGAN trains on images with labels: call `fit(images, labels)` "
                "with label -1 for every unlabelled image (see "
                "`ganzoo.models.sgan.semi_supervised_dataset`). Received no "
                "labels (`y` is None)."
            )
        images = validation.check_images(x, self.image_shape, arg="x")
        return images, batch_labels(y, images, self.num_classes, low=UNLABELLED)

    batch_check_names = ("invalid_labels",)

    def batch_checks(self, data):
        return label_checks(data, UNLABELLED, self.num_classes)

    def describe_batch_check(self, name):
        return invalid_labels_message(self.num_classes, low=UNLABELLED)

    def check_arrays(self, x, y=None):
        if y is not None:
            check_fit_labels(x, y, self.num_classes, allow_unlabelled=True)
        self.unpack_batch(x[:1] if y is None else (x[:1], y[:1]))

    # Losses --------------------------------------------------------------

    def supervised_loss(self, logits, labels):
        """Cross-entropy over the labelled images only (0 if there are none)."""
        labelled = ops.cast(ops.greater_equal(labels, 0), logits.dtype)
        targets = ops.one_hot(ops.maximum(labels, 0), self.num_classes)
        cross_entropy = ops.logsumexp(logits, axis=-1) - ops.sum(
            targets * logits, axis=-1
        )
        return ops.sum(labelled * cross_entropy) / ops.maximum(ops.sum(labelled), 1.0)

    def discriminator_loss(self, batch):
        images, labels = batch
        z = self.draw_latent(ops.shape(images)[0])
        fake = ops.stop_gradient(self.generator(z, training=True))
        real_logits, _ = self.discriminator(self.augment(images), training=True)
        fake_logits, _ = self.discriminator(self.augment(fake), training=True)
        supervised = self.supervised_loss(real_logits, labels)
        unsupervised = losses.bce_discriminator_loss(
            ops.logsumexp(real_logits, axis=-1), ops.logsumexp(fake_logits, axis=-1)
        )
        loss = supervised + unsupervised
        return loss, {
            "d_loss": loss,
            "supervised_loss": supervised,
            "unsupervised_loss": unsupervised,
        }

    def generator_loss(self, batch):
        images, _ = batch
        z = self.draw_latent(ops.shape(images)[0])
        fake = self.generator(z, training=True)
        fake_logits, fake_features = self.discriminator(
            self.augment(fake), training=True
        )
        if self.generator_loss_name == "non_saturating":
            loss = losses.non_saturating_generator_loss(
                ops.logsumexp(fake_logits, axis=-1)
            )
        else:
            _, real_features = self.discriminator(self.augment(images), training=True)
            difference = ops.mean(ops.stop_gradient(real_features), axis=0) - ops.mean(
                fake_features, axis=0
            )
            loss = ops.mean(ops.square(difference))
        return loss, {"g_loss": loss}

    # Inference -------------------------------------------------------------

    def classify(self, images, batch_size=None):
        """Class probabilities of images over the N real classes.

        The softmax of the discriminator's N class logits, i.e. its
        (N + 1)-way prediction conditioned on the image being real.

        Args:
            images: Float images in [-1, 1], `(n,) + image_shape`.
            batch_size: Images per forward pass (default 128).

        Returns:
            A float32 NumPy array `(n, num_classes)` whose rows sum to 1.
        """
        images = validation.check_images(
            np.asarray(images), self.image_shape, arg="images"
        )
        batch_size = validation.check_positive_int(batch_size or 128, "batch_size")
        logits, _ = self.discriminator.predict(images, batch_size=batch_size, verbose=0)
        logits = np.asarray(logits, dtype="float64")
        logits -= logits.max(axis=-1, keepdims=True)
        probabilities = np.exp(logits)
        probabilities /= probabilities.sum(axis=-1, keepdims=True)
        return probabilities.astype("float32")

    def get_config(self):
        config = super().get_config()
        config.update(
            num_classes=self.num_classes,
            generator_loss=self.generator_loss_name,
        )
        return config


def check_partial_labels(labels, num_classes, num_images=None, arg="labels"):
    """Returns labels with `-1` for unlabelled images as int32 `(n,)`, or raises.

    `ganzoo.models.labels.check_labels` with `allow_unlabelled=True`: class
    ids in `[0, num_classes)` or -1, at least one image labelled.
    """
    return check_labels(labels, num_classes, num_images, arg, allow_unlabelled=True)


def semi_supervised_dataset(
    labelled_images, labels, unlabelled_images, labelled_fraction=0.5, seed=None
):
    """Builds `(images, labels)` for `SGAN.fit` from few labels and many images.

    The labelled images are repeated so that they make up about
    `labelled_fraction` of the result (at least once each), the unlabelled
    images get the label -1, and everything is shuffled. With the default
    0.5, a batch holds on average as many labelled as unlabelled images, as
    in Salimans et al., who drew a labelled and an unlabelled batch of the
    same size for each step. Every real image, labelled or not, feeds the
    unsupervised loss.

    Args:
        labelled_images: Images `(n_labelled,) + image_shape`.
        labels: Their class ids `(n_labelled,)`.
        unlabelled_images: Images `(n_unlabelled,) + image_shape`.
        labelled_fraction: Share of labelled copies in the result, in (0, 1).
        seed: Optional int seeding the shuffle.

    Returns:
        `(images, labels)` NumPy arrays; labels are -1 for unlabelled images.

    Example:

    ```python
    x, y = semi_supervised_dataset(images[:100], labels[:100], images[100:])
    model.fit(x, y, batch_size=64)
    ```
    """
    labelled_images = np.asarray(labelled_images)
    unlabelled_images = np.asarray(unlabelled_images)
    labels = np.asarray(labels)
    if labels.ndim == 2 and labels.shape[1] == 1:
        labels = labels[:, 0]
    if labels.shape != (len(labelled_images),) or np.any(labels < 0):
        raise ValueError(
            "`labels` must hold one class id (>= 0) per labelled image: "
            f"expected shape ({len(labelled_images)},). Received: "
            f"labels.shape={labels.shape}"
        )
    if labelled_images.shape[1:] != unlabelled_images.shape[1:]:
        raise ValueError(
            "`labelled_images` and `unlabelled_images` must have the same image "
            f"shape. Received: {labelled_images.shape[1:]} and "
            f"{unlabelled_images.shape[1:]}"
        )
    if not 0 < labelled_fraction < 1:
        raise ValueError(
            "`labelled_fraction` must be in (0, 1). Received: "
            f"labelled_fraction={labelled_fraction!r}"
        )
    wanted = labelled_fraction / (1 - labelled_fraction) * len(unlabelled_images)
    repeats = max(1, int(round(wanted / max(len(labelled_images), 1))))
    images = np.concatenate(
        [
            np.tile(labelled_images, (repeats,) + (1,) * (labelled_images.ndim - 1)),
            unlabelled_images,
        ]
    )
    all_labels = np.concatenate(
        [np.tile(labels, repeats), np.full(len(unlabelled_images), UNLABELLED)]
    ).astype("int32")
    order = np.random.default_rng(seed).permutation(len(images))
    return images[order], all_labels[order]
