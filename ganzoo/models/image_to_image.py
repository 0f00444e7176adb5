"""`ImageToImageGAN`: the base of the families that translate images."""

import keras
import numpy as np

from ganzoo import backend
from ganzoo import validation
from ganzoo.models.base_gan import BaseGAN


class ImageToImageGAN(BaseGAN):
    """A `BaseGAN` trained on pairs of image batches, which it translates.

    `fit` takes the two sets of images as `fit(x=(first, second))`,
    `fit(first, second)` or a dataset yielding such pairs; arrays are
    checked against `image_shape` and `target_shape` before training,
    and every batch in the step. Subclasses name the two sets in
    `pair_names`, set `self.image_shape` and `self.target_shape`, and
    give `translate(images, ...)`. There is no `generate`: nothing is
    sampled from noise.
    """

    #: The names of the two image sets, as users pass them to `fit`.
    pair_names = ("inputs", "targets")
    #: What `fit` needs, in its error when the second set is missing.
    pair_description = "(inputs, targets) pairs"

    def fit(self, x=None, y=None, **kwargs):
        pair = _host_pair(x, y)
        if pair is not None:
            self.check_arrays(*pair)
            x, y = pair
        return super().fit(x, y, **kwargs)

    def check_arrays(self, x, y=None):
        first, second = self.pair_names
        name = type(self).__name__
        if y is None:
            raise ValueError(
                f"{name}.fit() needs {self.pair_description}: call "
                f"`fit(x=({first}, {second}))`. Received: {second}=None"
            )
        validation.check_host_images(x, self.image_shape, arg=first)
        validation.check_host_images(y, self.target_shape, arg=second)
        if x.shape[0] != y.shape[0]:
            raise ValueError(self.length_mismatch(x.shape[0], y.shape[0]))

    def length_mismatch(self, num_first, num_second):
        """The error message for arrays of two lengths."""
        first, second = self.pair_names
        return (
            f"{type(self).__name__}.fit() needs as many {second} as {first} "
            f"(they are pairs). Received: {num_first} {first} and "
            f"{num_second} {second}"
        )

    def unpack_batch(self, data):
        first, second = self.pair_names
        x, y, _ = keras.utils.unpack_x_y_sample_weight(data)
        if y is None and isinstance(x, (tuple, list)) and len(x) == 2:
            x, y = x
        if y is None:
            raise ValueError(
                f"{type(self).__name__}.fit() needs pairs of image batches "
                f"({first}, {second}): call `fit(x=({first}, {second}))` or "
                "give a dataset yielding such pairs. Received batches of one "
                "array only."
            )
        x = validation.check_images(x, self.image_shape, arg=first)
        y = validation.check_images(y, self.target_shape, arg=second)
        return x, y

    def translate_with(self, network, images, batch_size):
        """Runs `network` in inference mode over `images` in batches."""
        batch_size = validation.check_positive_int(batch_size, "batch_size")
        outputs = backend.predict(network, images, batch_size)
        return np.asarray(outputs, dtype="float32")

    def __getattr__(self, name):
        if name == "generate":
            raise AttributeError(
                f"{type(self).__name__} translates images and samples nothing "
                "from noise, so it has no `generate`: use "
                "`model.translate(images)`."
            )
        parent = getattr(super(), "__getattr__", None)
        if parent is None:
            raise AttributeError(
                f"'{type(self).__name__}' object has no attribute '{name}'"
            )
        return parent(name)


def _host_pair(x, y):
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
