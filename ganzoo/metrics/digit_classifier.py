"""`DigitClassifier`: a small MNIST CNN whose features drive the metrics."""

import keras
import numpy as np
from keras import layers
from keras import ops

from ganzoo import validation
from ganzoo.presets import PresetMixin

IMAGE_SHAPE = (28, 28, 1)


def build_digit_network(num_classes=10, feature_dim=128, dropout=0.3):
    """The classifier's functional network: two conv stages, features, logits.

    Each conv stage is a 3x3 `Conv2D` (32, then 64 filters), BatchNorm
    (momentum 0.9, so that its moving statistics settle within the few
    hundred steps a 4,000-image training set gives), ReLU and 2x2 max
    pooling; then `Flatten`, the `Dense` ReLU layer named
    `"feature"` (the features the metrics use), `Dropout` and the `Dense`
    layer `"logits"`.
    """
    images = keras.Input(IMAGE_SHAPE, name="images")
    x = images
    for i, filters in enumerate((32, 64), start=1):
        x = layers.Conv2D(filters, 3, padding="same", use_bias=False, name=f"conv_{i}")(
            x
        )
        x = layers.BatchNormalization(momentum=0.9, name=f"conv_{i}_bn")(x)
        x = layers.ReLU(name=f"conv_{i}_relu")(x)
        x = layers.MaxPooling2D(2, name=f"pool_{i}")(x)
    x = layers.Flatten(name="flatten")(x)
    features = layers.Dense(feature_dim, activation="relu", name="feature")(x)
    x = layers.Dropout(dropout, name="dropout")(features)
    logits = layers.Dense(num_classes, name="logits")(x)
    return keras.Model(images, logits, name="digit_network")


def _to_numpy_images(images, arg="images"):
    if ops.is_tensor(images):
        images = ops.convert_to_numpy(images)
    elif not isinstance(images, np.ndarray):
        images = np.asarray(images)
    return validation.check_images(images, IMAGE_SHAPE, arg=arg)


@keras.saving.register_keras_serializable(package="ganzoo")
class DigitClassifier(PresetMixin, keras.Model):
    """A small CNN that classifies 28x28x1 digits and embeds them.

    It plays, for ganzoo's digit generators, the part Inception-v3 plays in
    the FID of Heusel et al.: `ganzoo.metrics.evaluate_generator` measures
    the Fréchet distance and the improved precision and recall on the
    128-dimensional activations of its `"feature"` layer, and checks with
    its predictions which digits a generator draws. Train it with
    `ganzoo train-classifier` (or `compile` and
    `fit` as any Keras classifier); it runs on TensorFlow, JAX and PyTorch.

    The network (`self.network`, a functional `keras.Model`) is: 3x3
    `Conv2D` 32 - BatchNorm - ReLU - MaxPool, 3x3 `Conv2D` 64 - BatchNorm -
    ReLU - MaxPool, `Flatten`, `Dense(feature_dim)` ReLU named `"feature"`,
    `Dropout`, `Dense(num_classes)` logits. `self.feature_extractor` is a
    second `keras.Model` sharing those layers up to `"feature"`.

    Args:
        num_classes: Number of classes (logits).
        feature_dim: Width of the `"feature"` layer, the embedding the
            metrics use.
        dropout: Dropout rate between the features and the logits, in
            [0, 1).
        **kwargs: Passed on to `keras.Model` (e.g. `name`, `dtype`).

    Inputs are images of shape `(batch, 28, 28, 1)` scaled to [-1, 1], as
    `ganzoo.datasets.load` and ganzoo's generators give them.

    Example:

    ```python
    import keras
    import ganzoo

    images, labels = ganzoo.datasets.load("mnist_5k")
    classifier = ganzoo.metrics.DigitClassifier()
    classifier.compile(
        optimizer="adam",
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    classifier.fit(images, labels, batch_size=64, epochs=5)
    features = classifier.features(images[:100])  # (100, 128)
    digits = classifier.predict_labels(images[:100])  # (100,) int32
    ```
    """

    def __init__(self, num_classes=10, feature_dim=128, dropout=0.3, **kwargs):
        super().__init__(**kwargs)
        num_classes = validation.check_positive_int(num_classes, "num_classes")
        if num_classes < 2:
            raise ValueError(
                f"`num_classes` must be at least 2. Received: "
                f"num_classes={num_classes!r}"
            )
        self.num_classes = num_classes
        self.feature_dim = validation.check_positive_int(feature_dim, "feature_dim")
        if isinstance(dropout, bool) or not 0 <= dropout < 1:
            raise ValueError(
                f"`dropout` must be in [0, 1). Received: dropout={dropout!r}"
            )
        self.dropout = float(dropout)
        self.network = build_digit_network(
            self.num_classes, self.feature_dim, self.dropout
        )
        self.feature_extractor = keras.Model(
            self.network.input,
            self.network.get_layer("feature").output,
            name="feature_extractor",
        )
        self.built = True

    def call(self, images, training=False):
        """Returns the logits, shape `(batch, num_classes)`."""
        return self.network(images, training=training)

    def features(self, images, batch_size=256):
        """Activations of the `"feature"` layer, in inference mode.

        Args:
            images: float images of shape `(n, 28, 28, 1)` in [-1, 1] (NumPy
                array or backend tensor).
            batch_size: Images per forward pass.

        Returns:
            float32 NumPy array of shape `(n, feature_dim)`.
        """
        images = _to_numpy_images(images)
        batch_size = validation.check_positive_int(batch_size, "batch_size")
        if images.shape[0] == 0:
            return np.zeros((0, self.feature_dim), dtype="float32")
        features = self.feature_extractor.predict(
            images, batch_size=batch_size, verbose=0
        )
        return np.asarray(features, dtype="float32")

    def predict_labels(self, images, batch_size=256):
        """The most likely class of each image.

        Args:
            images: float images of shape `(n, 28, 28, 1)` in [-1, 1].
            batch_size: Images per forward pass.

        Returns:
            int32 NumPy array of shape `(n,)`.
        """
        images = _to_numpy_images(images)
        batch_size = validation.check_positive_int(batch_size, "batch_size")
        if images.shape[0] == 0:
            return np.zeros((0,), dtype="int32")
        logits = self.predict(images, batch_size=batch_size, verbose=0)
        return np.argmax(np.asarray(logits), axis=-1).astype("int32")

    def get_config(self):
        config = super().get_config()
        config.update(
            num_classes=self.num_classes,
            feature_dim=self.feature_dim,
            dropout=self.dropout,
        )
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**config)
