"""Checks of user input that fail early with a message naming the argument."""

import numpy as np
from keras import ops


def check_image_shape(image_shape, arg="image_shape", multiple_of=1):
    """Returns `image_shape` as a tuple `(height, width, channels)`."""
    try:
        shape = tuple(int(d) for d in image_shape)
    except (TypeError, ValueError):
        shape = None
    if shape is None or len(shape) != 3 or min(shape) < 1:
        raise ValueError(
            f"`{arg}` must be (height, width, channels) with positive "
            f"integers. Received: {arg}={image_shape!r}"
        )
    if shape[0] % multiple_of or shape[1] % multiple_of:
        raise ValueError(
            f"`{arg}`: height and width must be multiples of {multiple_of}. "
            f"Received: {arg}={image_shape!r}"
        )
    return shape


def check_positive_int(value, arg):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(
            f"`{arg}` must be a positive integer. Received: {arg}={value!r}"
        )
    if value < 1:
        raise ValueError(
            f"`{arg}` must be a positive integer. Received: {arg}={value!r}"
        )
    return int(value)


def check_bool(value, arg):
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"`{arg}` must be True or False. Received: {arg}={value!r}")
    return bool(value)


def check_images(images, image_shape, arg="images"):
    """Checks a batch of images against the model's `image_shape`.

    Runs on static shapes and dtypes, so inside a compiled training step it
    fails while tracing, before any step runs.
    """
    shape = tuple(images.shape)
    dtype = str(getattr(images, "dtype", ""))
    expected = (None,) + tuple(image_shape)
    # Only the image dimensions are reported: callers may check a slice of
    # the user's batch, whose first dimension is then not the user's.
    if len(shape) != 4:
        raise ValueError(
            f"`{arg}` must be a batch of images of rank 4 "
            f"(batch, height, width, channels) = {expected}. "
            f"Received: `{arg}` of rank {len(shape)}, with "
            f"{arg}.shape[1:]={shape[1:]}"
        )
    if tuple(shape[1:]) != tuple(image_shape):
        raise ValueError(
            f"`{arg}` does not match the model's image_shape: expected images "
            f"of shape {tuple(image_shape)}. Received: {arg}.shape[1:]={shape[1:]}"
        )
    if "float" not in dtype:
        raise TypeError(
            f"`{arg}` must be floating point images scaled to [-1, 1] "
            "(use `ganzoo.images.from_uint8` to convert). "
            f"Received: {arg}.dtype={dtype}"
        )
    return images


def is_array(x):
    return isinstance(x, np.ndarray) or ops.is_tensor(x)
