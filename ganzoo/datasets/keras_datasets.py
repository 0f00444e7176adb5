"""Datasets downloaded (and cached) by `keras.datasets`, or read from a local copy."""

import os

import keras
import numpy as np

from ganzoo.images import from_uint8

#: Environment variables naming a local copy of a `keras.datasets` file, so a
#: script or recipe can read the same dataset on a machine without internet.
PATH_VARIABLES = {"mnist": "GANZOO_MNIST_PATH"}


def _pick(arrays, split):
    (x_train, y_train), (x_test, y_test) = arrays
    return (x_train, y_train) if split == "train" else (x_test, y_test)


def _convert(images, labels):
    if images.dtype != np.uint8:
        raise TypeError(
            f"Expected uint8 images from keras.datasets. Received: {images.dtype}"
        )
    images = from_uint8(images)
    if images.ndim == 3:
        images = images[..., None]
    return images, np.asarray(labels).reshape(-1).astype("int32")


def resolve_path(name, path):
    """The local file to read `name` from: `path`, else its variable, else None."""
    if path is None:
        path = os.environ.get(PATH_VARIABLES[name]) or None
        where = f"${PATH_VARIABLES[name]}"
    else:
        where = "path"
    if path is None:
        return None
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FileNotFoundError(
            f"`{where}` must name a local copy of keras's {name}.npz. "
            f"No such file: {path!r}"
        )
    return path


def read_npz(name, path, split):
    """Reads one split of a `.npz` file with keras's keys and checks it.

    The file must hold `x_train`, `y_train`, `x_test`, `y_test` as
    `keras.datasets.<name>.load_data()` returns them: uint8 images of shape
    `(n, 28, 28)` and one integer label in [0, 10) per image.
    """
    keys = {"train": ("x_train", "y_train"), "test": ("x_test", "y_test")}[split]
    try:
        archive = np.load(path, allow_pickle=False)
    except (OSError, ValueError) as error:
        raise ValueError(
            f"{path!r} is not a readable `.npz` file ({error}). Expected a "
            f"copy of keras's {name}.npz"
        ) from None
    with archive:
        missing = [key for key in keys if key not in archive.files]
        if missing:
            raise ValueError(
                f"{path!r} lacks the key(s) {missing} that keras's {name}.npz "
                f"holds (x_train, y_train, x_test, y_test). Received keys: "
                f"{sorted(archive.files)}"
            )
        images, labels = (archive[key] for key in keys)
    if images.dtype != np.uint8 or images.ndim != 3 or images.shape[1:] != (28, 28):
        raise ValueError(
            f"{path!r}: `{keys[0]}` must be uint8 images of shape (n, 28, 28). "
            f"Received: dtype={images.dtype}, shape={images.shape}"
        )
    if not np.issubdtype(labels.dtype, np.integer) or labels.shape != (
        images.shape[0],
    ):
        raise ValueError(
            f"{path!r}: `{keys[1]}` must hold one integer label per image, shape "
            f"({images.shape[0]},). Received: dtype={labels.dtype}, "
            f"shape={labels.shape}"
        )
    if labels.size and (labels.min() < 0 or labels.max() > 9):
        raise ValueError(
            f"{path!r}: `{keys[1]}` must hold class ids in [0, 10). Received "
            f"values from {labels.min()} to {labels.max()}"
        )
    return images, labels


def load_mnist(split="train", path=None):
    """MNIST through `keras.datasets.mnist.load_data()`, or a local copy.

    Args:
        split: `"train"` (60,000 images) or `"test"` (10,000).
        path: Optional path to a local `.npz` with keras's keys (`x_train`,
            `y_train`, `x_test`, `y_test`), read instead of downloading.
            When `None`, `$GANZOO_MNIST_PATH` is used if set.

    Returns:
        Tuple `(images, labels)`: float32 `(n, 28, 28, 1)` in [-1, 1] and
        int32 `(n,)`.
    """
    local = resolve_path("mnist", path)
    if local is not None:
        return _convert(*read_npz("mnist", local, split))
    return _convert(*_pick(keras.datasets.mnist.load_data(), split))


def load_fashion_mnist(split="train"):
    """Fashion-MNIST through `keras.datasets.fashion_mnist.load_data()`.

    Args:
        split: `"train"` (60,000 images) or `"test"` (10,000).

    Returns:
        Tuple `(images, labels)`: float32 `(n, 28, 28, 1)` in [-1, 1] and
        int32 `(n,)`.
    """
    return _convert(*_pick(keras.datasets.fashion_mnist.load_data(), split))


def load_cifar10(split="train"):
    """CIFAR-10 through `keras.datasets.cifar10.load_data()`.

    Keras returns channels-first arrays when `keras.config.image_data_format()`
    is `"channels_first"`; they are transposed back, so the images are always
    channels-last.

    Args:
        split: `"train"` (50,000 images) or `"test"` (10,000).

    Returns:
        Tuple `(images, labels)`: float32 `(n, 32, 32, 3)` in [-1, 1] and
        int32 `(n,)`.
    """
    images, labels = _pick(keras.datasets.cifar10.load_data(), split)
    if keras.config.image_data_format() == "channels_first":
        images = np.transpose(images, (0, 2, 3, 1))
    return _convert(images, labels)
