"""The networks of StackedGAN (Huang et al. 2017) for small images.

Two stacks share one feature space of `feature_dim` units:

- stack 1: `encoder1` (feature -> class logits), `generator1`
  (one-hot label + z1 -> feature), `discriminator1` (feature -> real/fake
  logit + Q1's estimate of z1);
- stack 0: `encoder0` (image -> feature), `generator0`
  (feature + z0 -> image), `discriminator0` (image -> real/fake logit + Q0's
  estimate of z0).
"""

import keras
from keras import layers

from ganzoo.layers.batch_normalization import FusedBatchNormalization
from ganzoo.layers.precision import output_dtype
from ganzoo.layers.subpixel import SubPixelConv2DTranspose


def build_encoder0(image_shape, feature_dim=256, filters=64):
    """Image to feature: two 3x3 Conv2D (ReLU) + max-pool stages, Dense ReLU."""
    images = keras.Input(image_shape, name="images")
    x = images
    for i in range(2):
        x = layers.Conv2D(
            filters, 3, padding="same", activation="relu", name=f"conv_{i}"
        )(x)
        x = layers.MaxPooling2D(name=f"pool_{i}")(x)
    x = layers.Flatten(name="flatten")(x)
    features = layers.Dense(
        feature_dim, activation="relu", name="feature", dtype=output_dtype()
    )(x)
    return keras.Model(images, features, name="encoder0")


def build_encoder1(feature_dim, num_classes):
    """Feature to class logits: one Dense layer (a softmax classifier)."""
    features = keras.Input((feature_dim,), name="features")
    logits = layers.Dense(num_classes, name="class_logits", dtype=output_dtype())(
        features
    )
    return keras.Model(features, logits, name="encoder1")


def build_generator1(num_classes, z1_dim, feature_dim=256, units=512):
    """One-hot label + z1 to a feature: two Dense ReLU + BatchNorm, Dense ReLU.

    The output is non-negative like `encoder0`'s ReLU features it imitates.
    """
    labels = keras.Input((num_classes,), name="labels")
    z1 = keras.Input((z1_dim,), name="z1")
    x = layers.Concatenate(name="labels_and_z1")([labels, z1])
    for i in range(2):
        x = layers.Dense(units, activation="relu", name=f"dense_{i}")(x)
        x = FusedBatchNormalization(name=f"dense_{i}_bn")(x)
    features = layers.Dense(
        feature_dim, activation="relu", name="feature", dtype=output_dtype()
    )(x)
    return keras.Model([labels, z1], features, name="generator1")


def build_generator0(image_shape, feature_dim, z0_dim, filters=32, kernel_size=5):
    """Feature + z0 to an image, the seed's DCGAN-style generator.

    Dense to a `(h/4, w/4, 4 * filters)` map, then BatchNorm-ReLU-
    Conv2DTranspose stages of `4 * filters` (stride 2), `2 * filters`
    (stride 2), `filters` and `channels` (stride 1), and `tanh`.
    """
    height, width, channels = image_shape
    features = keras.Input((feature_dim,), name="features")
    z0 = keras.Input((z0_dim,), name="z0")
    x = layers.Concatenate(name="features_and_z0")([features, z0])
    top = 4 * filters
    x = layers.Dense((height // 4) * (width // 4) * top, name="project")(x)
    x = layers.Reshape((height // 4, width // 4, top), name="to_map")(x)
    stages = [(top, 2), (2 * filters, 2), (filters, 1), (channels, 1)]
    for i, (stage_filters, strides) in enumerate(stages):
        x = FusedBatchNormalization(name=f"up_{i}_bn")(x)
        x = layers.ReLU(name=f"up_{i}_relu")(x)
        x = SubPixelConv2DTranspose(
            stage_filters, kernel_size, strides=strides, padding="same", name=f"up_{i}"
        )(x)
    images = layers.Activation("tanh", name="to_image", dtype=output_dtype())(x)
    return keras.Model([features, z0], images, name="generator0")


def build_discriminator0(image_shape, z0_dim, filters=32, kernel_size=5):
    """Image to a real/fake logit and Q0's `tanh` estimate of z0.

    Conv2D stages of `filters`, `2 * filters`, `4 * filters` (stride 2) and
    `8 * filters` (stride 1), each followed by LeakyReLU(0.2); both heads
    are Dense layers on the flattened map.
    """
    images = keras.Input(image_shape, name="images")
    x = images
    for i, strides in enumerate((2, 2, 2, 1)):
        x = layers.Conv2D(
            filters * 2**i,
            kernel_size,
            strides=strides,
            padding="same",
            name=f"down_{i}",
        )(x)
        x = layers.LeakyReLU(0.2, name=f"down_{i}_relu")(x)
    x = layers.Flatten(name="flatten")(x)
    logits = layers.Dense(1, name="logit", dtype=output_dtype())(x)
    z0 = layers.Dense(
        z0_dim, activation="tanh", name="z0_estimate", dtype=output_dtype()
    )(x)
    return keras.Model(images, [logits, z0], name="discriminator0")


def build_discriminator1(feature_dim, z1_dim, units=256):
    """Feature to a real/fake logit and Q1's `tanh` estimate of z1.

    Two shared Dense ReLU layers of `units`, then the two Dense heads.
    """
    features = keras.Input((feature_dim,), name="features")
    x = features
    for i in range(2):
        x = layers.Dense(units, activation="relu", name=f"dense_{i}")(x)
    logits = layers.Dense(1, name="logit", dtype=output_dtype())(x)
    z1 = layers.Dense(
        z1_dim, activation="tanh", name="z1_estimate", dtype=output_dtype()
    )(x)
    return keras.Model(features, [logits, z1], name="discriminator1")
