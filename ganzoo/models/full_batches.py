"""Arrays given to `fit` in batches of one size, so nothing recompiles."""

import math

import keras
import numpy as np

from ganzoo import backend
from ganzoo import validation

# `fit` arguments that Keras applies to arrays and a PyDataset cannot take.
_ARRAY_ONLY_ARGUMENTS = ("sample_weight", "class_weight", "validation_split")


class FullBatches(keras.utils.PyDataset):
    """Shuffled batches of `batch_size` samples from arrays, every one full.

    Keras's own array batching ends each epoch with a shorter batch, and a
    new batch shape makes JAX and TensorFlow compile the training step a
    second time (minutes for a large model). Here the last batch of an
    epoch is topped up with the first samples of the same epoch's order
    instead, so every step has the same shape, an epoch still has
    `ceil(num_samples / batch_size)` steps, and every sample is seen every
    epoch.

    Each epoch's order is a function of `seed` and a key alone: `BaseGAN.fit`
    keys each epoch by the number of training steps done before it (see
    `EpochOrder`), so a run resumed by `keras.callbacks.BackupAndRestore`
    sees the batches an uninterrupted run would, and successive `fit` calls
    see new orders.

    In a distributed run of `num_shards` processes, every process draws the
    same orders and step `i` covers the `batch_size * num_shards` samples of
    a global batch, of which process `shard` takes the `shard`-th
    `batch_size`: the processes' shares of an epoch are disjoint, and the
    concatenation of their batches is the batch one process would train on
    with `batch_size * num_shards`.

    Args:
        x: An array, or a tuple or list of arrays, with samples along the
            first axis.
        y: `None` or likewise (e.g. labels).
        batch_size: Samples per batch (per process); less than the number
            of samples.
        shuffle: Whether to draw a new order each epoch (else keep it).
        seed: Optional int seeding the orders; by default one is drawn from
            NumPy's global generator (`keras.utils.set_random_seed` seeds
            it). Every process of a distributed run must give the same.
        shard: Index of this process's share, in `[0, num_shards)`.
        num_shards: Number of processes sharing each epoch.
    """

    def __init__(
        self, x, y, batch_size, shuffle=True, seed=None, shard=0, num_shards=1
    ):
        super().__init__()
        if not 0 <= shard < num_shards:
            raise ValueError(
                f"`shard` must be in [0, num_shards={num_shards}). "
                f"Received: shard={shard!r}"
            )
        self.shard = shard
        self.num_shards = num_shards
        self.x = keras.tree.map_structure(_host, x)
        self.y = None if y is None else keras.tree.map_structure(_host, y)
        self.num_samples = keras.tree.flatten(self.x)[0].shape[0]
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.seed = int(np.random.randint(2**31 - 1) if seed is None else seed)
        self.reorder(0)

    def reorder(self, key):
        """Draws the order of the epoch identified by the integer `key`."""
        self.key = int(key)
        if self.shuffle:
            rng = np.random.default_rng([self.seed, self.key])
            self.order = rng.permutation(self.num_samples)
        else:
            self.order = np.arange(self.num_samples)

    def __len__(self):
        return math.ceil(self.num_samples / (self.batch_size * self.num_shards))

    def __getitem__(self, index):
        size = self.batch_size * self.num_shards
        picked = self.order[index * size : (index + 1) * size]
        if len(picked) < size:
            # Top up from the epoch's start (cycling if one batch exceeds it).
            picked = np.resize(np.concatenate([picked, self.order]), size)
        picked = picked[self.shard * self.batch_size :][: self.batch_size]
        x = keras.tree.map_structure(lambda a: a[picked], self.x)
        if self.y is None:
            return (x,)
        return x, keras.tree.map_structure(lambda a: a[picked], self.y)

    def on_epoch_end(self):
        self.reorder(self.key + 1)


class EpochOrder(keras.callbacks.Callback):
    """Keys each epoch of a `FullBatches` by the model's steps done so far.

    The model's step count is saved with its weights, so a resumed run
    keys its first epoch as the uninterrupted run keyed that epoch.
    """

    def __init__(self, data):
        super().__init__()
        self.data = data

    def on_epoch_begin(self, epoch, logs=None):
        steps = keras.ops.convert_to_numpy(self.model.optimizer.iterations)
        self.data.reorder(int(steps))


def full_batches_or_none(x, y, fit_kwargs, seed=None):
    """A `FullBatches` for `fit(x, y, **fit_kwargs)`, or `None`.

    Returns `None` (leave the data to Keras) unless `x` and `y` are arrays
    (or tuples of arrays) of one length, with more samples than one batch,
    and no argument that needs Keras's array handling. Removes `batch_size`
    and `shuffle` from `fit_kwargs` when it returns a dataset; `seed` seeds
    its orders.
    """
    leaves = keras.tree.flatten(x) + ([] if y is None else keras.tree.flatten(y))
    if not leaves or not all(validation.is_array(a) for a in leaves):
        return None
    if any(fit_kwargs.get(name) is not None for name in _ARRAY_ONLY_ARGUMENTS):
        return None
    lengths = {a.shape[0] for a in leaves}
    batch_size = fit_kwargs.get("batch_size") or 32  # Keras's default
    if len(lengths) != 1:
        return None  # Keras reports the mismatch
    (num_samples,) = lengths
    shard, num_shards = backend.process_shard()
    if num_samples <= batch_size * num_shards:
        if num_shards > 1:
            raise ValueError(
                f"{num_shards} processes with `batch_size={batch_size}` each "
                f"need more than {batch_size * num_shards} samples. "
                f"Received: {num_samples} samples"
            )
        return None
    shuffle = fit_kwargs.pop("shuffle", True)
    fit_kwargs.pop("batch_size", None)
    # The dataset shuffles its samples; Keras would shuffle the batches'
    # order again with a generator of its own that no checkpoint keeps.
    fit_kwargs["shuffle"] = False
    if seed is None:
        seed = int(np.random.randint(2**31 - 1))
    return FullBatches(
        x,
        y,
        batch_size,
        shuffle=bool(shuffle),
        seed=backend.agree(seed),
        shard=shard,
        num_shards=num_shards,
    )


def _host(array):
    return np.asarray(keras.ops.convert_to_numpy(array))
