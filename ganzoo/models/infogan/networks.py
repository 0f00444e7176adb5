"""The networks of InfoGAN (Chen et al. 2016), DCGAN-like and scaled by `filters`.

The generator is DCGAN's (`ganzoo.models.dcgan.networks`), fed the noise
and the codes concatenated. The discriminator is a shared trunk with two
heads: one logit (D) and the codes' parameters (Q).
"""

import keras
from keras import layers

from ganzoo.layers.batch_normalization import FusedBatchNormalization
from ganzoo.layers.precision import output_dtype
from ganzoo.models.dcgan.networks import dcgan_trunk


def build_infogan_trunk(image_shape, filters=64, kernel_size=4):
    """The trunk D and Q share: DCGAN's strided Conv2D stages, then a Dense layer.

    The stages are `ganzoo.models.dcgan.networks.dcgan_trunk`'s without
    dropout. Stage `i` has `filters * 2**i` channels, the Dense layer `16 * filters`
    units, all with LeakyReLU(0.2) (with `filters=64`, the paper's MNIST
    network: conv 64, conv 128, FC 1024). The paper's BatchNorm in this
    trunk is left out: D sees real and generated batches separately, and
    with BatchNorm the generator fooled D with high-frequency patterns in
    our runs on 4,000 MNIST digits, while without it digits formed.
    """
    images = keras.Input(image_shape, name="images")
    x = dcgan_trunk(images, filters, kernel_size)
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dense(16 * filters, name="dense")(x)
    features = layers.LeakyReLU(0.2, name="dense_relu")(x)
    return keras.Model(images, features, name="trunk")


def build_infogan_d_head(num_features):
    """The discriminator's head: one real-vs-fake logit."""
    features = keras.Input((num_features,), name="features")
    logit = layers.Dense(1, name="logit", dtype=output_dtype())(features)
    return keras.Model(features, logit, name="d_head")


def build_infogan_q_head(num_features, num_categories, num_continuous, filters=64):
    """Q's head: Dense(2 * filters), BatchNorm, LeakyReLU, then the codes.

    Returns a model from trunk features to `num_categories` logits of the
    categorical code followed by `num_continuous` means of the continuous
    codes (the paper's FC 128 hidden layer with `filters=64`).
    """
    features = keras.Input((num_features,), name="features")
    x = layers.Dense(2 * filters, use_bias=False, name="hidden")(features)
    x = FusedBatchNormalization(name="hidden_bn")(x)
    x = layers.LeakyReLU(0.2, name="hidden_relu")(x)
    codes = layers.Dense(
        num_categories + num_continuous, name="codes", dtype=output_dtype()
    )(x)
    return keras.Model(features, codes, name="q_head")
