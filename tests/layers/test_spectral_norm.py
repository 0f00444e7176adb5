"""SpectralNorm: the normalised kernel's top singular value, state, saving."""

import os

import keras
import numpy as np
import pytest

from ganzoo.layers import SpectralNorm
from tests.testing import other_backends
from tests.testing import run_in_backend


def _top_singular_value(layer):
    matrix = keras.ops.convert_to_numpy(layer.kernel_matrix())
    return np.linalg.svd(matrix, compute_uv=False)[0]


@pytest.mark.parametrize(
    "make_layer, input_shape",
    [
        (lambda: keras.layers.Dense(7), (5, 12)),
        (lambda: keras.layers.Conv2D(6, 3, strides=2), (2, 9, 9, 4)),
        (lambda: keras.layers.Conv2DTranspose(5, 4, strides=2), (2, 5, 5, 3)),
    ],
    ids=["dense", "conv2d", "conv2d_transpose"],
)
def test_power_iteration_normalises_the_top_singular_value(make_layer, input_shape):
    keras.utils.set_random_seed(0)
    layer = SpectralNorm(make_layer())
    x = np.random.default_rng(0).normal(size=input_shape).astype("float32")
    layer(x)
    sigma_before = float(
        keras.ops.convert_to_numpy(layer.power_iteration(layer.kernel_matrix())[0])
    )
    # Power iteration converges like (sigma_2 / sigma_1)^(2 k): close top
    # singular values need many steps.
    for _ in range(200):
        layer(x, training=True)
    sigma = float(
        keras.ops.convert_to_numpy(layer.power_iteration(layer.kernel_matrix())[0])
    )
    top = _top_singular_value(layer)
    assert abs(sigma / top - 1) < 0.01
    assert abs(sigma_before / top - 1) > abs(sigma / top - 1)  # the iteration converged
    # The layer's output is the wrapped layer's with W / sigma.
    inner = layer.layer
    plain = keras.ops.convert_to_numpy(inner(x))
    bias = keras.ops.convert_to_numpy(inner.bias)
    normalised = keras.ops.convert_to_numpy(layer(x))
    np.testing.assert_allclose(normalised, (plain - bias) / sigma + bias, atol=1e-5)
    # Scaled by its own sigma, the kernel's top singular value is 1.
    assert abs(top / sigma - 1) < 0.01


def test_u_moves_only_in_training():
    layer = SpectralNorm(keras.layers.Dense(4))
    x = np.ones((2, 3), "float32")
    layer(x)
    u = keras.ops.convert_to_numpy(layer.u).copy()
    layer(x, training=False)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(layer.u), u)
    layer(x, training=True)
    assert not np.array_equal(keras.ops.convert_to_numpy(layer.u), u)
    assert not layer.u.trainable


def test_rejects_nonlinear_activation_and_layers_without_kernel():
    with pytest.raises(ValueError, match="linear activation"):
        SpectralNorm(keras.layers.Dense(4, activation="relu"))
    with pytest.raises(ValueError, match="kernel"):
        SpectralNorm(keras.layers.Dropout(0.5))(np.ones((1, 2), "float32"))
    with pytest.raises(ValueError, match="power_iterations"):
        SpectralNorm(keras.layers.Dense(4), power_iterations=0)


def test_same_outputs_and_state_on_every_backend(tmp_path):
    model = _model()
    path = os.path.join(tmp_path, "sn.keras")
    model.save(path)
    here = _outputs_and_u(model)
    for other in other_backends():
        there = run_in_backend(other, _SCRIPT, path)
        for name in here:
            np.testing.assert_allclose(there[name], here[name], atol=1e-5)


def _model():
    inputs = keras.Input((6, 6, 2))
    x = SpectralNorm(keras.layers.Conv2D(3, 3, name="conv"), name="conv_sn")(inputs)
    x = keras.layers.Flatten()(x)
    outputs = SpectralNorm(keras.layers.Dense(2, name="dense"), name="dense_sn")(x)
    return keras.Model(inputs, outputs)


def _outputs_and_u(model):
    x = np.linspace(-1, 1, 2 * 6 * 6 * 2, dtype="float32").reshape((2, 6, 6, 2))
    training = model(x, training=True)
    inference = model(x, training=False)
    result = {
        "training": keras.ops.convert_to_numpy(training).tolist(),
        "inference": keras.ops.convert_to_numpy(inference).tolist(),
    }
    for name in ("conv_sn", "dense_sn"):
        result[name] = keras.ops.convert_to_numpy(model.get_layer(name).u).tolist()
    return result


_SCRIPT = """
import json, sys
import keras
import ganzoo
from tests.layers.test_spectral_norm import _outputs_and_u
print(json.dumps(_outputs_and_u(keras.saving.load_model(sys.argv[1]))))
"""
