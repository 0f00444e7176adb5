"""Datasets downloaded (and cached) by `keras.datasets`."""

import keras
import numpy as np

from ganzoo.images import from_uint8


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


def load_mnist(split="train"):
    """MNIST through `keras.datasets.mnist.load_data()`.

    Args:
        split: `"train"` (60,000 images) or `"test"` (10,000).

    Returns:
        Tuple `(images, labels)`: float32 `(n, 28, 28, 1)` in [-1, 1] and
        int32 `(n,)`.
    """
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
