"""The sub-pixel layers equal the Keras layers they extend.

`SubPixelConv2DTranspose` against `Conv2DTranspose` and `SubPixelConv2D`
against `Conv2D`: outputs, gradients and, for `SubPixelConv2D`, whose input
gradient is what it changes, the gradient of a gradient penalty.
"""

import itertools

import keras
import numpy as np
import pytest

from ganzoo.layers import SubPixelConv2D
from ganzoo.layers import SubPixelConv2DTranspose
from ganzoo.layers import subpixel

CASES = list(
    itertools.product([1, 2, 4], [3, 4, 5], ["same", "valid"], [(5, 7), (4, 4)])
)


# Without the regrouping, the layers compute with `ganzoo.backend.conv2d`
# and `conv2d_transpose`: PyTorch's own padding and cropping there, Keras's
# ops (the layers' own computation, not retested) on TensorFlow and JAX.
SUB_PIXEL = [
    True,
    pytest.param(
        False,
        marks=pytest.mark.skipif(
            keras.backend.backend() != "torch", reason="Keras's own computation"
        ),
    ),
]


def twin_layers(
    stride, kernel, padding, input_shape, seed=0, sub_pixel=True, filters=6
):
    """A Conv2DTranspose and a SubPixelConv2DTranspose with equal weights."""
    reference = keras.layers.Conv2DTranspose(
        filters, kernel, strides=stride, padding=padding
    )
    ours = SubPixelConv2DTranspose(
        filters, kernel, strides=stride, padding=padding, sub_pixel=sub_pixel
    )
    reference.build(input_shape)
    ours.build(input_shape)
    rng = np.random.default_rng(seed)
    weights = [
        rng.standard_normal(v.shape).astype("float32") for v in reference.weights
    ]
    reference.set_weights(weights)
    ours.set_weights(weights)
    return reference, ours


def gradients(layer, x, cotangent):
    """d sum(layer(x) * cotangent) / d(kernel, bias, x), on the active backend."""
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        x = tf.constant(x)
        with tf.GradientTape() as tape:
            tape.watch(x)
            total = tf.reduce_sum(layer(x) * cotangent)
        grads = tape.gradient(total, [layer.kernel.value, layer.bias.value, x])
    elif backend == "jax":
        import jax

        def total(weights, inputs):
            outputs, _ = layer.stateless_call(weights, [], inputs)
            return (outputs * cotangent).sum()

        weights = [v.value for v in layer.trainable_variables]
        # One compiled program: eagerly, JAX compiles each operation apart.
        (kernel, bias), inputs = jax.jit(jax.grad(total, argnums=(0, 1)))(weights, x)
        grads = [kernel, bias, inputs]
    else:
        import torch

        x = torch.tensor(x, requires_grad=True)
        total = (layer(x) * torch.tensor(cotangent)).sum()
        grads = torch.autograd.grad(total, [layer.kernel.value, layer.bias.value, x])
    return [keras.ops.convert_to_numpy(g) for g in grads]


def assert_same_outputs_and_gradients(reference, ours, x, atol, grad_atol, seed):
    """Equal outputs, and equal gradients for the kernel, bias and inputs."""
    expected = keras.ops.convert_to_numpy(reference(x))
    got = keras.ops.convert_to_numpy(ours(x))
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, atol=atol)
    cotangent = np.random.default_rng(seed).standard_normal(expected.shape)
    cotangent = cotangent.astype("float32")
    for name, a, b in zip(
        ["kernel", "bias", "inputs"],
        gradients(reference, x, cotangent),
        gradients(ours, x, cotangent),
        strict=True,
    ):
        np.testing.assert_allclose(b, a, atol=grad_atol, err_msg=name)


@pytest.mark.parametrize("sub_pixel", SUB_PIXEL)
@pytest.mark.parametrize("stride, kernel, padding, size", CASES)
def test_outputs_and_gradients_equal_conv2d_transpose(
    stride, kernel, padding, size, sub_pixel
):
    x = np.random.default_rng(1).standard_normal((2, *size, 3)).astype("float32")
    reference, ours = twin_layers(stride, kernel, padding, x.shape, sub_pixel=sub_pixel)
    assert_same_outputs_and_gradients(reference, ours, x, 1e-5, 1e-4, seed=2)


# Kernels that leave some phases fewer taps than others (one phase none at
# all for kernel 3, stride 4): with enough filters each phase is its own
# convolution.
UNEVEN = [(2, 5, "same"), (2, 3, "valid"), (3, 5, "same"), (4, 3, "same")]


