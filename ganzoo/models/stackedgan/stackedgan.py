"""StackedGAN (Huang et al. 2017): label -> feature -> image, in two GANs."""

import keras
import numpy as np
from keras import ops

from ganzoo import backend
from ganzoo import losses
from ganzoo import validation
from ganzoo.models import labels as label_utils
from ganzoo.models.base_gan import refuse_keras_compile_arguments
from ganzoo.models.noise_to_image import NoiseToImageGAN
from ganzoo.models.phase import Phase
from ganzoo.models.stackedgan import networks


@keras.saving.register_keras_serializable(package="ganzoo")
class StackedGAN(NoiseToImageGAN):
    """Stacked GAN: a pretrained encoder, inverted by two stacked GANs.

    An encoder, trained first as a plain classifier, maps an image to a
    `feature_dim` feature (`encoder0`) and the feature to class logits
    (`encoder1`). Two GANs then learn to invert it, one level each:

    - GAN 1: `generator1` maps a one-hot label and noise `z1` to a feature;
      `discriminator1` tells encoder features of real images from generated
      ones, and its Q head recovers `z1`.
    - GAN 0: `generator0` maps an encoder feature of a real image and noise
      `z0` to an image; `discriminator0` tells real images from generated
      ones, and its Q head recovers `z0`.

    Sampling stacks them: label + z1 -> feature -> (+ z0) image. Each
    generator minimises an adversarial loss (non-saturating), an entropy
    loss (mean squared error of Q's estimate of its noise) and a conditional
    loss that makes the frozen encoder map its output back to its input:
    cross-entropy of `encoder1(generator1(label, z1))` against the label,
    and mean squared error of `encoder0(generator0(feature, z0))` against
    the feature. Each discriminator minimises its real/fake cross-entropy
    plus its Q head's entropy loss. The weights are the seed's: entropy 10
    for stack 0 and 1 for stack 1, conditional 1 for both, adversarial 1.
    A training step runs the seed's four updates in order: discriminator 1,
    discriminator 0, generator 1, generator 0, each with its own optimizer
    (RMSprop 2e-4 for the discriminators, 1e-4 for the generators). The
    encoder is frozen during `fit`. Noise is normal with standard deviation
    0.5, in training and in `generate`.

    Training has two stages. `pretrain_encoder(images, labels)` trains the
    encoder as a classifier (Adam, cross-entropy); the model remembers in a
    saved variable that it did. `fit(images, labels)` then trains the GANs
    and refuses to start without a trained encoder.

    Departures from the seed (Atienza, "Advanced Deep Learning with Keras",
    listings 6.2.x): images are in [-1, 1] with a `tanh` output (the seed
    uses [0, 1] and `sigmoid`); the discriminators output logits; the Q heads
    are trained on generated samples only, as in the paper (the seed also
    regresses them on real samples towards unrelated noise); and the
    discriminator's real/fake loss is the mean over real and generated
    samples, as the seed's loss over their concatenation.

    Args:
        image_shape: `(height, width, channels)`; height and width multiples
            of 4.
        num_classes: Number of class labels.
        z0_dim: Size of the noise `z0` of `generator0` (seed: 50).
        z1_dim: Size of the noise `z1` of `generator1` (seed: 50).
        feature_dim: Size of the encoder's feature (seed: 256).
        filters: Channels of `generator0`'s last hidden stage and of
            `discriminator0`'s first (seed: 32); they grow inwards.
        kernel_size: Kernel size of `generator0` and `discriminator0`
            (seed: 5).
        encoder_filters: Channels of `encoder0`'s convolutions (seed: 64).
        generator1_units: Width of `generator1`'s hidden layers (seed: 512).
        discriminator1_units: Width of `discriminator1`'s hidden layers
            (seed: 256).
        seed: Optional int seeding the noise drawn during training.
        **kwargs: `ema_decay` (averages both generators) and `diffaugment`
            (applied to `discriminator0`'s images), see `ganzoo.BaseGAN`, and
            what `keras.Model` takes.

    Example:

    ```python
    import ganzoo

    images, labels = ganzoo.datasets.load("mnist_5k")
    model = ganzoo.StackedGAN(image_shape=(28, 28, 1), num_classes=10)
    model.pretrain_encoder(images, labels, epochs=10)  # stage 1: the encoder
    model.compile()  # RMSprop: 2e-4 discriminators, 1e-4 generators
    model.fit(images, labels, batch_size=64, epochs=20)  # stage 2: the GANs
    sevens = model.generate(16, labels=7, seed=0)
    digits = model.generate(20, seed=0)  # labels 0, 1, ..., 9, 0, 1, ...
    ```

    Reference:
        Huang et al., "Stacked Generative Adversarial Networks", CVPR 2017.
    """

    optimizer_names = ("d0_optimizer", "d1_optimizer", "g0_optimizer", "g1_optimizer")
    averaged_networks = ("generator0", "generator1")

    #: Standard deviation of the normal noise z0 and z1.
    noise_stddev = 0.5
    #: Loss weights of the seed: entropy (Q) and conditional, per stack.
    entropy0_weight = 10.0
    entropy1_weight = 1.0
    conditional0_weight = 1.0
    conditional1_weight = 1.0

    def __init__(
        self,
        image_shape=(28, 28, 1),
        num_classes=10,
        z0_dim=50,
        z1_dim=50,
        feature_dim=256,
        filters=32,
        kernel_size=5,
        encoder_filters=64,
        generator1_units=512,
        discriminator1_units=256,
        seed=None,
        **kwargs,
    ):
        self.image_shape = validation.check_image_shape(image_shape, multiple_of=4)
        self.num_classes = label_utils.check_num_classes(num_classes)
        self.z0_dim = validation.check_positive_int(z0_dim, "z0_dim")
        self.z1_dim = validation.check_positive_int(z1_dim, "z1_dim")
        self.feature_dim = validation.check_positive_int(feature_dim, "feature_dim")
        self.filters = validation.check_positive_int(filters, "filters")
        self.kernel_size = validation.check_positive_int(kernel_size, "kernel_size")
        self.encoder_filters = validation.check_positive_int(
            encoder_filters, "encoder_filters"
        )
        self.generator1_units = validation.check_positive_int(
            generator1_units, "generator1_units"
        )
        self.discriminator1_units = validation.check_positive_int(
            discriminator1_units, "discriminator1_units"
        )
        super().__init__(seed=seed, **kwargs)
        self.encoder0 = networks.build_encoder0(
            self.image_shape, self.feature_dim, self.encoder_filters
        )
        self.encoder1 = networks.build_encoder1(self.feature_dim, self.num_classes)
        self.generator1 = networks.build_generator1(
            self.num_classes, self.z1_dim, self.feature_dim, self.generator1_units
        )
        self.generator0 = networks.build_generator0(
            self.image_shape,
            self.feature_dim,
            self.z0_dim,
            self.filters,
            self.kernel_size,
        )
        self.discriminator1 = networks.build_discriminator1(
            self.feature_dim, self.z1_dim, self.discriminator1_units
        )
        self.discriminator0 = networks.build_discriminator0(
            self.image_shape, self.z0_dim, self.filters, self.kernel_size
        )
        self.encoder_trained = self.add_weight(
            shape=(),
            initializer="zeros",
            dtype="int32",
            trainable=False,
            name="encoder_trained",
        )
        self.finish_build()

    # Stage 1: the encoder ------------------------------------------------------

    @property
    def encoder_is_trained(self):
        """Whether `pretrain_encoder` has run (saved with the model)."""
        return bool(ops.convert_to_numpy(self.encoder_trained.value))

    def encoder_classifier(self):
        """`encoder1(encoder0(images))` as a Keras model (shares the weights)."""
        images = keras.Input(self.image_shape, name="images")
        logits = self.encoder1(self.encoder0(images))
        return keras.Model(images, logits, name="encoder")

    def pretrain_encoder(
        self,
        images,
        labels,
        epochs=10,
        batch_size=64,
        optimizer=None,
        validation_data=None,
        verbose="auto",
    ):
        """Trains the encoder as a classifier; run it before `fit`.

        Args:
            images: Float images in [-1, 1], shape `(n,) + image_shape`.
            labels: Integer class ids, shape `(n,)`.
            epochs: Training epochs.
            batch_size: Images per update.
            optimizer: A Keras optimizer or its name; default `Adam(1e-3)`.
            validation_data: Optional `(images, labels)` to report held-out
                accuracy on.
            verbose: As in `keras.Model.fit`.

        Returns:
            The `keras.callbacks.History` of the classifier's training.
        """
        images, labels = self._check_labelled(images, labels, "images", "labels")
        if validation_data is not None:
            expected = "`validation_data` must be a tuple (images, labels)."
            if not isinstance(validation_data, (tuple, list)):
                raise TypeError(
                    f"{expected} Received: a {type(validation_data).__name__}"
                )
            if len(validation_data) != 2:
                raise ValueError(
                    f"{expected} Received: a {type(validation_data).__name__} "
                    f"of {len(validation_data)}"
                )
            validation_data = self._check_labelled(
                *validation_data, "validation_data[0]", "validation_data[1]"
            )
        classifier = self.encoder_classifier()
        classifier.compile(
            optimizer=optimizer or keras.optimizers.Adam(1e-3),
            loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
            metrics=["accuracy"],
        )
        history = classifier.fit(
            images,
            labels,
            epochs=epochs,
            batch_size=batch_size,
            validation_data=validation_data,
            verbose=verbose,
        )
        self.encoder_trained.assign(1)
        return history

    def predict_labels(self, images, batch_size=None):
        """The encoder's class ids for `images` (float, in [-1, 1])."""
        images = validation.check_images(images, self.image_shape)
        batch_size = validation.check_positive_int(batch_size or 128, "batch_size")
        logits = self.encoder_classifier().predict(
            images, batch_size=batch_size, verbose=0
        )
        return np.argmax(logits, axis=-1).astype("int32")

    def _check_labelled(self, images, labels, images_arg, labels_arg):
        images = validation.check_images(images, self.image_shape, arg=images_arg)
        labels = label_utils.check_labels(
            labels, self.num_classes, num_images=images.shape[0], arg=labels_arg
        )
        return images, labels

    # Stage 2: the GANs ---------------------------------------------------------

    def compile(
        self,
        d0_optimizer=None,
        d1_optimizer=None,
        g0_optimizer=None,
        g1_optimizer=None,
        *,
        jit_compile="auto",
        steps_per_execution=1,
        run_eagerly=False,
        **unexpected,
    ):
        """Configures the adversarial stage.

        Args:
            d0_optimizer: Optimizer of `discriminator0` (with Q0): a
                `keras.optimizers.Optimizer`, its name, its config dict, or
                `None` for the seed's RMSprop(2e-4).
            d1_optimizer: Optimizer of `discriminator1` (with Q1), likewise.
            g0_optimizer: Optimizer of `generator0`; default RMSprop(1e-4).
            g1_optimizer: Optimizer of `generator1`; default RMSprop(1e-4).
            jit_compile: As in `keras.Model.compile`.
            steps_per_execution: As in `keras.Model.compile`.
            run_eagerly: As in `keras.Model.compile`.
        """
        refuse_keras_compile_arguments(self, unexpected)
        self.compile_optimizers(
            {
                "d0_optimizer": d0_optimizer,
                "d1_optimizer": d1_optimizer,
                "g0_optimizer": g0_optimizer,
                "g1_optimizer": g1_optimizer,
            },
            jit_compile=jit_compile,
            steps_per_execution=steps_per_execution,
            run_eagerly=run_eagerly,
        )

    def default_optimizer(self, name):
        learning_rate = 2e-4 if name.startswith("d") else 1e-4
        return keras.optimizers.RMSprop(learning_rate, name=name)

    def fit(self, x=None, y=None, **kwargs):
        """Trains the two GANs; takes everything `keras.Model.fit` takes.

        `x` holds the images (float, in [-1, 1]) and `y` their integer
        class ids; datasets yield `(images, labels)` batches. The encoder
        must have been trained with `pretrain_encoder` first.
        """
        if not self.encoder_is_trained:
            raise RuntimeError(
                "StackedGAN's encoder is not trained: call "
                "`model.pretrain_encoder(images, labels)` before `fit()`."
            )
        return super().fit(x, y, **kwargs)

    def check_arrays(self, x, y=None):
        if y is None:
            raise ValueError(
                "StackedGAN.fit() needs class labels: call `fit(images, labels)` "
                "with integer class ids of shape (num_images,). Received: y=None"
            )
        self._check_labelled(x, y, "x", "y")

    def unpack_batch(self, data):
        """Returns `(images, one-hot labels, encoder features of the images)`.

        The encoder is frozen, so its features are computed once per step.
        """
        x, y, _ = keras.utils.unpack_x_y_sample_weight(data)
        if y is None:
            raise ValueError(
                "StackedGAN.fit() needs `(images, labels)` batches; the data "
                "yielded images only."
            )
        images = validation.check_images(x, self.image_shape, arg="x")
        labels = label_utils.batch_labels(y, images, self.num_classes)
        labels = ops.one_hot(labels, self.num_classes)
        features = ops.stop_gradient(self.encoder0(images, training=False))
        return images, labels, features

    batch_check_names = ("invalid_labels",)

    def batch_checks(self, data):
        return label_utils.label_checks(data, 0, self.num_classes)

    def describe_batch_check(self, name):
        return label_utils.invalid_labels_message(self.num_classes)

    def phases(self):
        return [
            Phase(
                "discriminator1",
                self.discriminator1_loss,
                self.discriminator1.trainable_variables,
                self.d1_optimizer,
                log_names=("d1_loss",),
            ),
            Phase(
                "discriminator0",
                self.discriminator0_loss,
                self.discriminator0.trainable_variables,
                self.d0_optimizer,
                log_names=("d0_loss",),
            ),
            Phase(
                "generator1",
                self.generator1_loss,
                self.generator1.trainable_variables,
                self.g1_optimizer,
                log_names=("g1_loss", "g1_label_accuracy"),
            ),
            Phase(
                "generator0",
                self.generator0_loss,
                self.generator0.trainable_variables,
                self.g0_optimizer,
                log_names=("g0_loss",),
            ),
        ]

    def draw_noise(self, batch_size, dim):
        """Training noise `N(0, noise_stddev)` from the model's seed generator."""
        noise = keras.random.normal(
            (batch_size, dim), stddev=self.noise_stddev, seed=self.seed_generator
        )
        return backend.shard_batch(noise)

    def discriminator1_loss(self, batch):
        _, labels, real_features = batch
        z1 = self.draw_noise(ops.shape(labels)[0], self.z1_dim)
        fake = ops.stop_gradient(self.generator1([labels, z1], training=True))
        real_logits, _ = self.discriminator1(real_features, training=True)
        fake_logits, z1_estimate = self.discriminator1(fake, training=True)
        loss = 0.5 * losses.bce_discriminator_loss(
            real_logits, fake_logits
        ) + self.entropy1_weight * _mse(z1_estimate, z1)
        return loss, {"d1_loss": loss}

    def discriminator0_loss(self, batch):
        images, _, real_features = batch
        z0 = self.draw_noise(ops.shape(images)[0], self.z0_dim)
        fake = ops.stop_gradient(self.generator0([real_features, z0], training=True))
        real_logits, _ = self.discriminator0(self.augment(images), training=True)
        fake_logits, z0_estimate = self.discriminator0(
            self.augment(fake), training=True
        )
        loss = 0.5 * losses.bce_discriminator_loss(
            real_logits, fake_logits
        ) + self.entropy0_weight * _mse(z0_estimate, z0)
        return loss, {"d0_loss": loss}

    def generator1_loss(self, batch):
        _, labels, _ = batch
        z1 = self.draw_noise(ops.shape(labels)[0], self.z1_dim)
        fake = self.generator1([labels, z1], training=True)
        fake_logits, z1_estimate = self.discriminator1(fake, training=True)
        class_logits = self.encoder1(fake, training=False)
        conditional = ops.mean(
            keras.losses.categorical_crossentropy(
                labels, class_logits, from_logits=True
            )
        )
        loss = (
            losses.non_saturating_generator_loss(fake_logits)
            + self.entropy1_weight * _mse(z1_estimate, z1)
            + self.conditional1_weight * conditional
        )
        hits = ops.equal(ops.argmax(class_logits, axis=-1), ops.argmax(labels, axis=-1))
        accuracy = ops.mean(ops.cast(hits, "float32"))
        return loss, {"g1_loss": loss, "g1_label_accuracy": accuracy}

    def generator0_loss(self, batch):
        images, _, real_features = batch
        z0 = self.draw_noise(ops.shape(images)[0], self.z0_dim)
        fake = self.generator0([real_features, z0], training=True)
        fake_logits, z0_estimate = self.discriminator0(
            self.augment(fake), training=True
        )
        conditional = _mse(self.encoder0(fake, training=False), real_features)
        loss = (
            losses.non_saturating_generator_loss(fake_logits)
            + self.entropy0_weight * _mse(z0_estimate, z0)
            + self.conditional0_weight * conditional
        )
        return loss, {"g0_loss": loss}

    # Sampling ------------------------------------------------------------------

    def call(self, inputs, training=False):
        """Stacked generation from `{"labels", "z0", "z1"}` (int ids, noise)."""
        labels = ops.one_hot(ops.cast(inputs["labels"], "int32"), self.num_classes)
        if training:
            generator1, generator0 = self.generator1, self.generator0
        else:
            generator1 = self.inference_network("generator1")
            generator0 = self.inference_network("generator0")
        features = generator1([labels, inputs["z1"]], training=training)
        return generator0([features, inputs["z0"]], training=training)

    def generate(
        self, num_images, labels=None, z0=None, z1=None, seed=None, batch_size=None
    ):
        """Generates images of the requested classes.

        Args:
            num_images: How many images to make.
            labels: Integer class ids, shape `(num_images,)`, or one int for
                all. Default: `0, 1, ..., num_classes - 1, 0, ...`.
            z0: Optional noise of `generator0`, `(num_images, z0_dim)`
                (the seed's figures show it controls stroke thickness).
            z1: Optional noise of `generator1`, `(num_images, z1_dim)`
                (slant and thickness in the seed's figures).
            seed: Optional int for the noise not given; z0 is drawn, then
                z1, both `N(0, 0.5)`. The same seed gives the same images on
                every backend.
            batch_size: Images per forward pass (default 128).

        Returns:
            A float32 NumPy array `(num_images,) + image_shape` in [-1, 1].
        """
        num_images = validation.check_positive_int(num_images, "num_images")
        if labels is None:
            labels = label_utils.balanced_labels(num_images, self.num_classes)
        labels = label_utils.check_labels(labels, self.num_classes, num_images)
        rng = np.random.default_rng(seed)
        drawn0 = self.noise_stddev * rng.standard_normal((num_images, self.z0_dim))
        drawn1 = self.noise_stddev * rng.standard_normal((num_images, self.z1_dim))
        inputs = {
            "labels": labels,
            "z0": _check_noise(
                drawn0 if z0 is None else z0, num_images, self.z0_dim, "z0"
            ),
            "z1": _check_noise(
                drawn1 if z1 is None else z1, num_images, self.z1_dim, "z1"
            ),
        }
        return self.run_generator(inputs, batch_size)

    def get_config(self):
        config = super().get_config()
        config.update(
            image_shape=list(self.image_shape),
            num_classes=self.num_classes,
            z0_dim=self.z0_dim,
            z1_dim=self.z1_dim,
            feature_dim=self.feature_dim,
            filters=self.filters,
            kernel_size=self.kernel_size,
            encoder_filters=self.encoder_filters,
            generator1_units=self.generator1_units,
            discriminator1_units=self.discriminator1_units,
        )
        return config


def _mse(predictions, targets):
    return ops.mean(ops.square(predictions - targets))


def _check_noise(noise, num_images, dim, arg):
    array = validation.check_numeric_array(noise, arg).astype("float32")
    if array.shape != (num_images, dim):
        raise ValueError(
            f"`{arg}` must have shape (num_images, {arg}_dim) = "
            f"({num_images}, {dim}). Received: {arg}.shape={array.shape}"
        )
    return array
