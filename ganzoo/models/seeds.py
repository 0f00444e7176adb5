"""The seed generator of a model's training noise, independent per replica."""

import keras
from keras import ops

from ganzoo import backend

# Seeds of different replicas lie this far apart.
_REPLICA_STRIDE = 1_000_003


class ReplicaSeedGenerator(keras.random.SeedGenerator):
    """A `keras.random.SeedGenerator` whose draws differ between replicas.

    Under `tf.distribute` (MirroredStrategy, say) every replica runs the
    training step with the same generator state, so plain draws would give
    every replica the same noise. This generator shifts each seed by the
    replica's index (0 outside a distribution strategy, and under JAX's
    `keras.distribution`, which draws one global batch of noise and shards
    it), so each replica's noise is its own.
    """

    def next(self, ordered=True):
        seed = super().next(ordered=ordered)
        replica = backend.replica_id()
        if isinstance(replica, int) and replica == 0:
            return seed
        shift = ops.cast(ops.stack([replica * _REPLICA_STRIDE, 0]), seed.dtype)
        return seed + shift
