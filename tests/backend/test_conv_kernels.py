"""`ganzoo.backend.conv2d` and `conv2d_transpose` equal Keras's ops.

On JAX and PyTorch, maps of a few pixels take a matrix product of patches
(`jax_kernels`, `torch_kernels`), larger ones the framework's convolution
(on PyTorch with its own padding); on TensorFlow, Keras's ops themselves.
The cases cover both sides of each switch (16 pixels). On JAX, stride-1
convolutions of many channels into few run their forward pass as shifted
sums (`FEW_FILTERS`); those cases cover both sides of that switch too. On
PyTorch, large kernels reach the convolution and their gradients come back
by two-dimensional transposes (`TRANSPOSED_COPY_MIN_ELEMENTS`).
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


def _assert_close(ours, theirs, atol=1e-5):
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(ours),
        keras.ops.convert_to_numpy(theirs),
        rtol=1e-5,
        atol=atol,
    )


@pytest.mark.parametrize("size, kernel, stride, padding", CASES)
def test_conv2d_equals_keras_conv(size, kernel, stride, padding):
    if padding == "valid" and min(size) < kernel:
        pytest.skip("no output")
    x, w = _inputs(size, kernel)
    ours = backend.conv2d(x, w, (stride, stride), padding)
    theirs = keras.ops.conv(x, w, strides=stride, padding=padding)
    _assert_close(ours, theirs)


FEW_FILTER_CASES = list(
    itertools.product(
        [(9, 9), (12, 10)],  # input height, width
        [3, 5, 7],  # kernel
        [(16, 1), (32, 3), (16, 16), (16, 17), (8, 3)],  # channels, filters
        ["same", "valid"],
    )
)


@pytest.mark.parametrize("size, kernel, channels_filters, padding", FEW_FILTER_CASES)
def test_conv2d_of_many_channels_into_few_equals_keras_conv(
    size, kernel, channels_filters, padding
):
    x, w = _inputs(size, kernel, *channels_filters)
    ours = backend.conv2d(x, w, (1, 1), padding)
    theirs = keras.ops.conv(x, w, strides=1, padding=padding)
    # Sums of up to 7 * 7 * 32 products of unit normals (outputs up to ~100).
    _assert_close(ours, theirs, atol=1e-4)


def _second_order_gradients(convolve, x, w):
    """Gradients of a loss on the outputs and their input gradient.

    A gradient penalty differentiates a convolution's input gradient again:
    this checks the first derivatives and, through them, the second.
    """
    import jax

    def loss(x, w):
        outputs = convolve(x, w)
        cotangent = np.sin(np.arange(np.prod(outputs.shape))).reshape(outputs.shape)
        penalty = jax.grad(lambda x: (convolve(x, w) * cotangent).sum())(x)
        return (outputs * cotangent).sum() + (penalty**2).sum()

    # One compiled program: eagerly, JAX compiles each operation apart.
    return jax.jit(jax.grad(loss, argnums=(0, 1)))(x, w)


@pytest.mark.skipif(keras.backend.backend() != "jax", reason="JAX's shifted sums")
@pytest.mark.parametrize("padding", ["same", "valid"])
def test_jax_shifted_sums_differentiate_as_xla_twice(padding):
    x, w = _inputs((9, 9), 7, channels=16, filters=3)
    ours = _second_order_gradients(
        lambda x, w: backend.conv2d(x, w, (1, 1), padding), x, w
    )
    xla = _second_order_gradients(
        lambda x, w: keras.ops.conv(x, w, strides=1, padding=padding), x, w
    )
    for a, b in zip(ours, xla, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-3)


def _record_calls(monkeypatch, name, what):
    """Wraps `jax_kernels.<name>`; returns the list of `what(*args)` per call."""
    from ganzoo.backend import jax_kernels

    calls = []
    original = getattr(jax_kernels, name)
    monkeypatch.setattr(
        jax_kernels, name, lambda *args: calls.append(what(*args)) or original(*args)
    )
    return calls


@pytest.mark.skipif(keras.backend.backend() != "jax", reason="JAX's shifted sums")
def test_jax_takes_shifted_sums_for_many_channels_into_few_only(monkeypatch):
    calls = _record_calls(monkeypatch, "_shifted_sums", lambda x, w: w.shape)
    for kernel_shape, strides in [
        ((5, 5, 16, 16), (1, 1)),  # taken
        ((5, 5, 16, 17), (1, 1)),  # too many filters
        ((5, 5, 8, 3), (1, 1)),  # too few channels
        ((3, 3, 16, 3), (1, 1)),  # too few taps
        ((5, 5, 16, 3), (2, 2)),  # strided
    ]:
        x, w = _inputs((12, 12), kernel_shape[0], *kernel_shape[2:])
        backend.conv2d(x, w, strides, "same")
    assert calls == [(5, 5, 16, 16)]


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

        return jax.jit(jax.grad(f, argnums=(0, 1)))(x, w)

    patches = total(lambda x, w: jax_kernels._patch_conv2d(x, w, strides, padding))
    xla = total(lambda x, w: keras.ops.conv(x, w, strides=strides, padding=padding))
    for ours, theirs in zip(patches, xla, strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-4)


@pytest.mark.skipif(keras.backend.backend() != "jax", reason="JAX's patch path")
def test_jax_takes_patches_for_small_outputs_only(monkeypatch):
    calls = _record_calls(monkeypatch, "_patch_conv2d", lambda x, *_: x.shape)
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


def _torch_second_order(convolve, x, w):
    """Outputs, and gradients of `_second_order_gradients`'s loss, on PyTorch."""
    import torch

    x = x.detach().clone().requires_grad_(True)
    w = w.detach().clone().requires_grad_(True)
    outputs = convolve(x, w)
    cotangent = torch.sin(torch.arange(outputs.numel(), dtype=outputs.dtype))
    weighted = (outputs * cotangent.reshape(outputs.shape)).sum()
    (penalty,) = torch.autograd.grad(weighted, x, create_graph=True)
    return (outputs, *torch.autograd.grad(weighted + (penalty**2).sum(), (x, w)))


