"""Input handling shared by the image-to-image models (Pix2Pix, CycleGAN)."""

import keras
import numpy as np

from ganzoo import backend
from ganzoo import validation


def host_pair(x, y):
    """The two arrays of `fit(x=(first, second))` or `fit(first, second)`.

    Returns `None` when the data is not given as arrays (datasets,
    `PyDataset`s, data loaders), whose batches are checked in the step.
    """
    if y is not None:
        return (x, y) if validation.is_array(x) and validation.is_array(y) else None
    if isinstance(x, (tuple, list)) and len(x) == 2:
        if all(validation.is_array(part) for part in x):
            return tuple(x)
    return None


def unpack_pair(data, model_name, names):
    """Splits what Keras's trainer yields into the two image batches.

    Accepts `(first, second)` yielded as `x` and `y`, or one `x` holding
    the two.
    """
    x, y, _ = keras.utils.unpack_x_y_sample_weight(data)
    if y is None and isinstance(x, (tuple, list)) and len(x) == 2:
        x, y = x
    if y is None:
        raise ValueError(
            f"{model_name}.fit() needs pairs of image batches ({names[0]}, "
            f"{names[1]}): call `fit(x=({names[0]}, {names[1]}))` or give a "
            "dataset yielding such pairs. Received batches of one array only."
        )
    return x, y


def translate_with(network, images, batch_size):
    """Runs `network` in inference mode over `images` in batches."""
    batch_size = validation.check_positive_int(batch_size, "batch_size")
    outputs = backend.predict(network, images, batch_size)
    return np.asarray(outputs, dtype="float32")


def no_generate(model_name):
    """The error of `generate` on models that translate instead."""
    return AttributeError(
        f"{model_name} translates images and samples nothing from noise, so it "
        "has no `generate`: use `model.translate(images)`."
    )


class WithoutGenerate:
    """Mixin hiding `BaseGAN.generate` from models that translate images.

    `hasattr(model, "generate")` is `False` (so preset saving makes no
    samples) and `model.generate` raises an `AttributeError` that points to
    `translate`.
    """

    @property
    def generate(self):
        raise no_generate(type(self).__name__)

    def __getattr__(self, name):
        # A property's AttributeError falls back to `__getattr__`, which
        # torch's `nn.Module` (under Keras's torch backend) answers with its
        # own message: keep ours.
        if name == "generate":
            raise no_generate(type(self).__name__)
        parent = getattr(super(), "__getattr__", None)
        if parent is None:
            raise AttributeError(
                f"'{type(self).__name__}' object has no attribute '{name}'"
            )
        return parent(name)