@pytest.mark.parametrize("stride, kernel, padding", UNEVEN)
def test_per_phase_convolutions_equal_conv2d_transpose(stride, kernel, padding):
    filters = subpixel._PER_PHASE_MIN_FILTERS
    x = np.random.default_rng(11).standard_normal((2, 5, 4, 3)).astype("float32")
    reference, ours = twin_layers(stride, kernel, padding, x.shape, filters=filters)
    assert_same_outputs_and_gradients(reference, ours, x, 1e-4, 1e-3, seed=12)


def test_same_variables_and_saved_weights_as_conv2d_transpose(tmp_path):
    reference, ours = twin_layers(2, 4, "same", (1, 7, 7, 3))
    assert [v.path.split("/")[-1] for v in ours.weights] == ["kernel", "bias"]
    assert [v.shape for v in ours.weights] == [v.shape for v in reference.weights]
    inputs = keras.Input((7, 7, 3))
    model = keras.Model(inputs, ours(inputs))
    path = str(tmp_path / "model.keras")
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert type(loaded.layers[-1]) is SubPixelConv2DTranspose
    assert loaded.layers[-1].sub_pixel is True
    x = np.ones((1, 7, 7, 3), "float32")
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(loaded(x)),
        keras.ops.convert_to_numpy(reference(x)),
        atol=1e-5,
    )


def test_other_settings_fall_back_to_conv2d_transpose():
    layer = SubPixelConv2DTranspose(4, 3, strides=2, output_padding=1, sub_pixel=True)
    reference = keras.layers.Conv2DTranspose(4, 3, strides=2, output_padding=1)
    x = np.random.default_rng(3).standard_normal((1, 5, 5, 2)).astype("float32")
    layer.build(x.shape)
    reference.build(x.shape)
    reference.set_weights(layer.get_weights())
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(layer(x)),
        keras.ops.convert_to_numpy(reference(x)),
        atol=1e-5,
    )


@pytest.mark.parametrize("cls", [SubPixelConv2DTranspose, SubPixelConv2D])
def test_auto_takes_the_sub_pixel_path_on_jax_only(cls):
    layer = cls(4, 4, strides=2, padding="same")
    planned = subpixel._takes_sub_pixel_path(layer, (None, 7, 7, 3))
    assert planned == (keras.backend.backend() == "jax")
    assert subpixel._takes_sub_pixel_path(layer, (None, None, 7, 3)) is False
    with pytest.raises(ValueError, match="sub_pixel"):
        cls(4, 4, sub_pixel="yes")


def test_weights_saved_with_conv2d_transpose_load(tmp_path):
    """Weights files address layers by class name; ours answers to the same."""

    def generator(layer_class):
        inputs = keras.Input((7, 7, 3))
        x = layer_class(4, 4, strides=2, padding="same", name="up")(inputs)
        return keras.Model(inputs, layer_class(2, 3, padding="same", name="out")(x))

    plain = generator(keras.layers.Conv2DTranspose)
    path = str(tmp_path / "plain.weights.h5")
    plain.save_weights(path)
    ours = generator(SubPixelConv2DTranspose)
    ours.load_weights(path)
    x = np.random.default_rng(4).standard_normal((2, 7, 7, 3)).astype("float32")
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(ours(x)),
        keras.ops.convert_to_numpy(plain(x)),
        atol=1e-5,
    )


# (9, 8): an odd and an even side, so "same" pads both ways.
CONV_CASES = list(itertools.product([1, 2, 3], [3, 4, 5], ["same", "valid"]))


def twin_convolutions(stride, kernel, padding, input_shape, sub_pixel=True):
    """A Conv2D and a SubPixelConv2D with equal weights."""
    reference = keras.layers.Conv2D(5, kernel, strides=stride, padding=padding)
    ours = SubPixelConv2D(
        5, kernel, strides=stride, padding=padding, sub_pixel=sub_pixel
    )
    reference.build(input_shape)
    ours.build(input_shape)
    rng = np.random.default_rng(5)
    weights = [
        rng.standard_normal(v.shape).astype("float32") for v in reference.weights
    ]
    reference.set_weights(weights)
    ours.set_weights(weights)
    return reference, ours