def _record_kernel_layouts(monkeypatch):
    """Wraps `torch_kernels._KernelLayout.apply`; returns its kernels' shapes."""
    from ganzoo.backend import torch_kernels

    calls = []
    apply = torch_kernels._KernelLayout.apply
    monkeypatch.setattr(
        torch_kernels._KernelLayout,
        "apply",
        lambda kernel: calls.append(tuple(kernel.shape)) or apply(kernel),
    )
    return calls


@pytest.mark.skipif(keras.backend.backend() != "torch", reason="PyTorch's layouts")
@pytest.mark.parametrize("padding", ["same", "valid"])
@pytest.mark.parametrize("transpose", [False, True])
def test_torch_transposed_kernel_copies_differentiate_as_keras_twice(
    monkeypatch, transpose, padding
):
    from ganzoo.backend import torch_kernels

    monkeypatch.setattr(torch_kernels, "TRANSPOSED_COPY_MIN_ELEMENTS", 0)
    x, w = _inputs((11, 12), 3, channels=4, filters=5)  # not patches
    if transpose:
        ours = lambda x, w: backend.conv2d_transpose(x, w, (2, 2), padding)  # noqa: E731
        theirs = lambda x, w: keras.ops.conv_transpose(  # noqa: E731
            x, w, strides=2, padding=padding
        )
        w = keras.ops.transpose(w, (0, 1, 3, 2))[..., :4]
    else:
        ours = lambda x, w: backend.conv2d(x, w, (2, 2), padding)  # noqa: E731
        theirs = lambda x, w: keras.ops.conv(x, w, strides=2, padding=padding)  # noqa: E731
    calls = _record_kernel_layouts(monkeypatch)
    ours = _torch_second_order(ours, x, w)
    assert len(calls) == 1
    # The kernel's gradient comes back in Keras's layout, contiguous.
    assert ours[2].is_contiguous()
    for a, b in zip(ours, _torch_second_order(theirs, x, w), strict=True):
        _assert_close(a.detach(), b.detach(), atol=1e-4)


@pytest.mark.skipif(keras.backend.backend() != "torch", reason="PyTorch's layouts")
def test_torch_copies_only_large_kernels_by_transposes(monkeypatch):
    import torch

    from ganzoo.backend import torch_kernels

    calls = _record_kernel_layouts(monkeypatch)
    x, _ = _inputs((5, 5), 1, channels=512)
    limit = torch_kernels.TRANSPOSED_COPY_MIN_ELEMENTS  # 512 x 1024
    for filters in (limit // 512 - 1, limit // 512):
        w = torch.zeros((1, 1, 512, filters), requires_grad=True)
        backend.conv2d(x, w, (1, 1), "valid")
        with torch.no_grad():  # inference copies without the autograd function
            _assert_close(
                backend.conv2d(x, w, (1, 1), "valid"),
                keras.ops.conv(x, w, strides=1, padding="valid"),
            )
    assert calls == [(1, 1, 512, limit // 512)]
