"""Class labels for conditional models: host-side checks and defaults."""

import numpy as np

from ganzoo import validation


def check_num_classes(num_classes):
    """Validates a model's `num_classes` (at least 2)."""
    num_classes = validation.check_positive_int(num_classes, "num_classes")
    if num_classes < 2:
        raise ValueError(
            f"`num_classes` must be at least 2. Received: num_classes={num_classes}"
        )
    return num_classes


def check_labels(labels, num_classes, num_images=None, arg="labels"):
    """Returns `labels` as an int32 array `(n,)` of class ids, or raises.

    Args:
        labels: Integer class ids: an array-like of shape `(n,)` or `(n, 1)`,
            or, when `num_images` is given, one int for every image.
        num_classes: Ids must lie in `[0, num_classes)`.
        num_images: Optional number of labels expected.
        arg: The argument's name, for error messages.
    """
    if num_images is not None and isinstance(labels, (int, np.integer)):
        labels = np.full((num_images,), labels)
    array = np.asarray(labels)
    if array.dtype.kind not in "biuf":
        shown = repr(labels) if array.ndim == 0 else f"an array of dtype {array.dtype}"
        raise TypeError(
            f"`{arg}` must be integer class ids in [0, {num_classes}), e.g. "
            f"{arg}=7 or an int array of shape (num_images,). Received: {shown}"
        )
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 1:
        raise ValueError(
            f"`{arg}` must be integer class ids of shape (num_images,), not "
            f"one-hot vectors. Received: {arg}.shape={array.shape}"
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
    if array.size and (array.min() < 0 or array.max() >= num_classes):
        raise ValueError(
            f"`{arg}` must be class ids in [0, {num_classes}). Received values "
            f"from {array.min()} to {array.max()}"
        )
    return array.astype("int32")


def balanced_labels(num_images, num_classes):
    """`0, 1, ..., num_classes - 1, 0, 1, ...`: every class equally often."""
    return (np.arange(num_images) % num_classes).astype("int32")
