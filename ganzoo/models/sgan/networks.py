"""The discriminator of the semi-supervised GAN: a conv trunk, N class logits.

The generator is DCGAN's (`ganzoo.models.dcgan.networks`).
"""

import keras
from keras import layers

from ganzoo.layers.dropout import seeded_dropout
from ganzoo.layers.precision import output_dtype
from ganzoo.models.dcgan.networks import num_upsamplings


def build_sgan_discriminator(
    image_shape, num_classes, filters=64, kernel_size=5, dropout=0.3
):
    """DCGAN's discriminator trunk with a `num_classes`-way head.

    Strided Conv2D stages (LeakyReLU 0.2, dropout) are flattened into the
    features; one Dense layer maps them to `num_classes` logits.

    Returns:
        A `keras.Model` from images to `[logits, features]`: the class logits
        `(batch, num_classes)` and the flattened trunk features that feature
        matching compares.
    """
    stages = num_upsamplings(min(image_shape[:2]))
    images = keras.Input(image_shape, name="images")
    x = images
    for i in range(stages):
        x = layers.Conv2D(
            filters * 2**i, kernel_size, strides=2, padding="same", name=f"down_{i}"
        )(x)
        x = layers.LeakyReLU(0.2, name=f"down_{i}_relu")(x)
        if dropout:
            x = seeded_dropout(dropout, f"down_{i}_dropout")(x)
    features = layers.Flatten(name="features")(x)
    logits = layers.Dense(num_classes, name="class_logits", dtype=output_dtype())(
        features
    )
    return keras.Model(images, [logits, features], name="discriminator")
