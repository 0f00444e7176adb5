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
    """Returns `value` as an int of at least 1."""
    return check_int(value, arg, minimum=1)


def check_int(value, arg, minimum=1):
    """Returns `value` as an int of at least `minimum`.

    Raises:
        TypeError: `value` is not an integer (a bool or a float is not).
        ValueError: `value` is below `minimum`.
    """
    expected = _INT_EXPECTED.get(minimum, f"an integer of at least {minimum}")
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"`{arg}` must be {expected}. Received: {arg}={value!r}")
    if value < minimum:
        raise ValueError(f"`{arg}` must be {expected}. Received: {arg}={value!r}")
    return int(value)


_INT_EXPECTED = {0: "a non-negative integer", 1: "a positive integer"}


def check_number(value, arg, low=None, high=None, *, open_low=False, open_high=False):
    """Returns `value` as a float within the given bounds.

    Args:
        value: The argument's value.
        arg: The argument's name, for the error message.
        low, high: Optional bounds; inclusive unless `open_low` /
            `open_high`.

    Raises:
        TypeError: `value` is not a real number (a bool or a string is not).
        ValueError: `value` is NaN or outside the bounds.
    """
    expected = "a number" + _interval(low, high, open_low, open_high)
    if isinstance(value, (bool, np.bool_)) or not isinstance(
        value, (int, float, np.integer, np.floating)
    ):
        raise TypeError(f"`{arg}` must be {expected}. Received: {arg}={value!r}")
    number = float(value)
    too_low = low is not None and (number <= low if open_low else number < low)
    too_high = high is not None and (number >= high if open_high else number > high)
    if number != number or too_low or too_high:
        raise ValueError(f"`{arg}` must be {expected}. Received: {arg}={value!r}")
    return number


def check_non_negative_number(value, arg):
    """Returns `value` as a float `>= 0` (a loss weight, say)."""
    return check_number(value, arg, low=0.0)


def check_positive_number(value, arg):
    """Returns `value` as a float `> 0`."""
    return check_number(value, arg, low=0.0, open_low=True)


def check_rate(value, arg):
    """Returns `value` as a float in `[0, 1)` (a dropout rate, say)."""
    return check_number(value, arg, low=0.0, high=1.0, open_high=True)


def _interval(low, high, open_low, open_high):
    if low is not None and high is not None:
        left, right = "(" if open_low else "[", ")" if open_high else "]"
        return f" in {left}{low:g}, {high:g}{right}"
    if low is not None:
        return f" {'>' if open_low else '>='} {low:g}"
    if high is not None:
        return f" {'<' if open_high else '<='} {high:g}"
    return ""


def check_one_of(value, choices, arg):
    """Returns `value` if it is one of the strings `choices`.

    Raises:
        TypeError: `value` is not a string.
        ValueError: `value` is a string not in `choices`.
    """
    if not isinstance(value, str):
        raise TypeError(
            f"`{arg}` must be a string, one of {list(choices)}. Received: "
            f"{arg}={value!r} of type {type(value).__name__}"
        )
    if value not in choices:
        raise ValueError(
            f"`{arg}` must be one of {list(choices)}. Received: {arg}={value!r}"
        )
    return value


def check_numeric_array(values, arg):
    """Returns `values` (a number or array-like of numbers) as float64 NumPy.

    Raises:
        TypeError: `values` are not numbers (strings, None, objects).
    """
    array = np.asarray(values)
    if array.dtype.kind not in "biuf":
        raise TypeError(
            f"`{arg}` must be a number or an array of numbers. Received: "
            f"{arg}={values!r}"
        )
    return array.astype("float64")


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
