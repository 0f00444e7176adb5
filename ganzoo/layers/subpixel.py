"""Transposed convolutions computed as stride-1 convolutions ("sub-pixel").

A transposed convolution with stride `s` equals `s * s` ordinary stride-1
convolutions of the input, one per output phase, whose outputs are
interleaved (the sub-pixel convolution of Shi et al., 2016). Computed that
way, both the forward pass and the gradients are those of one ordinary
convolution, which every backend runs fast; XLA on the CPU, for one,
differentiates a strided transposed convolution 20 to 50 times more slowly
than the convolution it transposes.

Two layers use it, with the same variables, weights files and outputs as
the Keras layers they extend:

- `SubPixelConv2DTranspose`, for upsampling generators: its forward pass.
- `SubPixelConv2D`, for critics whose input gradient is differentiated
  again (a gradient penalty): the input gradient of a strided convolution
  is a transposed convolution.

TensorFlow's and PyTorch's own kernels are faster than the regrouped ones
on the CPU, so by default only JAX takes these paths. Elsewhere both layers
compute through `ganzoo.backend.conv2d` and `conv2d_transpose`: Keras's ops
on TensorFlow, and on PyTorch its own convolutions with less padding and
cropping than Keras's torch backend does for TensorFlow's "same".
"""

import keras
import numpy as np
from keras import layers
from keras import ops

from ganzoo import backend


