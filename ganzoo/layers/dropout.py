"""`seeded_dropout`: a Dropout layer whose masks every checkpoint can resume."""

import numpy as np
from keras import layers


def seeded_dropout(rate, name):
    """A `keras.layers.Dropout` with a seed of its own.

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
    return layers.Dropout(rate, seed=int(np.random.randint(2**31 - 1)), name=name)
