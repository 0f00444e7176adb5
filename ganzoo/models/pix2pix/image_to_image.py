"""Input handling shared by the image-to-image models (Pix2Pix, CycleGAN)."""

import keras
import numpy as np
from keras import ops

from ganzoo import validation

#: How far outside [-1, 1] pixel values may stray (resampling overshoot).
RANGE_TOLERANCE = 1e-3


def check_host_images(images, image_shape, arg="images"):
    """Checks images given on the host; returns them as float32 NumPy.

    Checks the rank, shape, dtype and that the values lie in [-1, 1].
    """
    if not validation.is_array(images):
        raise TypeError(
            f"`{arg}` must be a NumPy array or tensor of images of shape "
            f"(batch,) + {tuple(image_shape)}. Received: {type(images).__name__}"
        )
    validation.check_images(images, image_shape, arg=arg)
    array = np.asarray(ops.convert_to_numpy(images), dtype="float32")
    if array.size:
        low, high = float(array.min()), float(array.max())
        if low < -1 - RANGE_TOLERANCE or high > 1 + RANGE_TOLERANCE:
            raise ValueError(
                f"`{arg}` must be scaled to [-1, 1] (use "
                "`ganzoo.images.from_uint8` for 0..255 images). Received "
                f"values in [{low:.4g}, {high:.4g}]"
            )
    return array


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
    outputs = network.predict(images, batch_size=batch_size, verbose=0)
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
