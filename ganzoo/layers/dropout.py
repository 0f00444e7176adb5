"""`SeededDropout` and `seeded_dropout`: Dropout whose masks every checkpoint
can resume, drawn fast on PyTorch and JAX."""

import keras
import numpy as np
from keras import layers

from ganzoo import backend


@keras.saving.register_keras_serializable(package="ganzoo", name="SeededDropout")
class SeededDropout(layers.Dropout):
    """`keras.layers.Dropout` with a seed, whose masks are drawn fast.

    Same arguments, seeds, distribution of masks and outputs in inference
    as `Dropout`. In training, `ganzoo.backend.dropout` draws the masks
    faster than Keras on two backends, from the layer's seed generator as
    Keras does. On PyTorch, Keras draws a seeded mask as a Bernoulli sample
    of a whole tensor of probabilities and selects with `where`; this layer
    draws uniform numbers below the keep probability and scales once, a
    third of the time. On JAX, Keras spends a threefry word on each unit;
    this layer draws two 16-bit numbers from each (the keep probability
    within 8e-6), in 0.56 of the time. On TensorFlow, and with
    `noise_shape`, it is `Dropout` exactly.

    Args:
        *args, **kwargs: As for `keras.layers.Dropout`.

    Example:

    ```python
    drop = ganzoo.layers.SeededDropout(0.3, seed=1, name="down_0_dropout")
    outputs = drop(keras.random.normal((8, 14, 14, 64)), training=True)
    ```
    """

    def call(self, inputs, training=False):
        if training and 0 < self.rate < 1 and self.noise_shape is None:
            outputs = backend.dropout(inputs, self.rate, self.seed_generator)
            if outputs is not None:
                return outputs
        return super().call(inputs, training=training)


# Saved weights address a layer by its class name: answering to Dropout's
# keeps files written with `keras.layers.Dropout` loading into these models.
SeededDropout.__name__ = "Dropout"


def seeded_dropout(rate, name):
    """A `SeededDropout` with a seed of its own.

    Keras draws the masks of an unseeded Dropout on PyTorch from torch's
    global generator, which no saved model or checkpoint holds, so a
    resumed run would drop other units than the uninterrupted one. A seeded
    Dropout draws them from its seed generator's state on every backend,
    and `BaseGAN` saves that state with the weights. The seed comes from
    NumPy's global generator, so `keras.utils.set_random_seed` fixes it.

    Args:
        rate: Fraction of the units to drop, in [0, 1).
        name: The layer's name.
    """
    return SeededDropout(rate, seed=int(np.random.randint(2**31 - 1)), name=name)
