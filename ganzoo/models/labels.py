"""Class labels for conditional models: checks and defaults."""

import keras
import numpy as np
from keras import ops

from ganzoo import validation

#: The label that marks an image as unlabelled (semi-supervised training).
UNLABELLED = -1


def check_num_classes(num_classes):
    """Validates a model's `num_classes` (at least 2)."""
    return validation.check_int(num_classes, "num_classes", minimum=2)


def check_labels(
    labels, num_classes, num_images=None, arg="labels", allow_unlabelled=False
):
    """Returns `labels` as an int32 array `(n,)` of class ids, or raises.

    Args:
        labels: Integer class ids: an array-like of shape `(n,)` or `(n, 1)`,
            or, when `num_images` is given, one int for every image.
        num_classes: Ids must lie in `[0, num_classes)`.
        num_images: Optional number of labels expected.
        arg: The argument's name, for error messages.
        allow_unlabelled: Also accept `UNLABELLED` (-1) for an image
            without a label; at least one image must be labelled.

    Raises:
        TypeError: The labels are not numbers (strings, say).
        ValueError: Their shape, count or values are wrong.
    """
    ids = f"[0, {num_classes})" + (
        " or -1 for unlabelled images" if allow_unlabelled else ""
    )
    if num_images is not None and isinstance(labels, (int, np.integer)):
        labels = np.full((num_images,), labels)
    array = np.asarray(labels)
    if array.dtype.kind not in "biuf":
        shown = repr(labels) if array.ndim == 0 else f"an array of dtype {array.dtype}"
        raise TypeError(
            f"`{arg}` must be integer class ids in {ids}, e.g. "
            f"{arg}=7 or an int array of shape (num_images,). Received: {shown}"
        )
    if array.ndim == 0 and num_images is not None:
        array = np.full((num_images,), array)  # e.g. a 0-d array or 7.0
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim == 0:
        raise ValueError(
            f"`{arg}` must be integer class ids, one per image: an int array "
            f"of shape (num_images,). Received: {arg}={array.item()!r}"
        )
    if array.ndim != 1:
        one_hot = ", not one-hot vectors" if array.ndim == 2 else ""
        raise ValueError(
            f"`{arg}` must be integer class ids of shape (num_images,){one_hot}. "
            f"Received: {arg}.shape={array.shape}"
        )
    if array.size and not np.issubdtype(array.dtype, np.integer):
        if not np.all(np.mod(array, 1) == 0):
            raise ValueError(
                f"`{arg}` must be integer class ids. Received dtype {array.dtype} "
                "with non-integer values"
            )
    if num_images is not None and array.shape[0] != num_images:
        raise ValueError(
            f"`{arg}` must hold one label per image: expected {num_images}, "
            f"received {array.shape[0]}"
        )
    low = UNLABELLED if allow_unlabelled else 0
    if array.size and (array.min() < low or array.max() >= num_classes):
        raise ValueError(
            f"`{arg}` must be class ids in {ids}. Received values "
            f"from {array.min()} to {array.max()}"
        )
    if allow_unlabelled and not np.any(array >= 0):
        raise ValueError(
            f"`{arg}` has no labelled image: every label is -1. A "
            "semi-supervised GAN needs at least one labelled image."
        )
    return array.astype("int32")


def check_fit_labels(x, y, num_classes, allow_unlabelled=False):
    """Checks the labels `y` that `fit` got with the images `x`, on the host.

    Every label is checked (`check_labels`), and that there is one per image.
    """
    host = ops.convert_to_numpy(y) if ops.is_tensor(y) else np.asarray(y)
    check_labels(host, num_classes, arg="y", allow_unlabelled=allow_unlabelled)
    if host.shape[0] != x.shape[0]:
        raise ValueError(
            "`y` must hold one label per image in `x`. Received "
            f"{x.shape[0]} images and {host.shape[0]} labels"
        )


def balanced_labels(num_images, num_classes):
    """`0, 1, ..., num_classes - 1, 0, 1, ...`: every class equally often."""
    return (np.arange(num_images) % num_classes).astype("int32")


def _invalid(labels, low, num_classes):
    return ops.logical_or(labels < low, labels >= num_classes)


def label_checks(data, low, num_classes):
    """A conditional model's `batch_checks`: the count of invalid labels.

    Counts the labels (`y` of the batch as the trainer yields it) outside
    `[low, num_classes)`, in `keras.ops` inside the training step: labels
    from a dataset cannot be checked on the host before training, as
    arrays are.
    """
    _, labels, _ = keras.utils.unpack_x_y_sample_weight(data)
    labels = ops.cast(ops.reshape(labels, (-1,)), "int32")
    invalid = _invalid(labels, low, num_classes)
    return {"invalid_labels": ops.sum(ops.cast(invalid, "float32"))}


def batch_labels(y, images, num_classes, low=0):
    """A training batch's labels `y` as int32 class ids `(batch,)`.

    Takes ids of shape `(batch,)` or `(batch, 1)` (`low = -1` admits `-1`
    for unlabelled images) and refuses one-hot vectors, a count other than
    the images', and labels that are not numbers. Ids outside
    `[low, num_classes)` become `low`; `label_checks` counts them.
    """
    unlabelled = ", -1 for unlabelled images" if low < 0 else ""
    shape = tuple(y.shape)
    if not (len(shape) == 1 or (len(shape) == 2 and shape[1] == 1)):
        raise ValueError(
            f"`y` must be integer class ids of shape (batch,){unlabelled}, not "
            f"one-hot vectors. Received: y.shape={shape}"
        )
    if None not in (shape[0], images.shape[0]) and shape[0] != images.shape[0]:
        raise ValueError(
            "`y` must hold one label per image in `x`. Received: "
            f"x.shape={tuple(images.shape)}, y.shape={shape}"
        )
    dtype = str(y.dtype)
    if "int" not in dtype and "float" not in dtype:
        raise TypeError(f"`y` must be integer class ids. Received: y.dtype={dtype}")
    labels = ops.reshape(ops.cast(y, "int32"), (-1,))
    return keep_valid(labels, low, num_classes, low)


def keep_valid(labels, low, num_classes, fallback):
    """`labels` with those outside `[low, num_classes)` set to `fallback`.

    The batch's step then runs (PyTorch's one-hot would stop it with an
    index error) and `fit` reports the invalid labels `label_checks`
    counted right after it.
    """
    return ops.where(_invalid(labels, low, num_classes), fallback, labels)


def invalid_labels_message(num_classes, low=0):
    """The error for labels from a dataset outside `[low, num_classes)`."""
    allowed = f"[0, {num_classes})" + (", or -1 for unlabelled" if low < 0 else "")
    return (
        f"The dataset yielded labels outside {allowed}: `y` must hold class "
        f"ids below num_classes={num_classes}. Check the labels your "
        "dataset yields (arrays are checked before training; batches from a "
        "dataset as they arrive)."
    )
