"""`SeededDropout`: Keras's Dropout, its masks reproducible from the seed."""

import keras
import numpy as np
import pytest

from ganzoo import backend
from ganzoo.layers import SeededDropout
from ganzoo.layers.dropout import seeded_dropout

SHAPE = (64, 14, 14, 16)


def inputs():
    return np.random.default_rng(0).uniform(0.5, 2.0, SHAPE).astype("float32")


def masks(layer, x, calls):
    """Each call's output divided by its input: 0 or 1 / keep."""
    return [
        keras.ops.convert_to_numpy(layer(x, training=True)) / x for _ in range(calls)
    ]


def test_inference_passes_inputs_through():
    x = inputs()
    out = SeededDropout(0.3, seed=1)(x, training=False)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(out), x)


@pytest.mark.parametrize("rate", [0.3, 0.5])
def test_training_drops_the_rate_and_scales_the_rest(rate):
    x = inputs()
    (scaled,) = masks(SeededDropout(rate, seed=1), x, 1)
    kept = scaled != 0
    np.testing.assert_allclose(scaled[kept], 1.0 / (1.0 - rate), rtol=1e-6)
    # 200,704 units: the dropped fraction's standard deviation is about 0.001.
    assert abs(1.0 - kept.mean() - rate) < 0.005, kept.mean()


def test_masks_follow_the_seed_and_change_from_call_to_call():
    x = inputs()
    first, second = masks(SeededDropout(0.3, seed=7), x, 2)
    again, _ = masks(SeededDropout(0.3, seed=7), x, 2)
    other, _ = masks(SeededDropout(0.3, seed=8), x, 2)
    np.testing.assert_array_equal(first, again)
    assert (first != second).mean() > 0.2
    assert (first != other).mean() > 0.2


def test_a_restored_seed_state_draws_the_same_masks():
    x = inputs()
    layer = SeededDropout(0.3, seed=3)
    masks(layer, x, 2)
    state = keras.ops.convert_to_numpy(layer.seed_generator.state)
    expected = masks(layer, x, 2)
    layer.seed_generator.state.assign(state)
    np.testing.assert_array_equal(masks(layer, x, 2), expected)


def test_config_round_trip_and_the_weights_name():
    layer = seeded_dropout(0.25, "drop")
    restored = keras.saving.deserialize_keras_object(
        keras.saving.serialize_keras_object(layer)
    )
    assert isinstance(restored, SeededDropout)
    assert (restored.rate, restored.seed, restored.name) == (0.25, layer.seed, "drop")
    # Weights files address layers by class name: Dropout's, as before.
    assert type(layer).__name__ == "Dropout"


def kernel_output_and_gradient(x, rate, generator):
    """`backend.dropout`'s output and the gradient of its sum, as NumPy."""
    if keras.backend.backend() == "torch":
        import torch

        x = torch.tensor(x, requires_grad=True)
        out = backend.dropout(x, rate, generator)
        (grad,) = torch.autograd.grad(out.sum(), [x])
        return out.detach().numpy(), grad.numpy()
    import jax

    state = keras.ops.convert_to_numpy(generator.state)
    out = backend.dropout(x, rate, generator)
    generator.state.assign(state)  # the same mask again, differentiated
    grad = jax.grad(lambda v: backend.dropout(v, rate, generator).sum())(x)
    return np.asarray(out), np.asarray(grad)


@pytest.mark.skipif(
    keras.backend.backend() == "tensorflow", reason="TensorFlow keeps Keras's dropout"
)
def test_own_kernel_is_used_and_differentiates_to_its_mask():
    x = inputs()
    generator = keras.random.SeedGenerator(5)
    out, grad = kernel_output_and_gradient(x, 0.3, generator)
    np.testing.assert_allclose(grad, out / x, rtol=1e-6)
    assert abs((out == 0).mean() - 0.3) < 0.005


@pytest.mark.skipif(keras.backend.backend() != "jax", reason="JAX's 16-bit draws")
@pytest.mark.parametrize("rate", [1e-6, 1 - 1e-6])
def test_jax_leaves_rates_finer_than_its_draws_to_keras(rate):
    x = inputs()
    assert backend.dropout(x, rate, keras.random.SeedGenerator(5)) is None
    out = SeededDropout(rate, seed=1)(x, training=True)
    assert np.isfinite(keras.ops.convert_to_numpy(out)).all()
