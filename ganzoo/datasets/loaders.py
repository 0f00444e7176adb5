"""`load(name, split)`: every dataset as float32 images in [-1, 1]."""

import difflib

from ganzoo.datasets.keras_datasets import PATH_VARIABLES
from ganzoo.datasets.keras_datasets import load_cifar10
from ganzoo.datasets.keras_datasets import load_fashion_mnist
from ganzoo.datasets.keras_datasets import load_mnist
from ganzoo.datasets.mnist_5k import load_mnist_5k

# name: (loader, valid splits). The first entry is the offline default.
_DATASETS = {
    "mnist_5k": (load_mnist_5k, ("train", "test", "all")),
    "mnist": (load_mnist, ("train", "test")),
    "fashion_mnist": (load_fashion_mnist, ("train", "test")),
    "cifar10": (load_cifar10, ("train", "test")),
}


def names():
    """Names accepted by `ganzoo.datasets.load`.

    Returns:
        A list of strings, the offline default `"mnist_5k"` first.

    Example:

    >>> ganzoo.datasets.names()
    ['mnist_5k', 'mnist', 'fashion_mnist', 'cifar10']
    """
    return list(_DATASETS)


def _unknown(what, value, choices):
    close = difflib.get_close_matches(str(value).lower(), choices, n=1)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    available = ", ".join(repr(c) for c in choices)
    return f"Unknown {what}. Available: {available}.{hint} Received: "


def load(name="mnist_5k", split="train", path=None):
    """Loads a dataset as float32 images in [-1, 1] and int32 labels.

    Datasets:

    - `"mnist_5k"`: 5,000 MNIST digits (500 per class) shipped inside the
      package, so it needs no download. The split is fixed and held out for
      evaluation: the images are shuffled with `np.random.RandomState(0)`
      and split stratified by class, 400 train and 100 test images per
      class. `split="train"` gives those 4,000, `"test"` the other 1,000,
      `"all"` all 5,000 (train first, then test).
    - `"mnist"`, `"fashion_mnist"`: 28x28 grayscale, 60,000 train and
      10,000 test images, from `keras.datasets` (downloaded once, then read
      from the Keras cache, `~/.keras/datasets` or `$KERAS_HOME/datasets`).
      For `"mnist"`, `path=` (or, for scripts, `$GANZOO_MNIST_PATH`) names
      a local copy of keras's `mnist.npz` to read instead: the keys
      `x_train`, `y_train`, `x_test`, `y_test`, uint8 images of shape
      `(n, 28, 28)` and their labels, as `load_data()` returns them.
    - `"cifar10"`: 32x32 RGB, 50,000 train and 10,000 test images, from
      `keras.datasets`.

    Args:
        name: One of `ganzoo.datasets.names()`.
        split: `"train"` or `"test"`; `"mnist_5k"` also takes `"all"`.
        path: Optional local `.npz` file for `"mnist"` (see above), read
            instead of downloading.

    Returns:
        Tuple `(images, labels)`: `images` float32 of shape
        `(n, height, width, channels)`, channels-last (1 channel for the
        MNIST-like sets), with pixel values mapped from [0, 255] onto
        [-1, 1]; `labels` int32 of shape `(n,)`, class ids 0-9.

    Example:

    ```python
    images, labels = ganzoo.datasets.load("mnist_5k")
    assert images.shape == (4000, 28, 28, 1)
    test_images, test_labels = ganzoo.datasets.load("mnist_5k", split="test")
    assert test_images.shape == (1000, 28, 28, 1)
    ```

    The whole MNIST from a copy on disk (no download):

    ```python
    images, labels = ganzoo.datasets.load("mnist", path="mnist.npz")
    ```
    """
    if not isinstance(name, str) or name not in _DATASETS:
        raise ValueError(_unknown("dataset name", name, names()) + f"name={name!r}")
    loader, splits = _DATASETS[name]
    if not isinstance(split, str) or split not in splits:
        raise ValueError(
            _unknown(f"split for dataset {name!r}", split, list(splits))
            + f"split={split!r}"
        )
    if path is None:
        return loader(split)
    if name not in PATH_VARIABLES:
        raise ValueError(
            f"`path` is read only for {sorted(PATH_VARIABLES)}; {name!r} comes "
            f"from keras.datasets. Received: name={name!r}, path={path!r}"
        )
    return loader(split, path=path)
