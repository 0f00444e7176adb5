"""The two-headed discriminator of ACGAN (Odena et al. 2017)."""

import keras
from keras import layers

from ganzoo.layers.precision import output_dtype
from ganzoo.models.cgan.networks import dcgan_features
from ganzoo.models.dcgan.networks import num_upsamplings


def build_auxiliary_classifier_discriminator(
    image_shape, num_classes, filters=64, kernel_size=5, dropout=0.3
):
    """DCGAN's discriminator with two heads: a real/fake logit, class logits.

    Strided Conv2D stages (LeakyReLU(0.2), dropout) shared by both heads.
    Returns a model mapping images (it does not see the label) to
    `[logit (n, 1), class_logits (n, num_classes)]`.
    """
    images = keras.Input(image_shape, name="images")
    stages = num_upsamplings(min(image_shape[:2]))
    x = dcgan_features(images, filters, kernel_size, dropout, stages)
    logits = layers.Dense(1, name="logit", dtype=output_dtype())(x)
    class_logits = layers.Dense(num_classes, name="class_logits", dtype=output_dtype())(
        x
    )
    return keras.Model(images, [logits, class_logits], name="discriminator")