def penalty_gradients(layer, x):
    """d/d(kernel, bias) of sum(g**2) with g = d sum(tanh(layer(x))) / dx.

    The shape of WGAN-GP's penalty: the input gradient differentiated again.
    """
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        x = tf.constant(x)
        with tf.GradientTape() as outer:
            with tf.GradientTape() as inner:
                inner.watch(x)
                total = tf.reduce_sum(tf.tanh(layer(x)))
            penalty = tf.reduce_sum(tf.square(inner.gradient(total, x)))
        grads = outer.gradient(penalty, [layer.kernel.value, layer.bias.value])
    elif backend == "jax":
        import jax

        def penalty(weights):
            def total(inputs):
                outputs, _ = layer.stateless_call(weights, [], inputs)
                return jax.numpy.tanh(outputs).sum()

            return (jax.grad(total)(x) ** 2).sum()

        grads = jax.jit(jax.grad(penalty))([v.value for v in layer.trainable_variables])
    else:
        import torch

        x = torch.tensor(x, requires_grad=True)
        total = torch.tanh(layer(x)).sum()
        (g,) = torch.autograd.grad(total, x, create_graph=True)
        grads = torch.autograd.grad(
            (g**2).sum(), [layer.kernel.value, layer.bias.value]
        )
    return [keras.ops.convert_to_numpy(g) for g in grads]


@pytest.mark.parametrize("sub_pixel", SUB_PIXEL)
@pytest.mark.parametrize("stride, kernel, padding", CONV_CASES)
def test_conv2d_outputs_gradients_and_penalty_gradients_equal(
    stride, kernel, padding, sub_pixel
):
    if stride == 1 and sub_pixel and keras.backend.backend() == "jax":
        pytest.skip("stride 1 computes as with sub_pixel=False")
    x = np.random.default_rng(6).standard_normal((2, 9, 8, 3)).astype("float32")
    reference, ours = twin_convolutions(
        stride, kernel, padding, x.shape, sub_pixel=sub_pixel
    )
    assert_same_outputs_and_gradients(reference, ours, x, 1e-5, 1e-4, seed=7)
    for name, a, b in zip(
        ["kernel", "bias"],
        penalty_gradients(reference, x),
        penalty_gradients(ours, x),
        strict=True,
    ):
        np.testing.assert_allclose(b, a, rtol=1e-4, atol=1e-3, err_msg=name)


@pytest.mark.parametrize("channels", [3, 32])
@pytest.mark.parametrize("stride, kernel, padding", CONV_CASES)
def test_regrouped_input_gradient_equals_the_backends_own(
    stride, kernel, padding, channels
):
    """The sub-pixel input gradient, computed directly, on every backend.

    With 32 input channels (the transposed convolution's filters), kernels
    that give the phases uneven taps take one convolution per phase.
    """
    size = (9, 8)
    x = np.random.default_rng(8).standard_normal((2, *size, channels))
    x = x.astype("float32")
    reference, _ = twin_convolutions(stride, kernel, padding, x.shape)
    output = keras.ops.convert_to_numpy(reference(x))
    cotangent = np.random.default_rng(9).standard_normal(output.shape)
    cotangent = cotangent.astype("float32")
    expected = gradients(reference, x, cotangent)[2]
    plans = [
        subpixel._input_gradient_plan(o, kernel, stride, padding, n)
        for o, n in zip(output.shape[1:3], size, strict=True)
    ]
    got = subpixel._transpose(
        keras.ops.convert_to_tensor(cotangent),
        keras.ops.convert_to_tensor(reference.get_weights()[0]),
        plans,
        (stride, stride),
    )
    np.testing.assert_allclose(keras.ops.convert_to_numpy(got), expected, atol=1e-4)


def test_conv2d_weights_files_and_saving(tmp_path):
    """Weights saved with `Conv2D` load into `SubPixelConv2D`; `.keras` keeps it."""

    def critic(layer_class):
        inputs = keras.Input((8, 8, 3))
        x = layer_class(4, 5, strides=2, padding="same", name="down")(inputs)
        return keras.Model(inputs, layer_class(2, 3, name="out")(x))

    plain = critic(keras.layers.Conv2D)
    plain.save_weights(str(tmp_path / "plain.weights.h5"))
    ours = critic(SubPixelConv2D)
    ours.load_weights(str(tmp_path / "plain.weights.h5"))
    x = np.random.default_rng(10).standard_normal((2, 8, 8, 3)).astype("float32")
    expected = keras.ops.convert_to_numpy(plain(x))
    np.testing.assert_allclose(keras.ops.convert_to_numpy(ours(x)), expected, atol=1e-5)
    ours.save(str(tmp_path / "ours.keras"))
    loaded = keras.saving.load_model(str(tmp_path / "ours.keras"))
    assert type(loaded.get_layer("down")) is SubPixelConv2D
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(loaded(x)), expected, atol=1e-5
    )