def _axis_plan(size, kernel, stride, before, length):
    """How one spatial axis of a transposed convolution is computed.

    Output position `t = stride * q + r` (phase `r`) is the sum over the
    kernel taps `m` and inputs `i` with `stride * i + m = t + before`, where
    `before` is what is cropped from the start of the full transposed
    output and `length` the output's length. For each phase this is a
    correlation of the input with some of the taps at offsets `o = i - q`.

    Returns:
        `(taps, low, count, length)`: `taps[o - low, r]` is the kernel tap
        phase `r` applies at offset `o` (-1 for none), `low` the smallest
        offset, `count` the number of positions `q` computed per phase, and
        `length` the output's length.
    """
    count = -(-length // stride)
    pairs = []  # (phase, offset, tap)
    for r in range(stride):
        c, d = divmod(r + before, stride)[::-1]
        for j in range(-(-(kernel - c) // stride) if c < kernel else 0):
            pairs.append((r, d - j, stride * j + c))
    offsets = [o for _, o, _ in pairs]
    low, high = min(offsets), max(offsets)
    taps = np.full((high - low + 1, stride), -1, dtype="int64")
    for r, o, m in pairs:
        taps[o - low, r] = m
    return taps, low, count, length


def _transposed_plan(size, kernel, stride, padding):
    """The axis plan of `Conv2DTranspose` (no `output_padding`)."""
    if padding == "same":
        length = size * stride
        before = max(kernel - stride, 0) // 2
    else:
        length = size * stride + max(kernel - stride, 0)
        before = 0
    return _axis_plan(size, kernel, stride, before, length)


def _input_gradient_plan(size, kernel, stride, padding, input_size):
    """The axis plan of a `Conv2D`'s input gradient.

    `size` is the convolution's output length, `input_size` its input's: the
    gradient crops what "same" padding added before the input (TensorFlow's
    rule: the smaller half of the total) and has the input's length.
    """
    before = 0
    if padding == "same":
        total = max((size - 1) * stride + kernel - input_size, 0)
        before = total // 2
    return _axis_plan(size, kernel, stride, before, input_size)


def _pad_or_crop(x, axis, before, after):
    """Pads (positive amounts) or crops (negative) `x` along `axis`."""
    if before < 0 or after < 0:
        start, stop = max(-before, 0), x.shape[axis] - max(-after, 0)
        index = [slice(None)] * len(x.shape)
        index[axis] = slice(start, stop)
        x = x[tuple(index)]
        before, after = max(before, 0), max(after, 0)
    if before or after:
        widths = [(0, 0)] * len(x.shape)
        widths[axis] = (before, after)
        x = ops.pad(x, widths)
    return x


# Below this many filters, XLA:CPU differentiates four small convolutions
# more slowly than one with zero taps (DCGAN's 1-channel output layer: 54
# against 18 ms forward and backward; its 64-channel one: 59 against 79).
_PER_PHASE_MIN_FILTERS = 32


def _shifted(inputs, low, taps, count, axis):
    """`inputs` padded or cropped along `axis` for a correlation over `taps`
    offsets from `low` to give `count` positions."""
    return _pad_or_crop(inputs, axis, -low, count - 1 + low + taps - inputs.shape[axis])


def _transpose(inputs, kernel, plans, strides):
    """A transposed convolution of channels-last `inputs`, without bias.

    `kernel` has `Conv2DTranspose`'s layout, `(kh, kw, filters,
    in_channels)` (which is also the layout of the `Conv2D` whose input
    gradient this computes); `plans` are the two axes' `_axis_plan`s.

    When every phase uses as many taps (a kernel size divisible by the
    stride), or for few filters, the phases are one stride-1 convolution
    with `stride * stride * filters` outputs, some of whose taps are zeros.
    Otherwise each phase is its own convolution with only its taps, so that
    no multiply-add goes to a zero tap (for kernel 5 and stride 2, 25 taps
    instead of 36).
    """
    (taps_y, low_y, count_y, length_y), (taps_x, low_x, count_x, length_x) = plans
    stride_y, stride_x = strides
    kh, kw, filters, channels = kernel.shape
    flat = ops.reshape(kernel, (kh * kw, filters, channels))

    every_tap_used = np.all(taps_y >= 0) and np.all(taps_x >= 0)
    if every_tap_used or filters < _PER_PHASE_MIN_FILTERS:
        # Tap (ly, lx) of phase (ry, rx) is the kernel's (taps_y[ly, ry],
        # taps_x[lx, rx]), or zero (index kh * kw): one kernel with every
        # phase's filters.
        ty, tx = taps_y[:, None, :, None], taps_x[None, :, None, :]
        gather = np.where((ty >= 0) & (tx >= 0), ty * kw + tx, kh * kw)
        padded = ops.concatenate([flat, ops.zeros_like(flat[:1])], axis=0)
        regrouped = ops.take(padded, gather.reshape(-1), axis=0)
        regrouped = ops.reshape(
            regrouped, gather.shape + (filters, channels)
        )  # (ly, lx, ry, rx, filters, channels)
        regrouped = ops.transpose(regrouped, (0, 1, 5, 2, 3, 4))
        regrouped = ops.reshape(
            regrouped, (taps_y.shape[0], taps_x.shape[0], channels, -1)
        )
        x = _shifted(inputs, low_y, taps_y.shape[0], count_y, 1)
        x = _shifted(x, low_x, taps_x.shape[0], count_x, 2)
        phases = backend.conv2d(x, ops.cast(regrouped, x.dtype), (1, 1), "valid")
        batch = ops.shape(phases)[0]
        phases = ops.reshape(
            phases, (batch, count_y, count_x, stride_y, stride_x, filters)
        )
    else:
        rows = []
        for ry in range(stride_y):
            (used_y,) = np.nonzero(taps_y[:, ry] >= 0)
            row = []
            for rx in range(stride_x):
                (used_x,) = np.nonzero(taps_x[:, rx] >= 0)
                if not len(used_y) or not len(used_x):
                    row.append(None)  # no tap reaches this phase: zeros
                    continue
                gather = taps_y[used_y, ry][:, None] * kw + taps_x[used_x, rx][None, :]
                phase_kernel = ops.take(flat, gather.reshape(-1), axis=0)
                phase_kernel = ops.reshape(
                    phase_kernel, gather.shape + (filters, channels)
                )
                phase_kernel = ops.transpose(phase_kernel, (0, 1, 3, 2))
                x = _shifted(inputs, low_y + used_y[0], len(used_y), count_y, 1)
                x = _shifted(x, low_x + used_x[0], len(used_x), count_x, 2)
                row.append(
                    backend.conv2d(x, ops.cast(phase_kernel, x.dtype), (1, 1), "valid")
                )
            rows.append(row)
        shape = next(p for row in rows for p in row if p is not None).shape
        zeros = ops.zeros((ops.shape(inputs)[0],) + tuple(shape[1:]), inputs.dtype)
        phases = ops.stack(
            [
                ops.stack([zeros if p is None else p for p in row], axis=3)
                for row in rows
            ],
            axis=3,
        )  # (b, qy, qx, ry, rx, f)
        batch = ops.shape(phases)[0]

    # Depth to space: (b, qy, qx, ry, rx, f) -> (b, qy * sy, qx * sx, f).
    phases = ops.transpose(phases, (0, 1, 3, 2, 4, 5))
    outputs = ops.reshape(
        phases, (batch, count_y * stride_y, count_x * stride_x, filters)
    )
    return outputs[:, :length_y, :length_x, :]


class _SubPixelOption:
    """The `sub_pixel` argument of both layers below, checked and saved."""

    def __init__(self, *args, sub_pixel="auto", **kwargs):
        super().__init__(*args, **kwargs)
        if sub_pixel not in ("auto", True, False):
            raise ValueError(
                "`sub_pixel` must be 'auto', True or False. "
                f"Received: sub_pixel={sub_pixel!r}"
            )
        self.sub_pixel = sub_pixel

    def get_config(self):
        return {**super().get_config(), "sub_pixel": self.sub_pixel}


def _is_plain(layer):
    """Whether `layer` (either class below) takes ganzoo's own computation:
    channels-last, no dilation, no `output_padding`. Others are left to the
    Keras layer it extends."""
    return (
        layer.data_format == "channels_last"
        and tuple(layer.dilation_rate) == (1, 1)
        and getattr(layer, "output_padding", None) is None
    )


def _takes_sub_pixel_path(layer, input_shape):
    """Whether `layer` (either class below) computes the regrouped way."""
    wanted = layer.sub_pixel
    if wanted == "auto":
        wanted = keras.backend.backend() == "jax"
    return bool(
        wanted
        and _is_plain(layer)
        and input_shape[1] is not None
        and input_shape[2] is not None
    )


def _bias_and_activation(layer, outputs):
    if layer.use_bias:
        outputs = ops.add(outputs, ops.cast(layer.bias, outputs.dtype))
    if layer.activation is not None:
        outputs = layer.activation(outputs)
    return outputs


@keras.saving.register_keras_serializable(
    package="ganzoo", name="SubPixelConv2DTranspose"
)
class SubPixelConv2DTranspose(_SubPixelOption, layers.Conv2DTranspose):
    """`keras.layers.Conv2DTranspose` computed as one stride-1 convolution.

    Same arguments, variables, saved weights and outputs as
    `Conv2DTranspose` (to float rounding): the kernel keeps its
    `(kh, kw, filters, in_channels)` layout and name, so a model built with
    either loads the other's weights. The call regroups the kernel's taps
    into a stride-1 convolution with `strides[0] * strides[1] * filters`
    output channels and interleaves them into the upsampled image
    (depth-to-space), so that no backend runs a strided transposed
    convolution or its gradient.

    Args:
        *args, **kwargs: As for `keras.layers.Conv2DTranspose`.
        sub_pixel: `"auto"` (default): the regrouped computation on the JAX
            backend, where it makes a DCGAN step about 2.7 times faster on
            the CPU, and the backend's own transposed convolution elsewhere,
            where that is faster; `True` or `False` to choose.

    Channels-last inputs of known height and width, `dilation_rate=1` and
    no `output_padding` can take the regrouped path; other settings always
    use `Conv2DTranspose`'s own computation. On PyTorch the layer's own
    path crops the transposed convolution with PyTorch's `padding=` rather
    than computing it at full size (about 1.3 times faster for DCGAN's
    first upsampling).

    Example:

    ```python
    up = ganzoo.layers.SubPixelConv2DTranspose(32, 4, strides=2, padding="same")
    images = up(keras.random.normal((8, 7, 7, 64)))  # (8, 14, 14, 32)
    ```
    """

    def call(self, inputs):
        if not _is_plain(self):
            return super().call(inputs)
        kernel = ops.cast(self.kernel, inputs.dtype)
        if _takes_sub_pixel_path(self, inputs.shape):
            plans = [
                _transposed_plan(int(size), k, s, self.padding)
                for size, k, s in zip(
                    inputs.shape[1:3], self.kernel_size, self.strides, strict=True
                )
            ]
            outputs = _transpose(inputs, kernel, plans, self.strides)
        else:
            outputs = backend.conv2d_transpose(
                inputs, kernel, self.strides, self.padding
            )
            if outputs is None:
                return super().call(inputs)
        return _bias_and_activation(self, outputs)


@keras.saving.register_keras_serializable(package="ganzoo", name="SubPixelConv2D")
class SubPixelConv2D(_SubPixelOption, layers.Conv2D):
    """`keras.layers.Conv2D` whose input gradient is a sub-pixel convolution.

    The forward pass is `Conv2D`'s own. The gradient with respect to the
    input, a transposed convolution of the output's gradient, is computed
    as `SubPixelConv2DTranspose` computes one: with stride-1 convolutions.
    That matters when the input gradient is itself differentiated, as in
    WGAN-GP's gradient penalty: on JAX, XLA's CPU kernel for the weight
    gradient of a strided transposed convolution is 20 to 50 times slower
    than that of an ordinary one, and a stride-2 critic layer's penalty
    gradient takes about 6 times less time this way.

    Same arguments, variables, saved weights, outputs and gradients as
    `Conv2D` (to float rounding), so a model built with either loads the
    other's weights.

    Args:
        *args, **kwargs: As for `keras.layers.Conv2D`.
        sub_pixel: `"auto"` (default) or `True`: the regrouped input
            gradient on the JAX backend; `False`: XLA's own.

    Strided, channels-last inputs of known height and width with
    `dilation_rate=1` and `groups=1` can take the regrouped path; other
    settings always use `Conv2D`'s own gradient. Only JAX lets the layer
    choose a derivative: on TensorFlow and PyTorch `sub_pixel` changes
    nothing. On PyTorch the forward pass leaves the symmetric part of
    TensorFlow's "same" padding to PyTorch's `padding=` and pads only the
    extra row and column (about 1.2 times faster for a stride-2 layer of
    DCGAN's critic, forward and backward). On JAX and PyTorch, outputs of
    at most 16 pixels are one matrix product of the input's patches
    (`ganzoo.backend.conv2d`), which those CPUs run and differentiate many
    times faster than a convolution over so small a map (Pix2Pix's U-Net
    and PatchGAN use the layer for this, at any stride). On JAX, stride-1
    convolutions of at least 16 channels into at most 16 with kernels of
    5x5 or more run their forward pass as shifted sums of one matrix
    product, which XLA:CPU runs about 20 times faster than its convolution
    there (the ResNet generator's 7x7 head uses the layer for this).

    Example:

    ```python
    down = ganzoo.layers.SubPixelConv2D(64, 5, strides=2, padding="same")
    features = down(keras.random.normal((8, 28, 28, 1)))  # (8, 14, 14, 64)
    ```
    """

    def call(self, inputs):
        if not _is_plain(self) or self.groups != 1:
            return super().call(inputs)
        strides, padding = self.strides, self.padding
        input_size = inputs.shape[1:3]

        def convolve(x, kernel):
            return backend.conv2d(x, kernel, strides, padding)

        kernel = ops.cast(self.kernel, inputs.dtype)
        # A stride-1 convolution's input gradient is a plain convolution.
        if max(strides) == 1 or not _takes_sub_pixel_path(self, inputs.shape):
            return _bias_and_activation(self, convolve(inputs, kernel))

        def input_gradient(output_gradient, kernel):
            plans = [
                _input_gradient_plan(int(size), k, s, padding, int(n))
                for size, k, s, n in zip(
                    output_gradient.shape[1:3],
                    kernel.shape[:2],
                    strides,
                    input_size,
                    strict=True,
                )
            ]
            return _transpose(output_gradient, kernel, plans, strides)

        outputs = backend.with_input_gradient(convolve, input_gradient)(inputs, kernel)
        return _bias_and_activation(self, outputs)


# Keras files address a layer's weights by its class name (snake-cased and
# counted within its model), not by its `name`: answering to the Keras
# layer's keeps every weights file written with that layer, shipped presets
# included, loading into models built with these.
SubPixelConv2DTranspose.__name__ = "Conv2DTranspose"
SubPixelConv2D.__name__ = "Conv2D"
