"""`FusedBatchNormalization` equals `BatchNormalization` on every backend."""

import keras
import numpy as np
import pytest

from ganzoo.layers import FusedBatchNormalization
from tests.testing import dtype_policy


def twin_layers(shape, **kwargs):
    """A BatchNormalization and a FusedBatchNormalization with equal weights."""
    reference = keras.layers.BatchNormalization(**kwargs)
    ours = FusedBatchNormalization(**kwargs)
    reference.build(shape)
    ours.build(shape)
    rng = np.random.default_rng(0)
    weights = [
        rng.uniform(0.5, 1.5, v.shape).astype("float32") for v in reference.weights
    ]
    reference.set_weights(weights)
    ours.set_weights(weights)
    return reference, ours


def training_gradients(layer, x, cotangent):
    """d sum(layer(x, training=True) * cotangent) / d(x, trainable weights)."""
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        x = tf.constant(x)
        with tf.GradientTape() as tape:
            tape.watch(x)
            total = tf.reduce_sum(layer(x, training=True) * cotangent)
        return tape.gradient(total, [x] + [v.value for v in layer.trainable_weights])
    if backend == "jax":
        import jax

        def total(x, weights):
            outputs, _ = layer.stateless_call(
                weights,
                [v.value for v in layer.non_trainable_weights],
                x,
                training=True,
            )
            return (outputs * cotangent).sum()

        grads = jax.grad(total, argnums=(0, 1))(
            x, [v.value for v in layer.trainable_weights]
        )
        return [grads[0], *grads[1]]
    import torch

    x = torch.tensor(x, requires_grad=True)
    total = (layer(x, training=True) * torch.tensor(cotangent)).sum()
    return torch.autograd.grad(total, [x] + [v.value for v in layer.trainable_weights])


def numpy(values):
    return [keras.ops.convert_to_numpy(v) for v in values]


@pytest.mark.parametrize(
    "shape, kwargs",
    [
        ((4, 5, 6, 3), {}),
        ((4, 5, 6, 3), {"momentum": 0.9, "epsilon": 1e-5}),
        ((8, 7), {"epsilon": 0.8}),
        ((4, 3, 5, 6), {"axis": 1}),
        ((4, 5, 6, 3), {"center": False, "scale": False}),
    ],
)
def test_training_outputs_gradients_and_moving_statistics(shape, kwargs):
    x = np.random.default_rng(1).standard_normal(shape).astype("float32") * 3 + 1
    reference, ours = twin_layers(shape, **kwargs)
    for layer in (reference, ours):
        layer(x, training=True)
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(ours(x, training=True)),
        keras.ops.convert_to_numpy(reference(x, training=True)),
        atol=1e-4,
    )
    np.testing.assert_allclose(
        numpy(ours.non_trainable_weights),
        numpy(reference.non_trainable_weights),
        rtol=1e-5,
        atol=1e-6,
    )
    cotangent = np.random.default_rng(2).standard_normal(shape).astype("float32")
    for a, b in zip(
        numpy(training_gradients(reference, x, cotangent)),
        numpy(training_gradients(ours, x, cotangent)),
        strict=True,
    ):
        np.testing.assert_allclose(b, a, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(ours(x, training=False)),
        keras.ops.convert_to_numpy(reference(x, training=False)),
        atol=1e-5,
    )


def test_a_cropped_view_of_a_convolution_output():
    """The layouts convolutions return on PyTorch (permuted, cropped views)."""
    images = np.random.default_rng(3).standard_normal((2, 7, 7, 4)).astype("float32")
    up = keras.layers.Conv2DTranspose(3, 5, strides=2, padding="same")
    x = up(images)
    reference, ours = twin_layers(x.shape)
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(ours(x, training=True)),
        keras.ops.convert_to_numpy(reference(x, training=True)),
        atol=1e-4,
    )


def test_mixed_precision_and_masks_match():
    x = np.random.default_rng(4).standard_normal((4, 5, 3)).astype("float32")
    with dtype_policy("mixed_bfloat16"):
        reference, ours = twin_layers(x.shape)
        got = ours(x, training=True)
        assert keras.backend.standardize_dtype(got.dtype) == "bfloat16"
        np.testing.assert_allclose(
            keras.ops.convert_to_numpy(keras.ops.cast(got, "float32")),
            keras.ops.convert_to_numpy(
                keras.ops.cast(reference(x, training=True), "float32")
            ),
            atol=2e-2,
        )
    mask = np.array([[1, 1, 0, 1, 0]] * 4, dtype="bool")
    reference, ours = twin_layers(x.shape)
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(ours(x, training=True, mask=mask)),
        keras.ops.convert_to_numpy(reference(x, training=True, mask=mask)),
        atol=1e-5,
    )


def test_weights_files_and_saving(tmp_path):
    """Weights saved with `BatchNormalization` load; `.keras` keeps the class."""

    def network(layer_class):
        inputs = keras.Input((6, 6, 3))
        return keras.Model(inputs, layer_class(name="bn")(inputs))

    plain = network(keras.layers.BatchNormalization)
    plain.layers[-1].set_weights([np.full((3,), v, "float32") for v in (2, 1, 3, 4)])
    plain.save_weights(str(tmp_path / "plain.weights.h5"))
    ours = network(FusedBatchNormalization)
    ours.load_weights(str(tmp_path / "plain.weights.h5"))
    np.testing.assert_allclose(
        numpy(ours.layers[-1].weights), numpy(plain.layers[-1].weights)
    )
    ours.save(str(tmp_path / "ours.keras"))
    loaded = keras.saving.load_model(str(tmp_path / "ours.keras"))
    assert type(loaded.get_layer("bn")) is FusedBatchNormalization
