"""A tiny stand-in for the FID Inception network, with the same contract.

Takes float32 `(n, 299, 299, 3)` images (resized, scaled to about [-1, 1])
and returns `{"pool": (n, pool_dim), "logits": (n, 1008)}` in milliseconds,
so the metric pipeline can be tested without the real network or weights.
`pool_dim` is 2048 in the real network; tests that take a Fréchet distance
use fewer dimensions, since the eigendecompositions of 2048x2048
covariances take many seconds on a busy CPU.
"""

import keras


def stand_in_network(pool_dim=64, seed=0):
    inputs = keras.Input((299, 299, 3))
    x = keras.layers.AveragePooling2D(23)(inputs)
    x = keras.layers.Flatten()(x)
    pool = keras.layers.Dense(
        pool_dim,
        activation="relu",
        kernel_initializer=keras.initializers.GlorotUniform(seed),
        bias_initializer=keras.initializers.Constant(0.1),
    )(x)
    logits = keras.layers.Dense(
        1008, kernel_initializer=keras.initializers.GlorotUniform(seed + 1)
    )(pool)
    return keras.Model(inputs, {"pool": pool, "logits": logits})
