"""`ganzoo.backend.conv2d` and `conv2d_transpose` equal Keras's ops.

On JAX and PyTorch, maps of a few pixels take a matrix product of patches
(`jax_kernels`, `torch_kernels`), larger ones the framework's convolution
(on PyTorch with its own padding); on TensorFlow, Keras's ops themselves.
The cases cover both sides of each switch (16 pixels).
"""

import itertools

import keras
import numpy as np
import pytest

from ganzoo import backend

CASES = list(
    itertools.product(
        [(1, 1), (2, 2), (3, 3), (4, 4), (6, 5), (9, 9)],  # input height, width
        [3, 4],  # kernel
        [1, 2],  # stride
        ["same", "valid"],
    )
)


def _inputs(size, kernel, channels=3, filters=5, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((2, *size, channels)).astype("float32")
    w = rng.standard_normal((kernel, kernel, channels, filters)).astype("float32")
    return keras.ops.convert_to_tensor(x), keras.ops.convert_to_tensor(w)


def _assert_close(ours, theirs):
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(ours),
        keras.ops.convert_to_numpy(theirs),
        rtol=1e-5,
        atol=1e-5,
    )


@pytest.mark.parametrize("size, kernel, stride, padding", CASES)
def test_conv2d_equals_keras_conv(size, kernel, stride, padding):
    if padding == "valid" and min(size) < kernel:
        pytest.skip("no output")
    x, w = _inputs(size, kernel)
    ours = backend.conv2d(x, w, (stride, stride), padding)
    theirs = keras.ops.conv(x, w, strides=stride, padding=padding)
    _assert_close(ours, theirs)


# Each compiles two gradients: a few shapes on either side of the switch.
GRADIENT_CASES = [c for c in CASES if c[0] in [(2, 2), (3, 3), (6, 5)] and c[1] == 4]


@pytest.mark.skipif(keras.backend.backend() != "jax", reason="JAX's patch path")
@pytest.mark.parametrize("size, kernel, stride, padding", GRADIENT_CASES)
def test_jax_patch_convolution_and_its_gradients_equal_xla(
    size, kernel, stride, padding
):
    import jax

    from ganzoo.backend import jax_kernels

    if padding == "valid" and min(size) < kernel:
        pytest.skip("no output")
    x, w = _inputs(size, kernel)
    strides = (stride, stride)

    def total(convolve):
        def f(x, w):
            outputs = convolve(x, w)
            cotangent = np.arange(np.prod(outputs.shape)).reshape(outputs.shape)
            return (outputs * np.sin(cotangent)).sum()

        return jax.grad(f, argnums=(0, 1))(x, w)

    patches = total(lambda x, w: jax_kernels._patch_conv2d(x, w, strides, padding))
    xla = total(lambda x, w: keras.ops.conv(x, w, strides=strides, padding=padding))
    for ours, theirs in zip(patches, xla, strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-4)


@pytest.mark.skipif(keras.backend.backend() != "jax", reason="JAX's patch path")
def test_jax_takes_patches_for_small_outputs_only(monkeypatch):
    from ganzoo.backend import jax_kernels

    calls = []
    patch_conv2d = jax_kernels._patch_conv2d
    monkeypatch.setattr(
        jax_kernels,
        "_patch_conv2d",
        lambda *args: calls.append(args[0].shape) or patch_conv2d(*args),
    )
    small, _ = _inputs((8, 8), 4)  # 4x4 outputs at stride 2: 16 pixels
    large, w = _inputs((10, 10), 4)  # 5x5 outputs: 25
    backend.conv2d(small, w, (2, 2), "same")
    backend.conv2d(large, w, (2, 2), "same")
    assert calls == [small.shape]


@pytest.mark.parametrize("size, kernel, stride, padding", CASES)
def test_conv2d_transpose_equals_keras_conv_transpose(size, kernel, stride, padding):
    x, w = _inputs(size, kernel)
    w = keras.ops.transpose(w, (0, 1, 3, 2))  # (kh, kw, filters, channels)
    ours = backend.conv2d_transpose(x, w, (stride, stride), padding)
    theirs = keras.ops.conv_transpose(x, w, strides=stride, padding=padding)
    _assert_close(ours, theirs)
