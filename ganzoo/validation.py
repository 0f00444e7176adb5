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
    if len(shape) == 3 and tuple(shape) == tuple(image_shape):
        raise ValueError(
            f"`{arg}` must be a batch of images (batch, height, width, "
            f"channels); this is one image of shape {tuple(shape)}. Pass "
            f"`{arg}[None]` for a batch of one."
        )
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


#: How far outside [-1, 1] pixel values may stray (resampling overshoot).
RANGE_TOLERANCE = 1e-3


def check_pixel_values(images, arg="images", scaled=True):
    """Checks that host images are finite and (if `scaled`) in [-1, 1].

    Every model trains on images in [-1, 1]; images in [0, 255] or [0, 1]
    would train silently into a generator of the wrong range, and one NaN
    or infinite pixel turns every weight into NaN.

    Args:
        images: A NumPy array or tensor of images.
        arg: The argument's name, for the error message.
        scaled: Whether the values must lie in [-1, 1] (else only finite).

    Returns:
        The images as a float32 NumPy array.
    """
    array = np.asarray(ops.convert_to_numpy(images), dtype="float32")
    if not array.size:
        return array
    finite = np.isfinite(array)
    if not finite.all():
        bad = int(array.size - np.count_nonzero(finite))
        first = np.unravel_index(int(np.argmin(finite)), array.shape)
        raise ValueError(
            f"`{arg}` must hold finite pixel values. Received {bad} NaN or "
            f"infinite value(s), the first at index {tuple(int(i) for i in first)}"
        )
    if not scaled:
        return array
    low, high = float(array.min()), float(array.max())
    if low < -1 - RANGE_TOLERANCE or high > 1 + RANGE_TOLERANCE:
        raise ValueError(
            f"`{arg}` must be scaled to [-1, 1] (use `ganzoo.images.from_uint8` "
            f"for 0..255 images). Received values in [{low:.4g}, {high:.4g}]"
        )
    return array


def check_host_images(images, image_shape, arg="images"):
    """Checks images given on the host; returns them as float32 NumPy.

    Checks the type, rank, shape and dtype (`check_images`), then that the
    values are finite and lie in [-1, 1] (`check_pixel_values`).
    """
    if not is_array(images):
        raise TypeError(
            f"`{arg}` must be a NumPy array or tensor of images of shape "
            f"(batch,) + {tuple(image_shape)}. Received: {type(images).__name__}"
        )
    check_images(images, image_shape, arg=arg)
    return check_pixel_values(images, arg=arg)


def check_training_data(x, fit_kwargs):
    """Refuses what `fit` cannot train on, before Keras sees it.

    Checks that `x` is given and is not a bare list of arrays, that
    `batch_size` (when given) is a positive integer, and that a torch
    `DataLoader` over a map-style dataset yields tuples such as
    `(images,)` rather than bare tensors.
    """
    if x is None:
        raise ValueError(
            "fit() needs training data `x`: images as an array, a tf.data "
            "Dataset, a keras.utils.PyDataset or a torch DataLoader. Received: "
            "x=None"
        )
    if isinstance(x, list):
        raise TypeError(
            "`x` must be an array of images (or a dataset); a list is ambiguous. "
            "Stack the images with np.stack(x), or for two arrays (images and "
            f"labels, or image pairs) pass a tuple. Received: a list of {len(x)}"
        )
    batch_size = fit_kwargs.get("batch_size")
    if batch_size is not None:
        check_positive_int(batch_size, "batch_size")
    _check_data_loader(x)


def _check_data_loader(x):
    module = type(x).__module__ or ""
    if not module.startswith("torch.utils.data") or not hasattr(x, "dataset"):
        return
    try:
        sample = x.dataset[0]
    except (TypeError, IndexError, KeyError, NotImplementedError):
        return  # an iterable-style or empty dataset: nothing to look at
    if not isinstance(sample, (tuple, list, dict)):
        raise TypeError(
            "A torch DataLoader given to fit() must yield tuples such as "
            "`(images,)` or `(images, labels)`: Keras reads a bare tensor as "
            "something else on TensorFlow and JAX. Return `(image,)` from your "
            "Dataset's __getitem__, or wrap the tensors in a "
            "torch.utils.data.TensorDataset. Received samples of type "
            f"{type(sample).__name__}"
        )


def is_array(x):
    return isinstance(x, np.ndarray) or ops.is_tensor(x)
