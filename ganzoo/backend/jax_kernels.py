"""JAX kernels for convolutions that XLA runs slowly on the CPU.

XLA:CPU convolves maps of a few pixels with many channels very slowly, and
differentiates them more slowly still: a batch of 32 through a 4x4
convolution from 3x3x512 to 3x3x512 took 7.9 s forward and backward on
one thread, and 66 ms as one matrix product of the input's patches
(im2col). Such maps are where Pix2Pix's U-Net and PatchGAN meet their
deepest layers (2x2, 1x1 and 3x3 outputs at 32x32), which made a Pix2Pix
step about ten times slower on JAX than on TensorFlow. Up to
`PATCHES_MAX_OUTPUT_PIXELS` output pixels `conv2d` computes the
convolution that way, a matrix product whose gradients are matrix products
too; larger maps, where XLA's own convolution is as fast or faster (a
16x16x64 input: 14 against 24 ms), keep it.

XLA:CPU is also slow to convolve many channels into few (an image from
features, as in a generator's last layer): a 7x7 convolution from
70x70x64 to 64x64x3, batch 4, took 97 ms forward on one thread, where its
gradients took 26. With at most `FEW_FILTERS` filters from at least as
many channels and a kernel of 5x5 or more, `conv2d` computes the forward
pass as one matrix product of the input with every tap of the kernel,
summed shifted into place (5 ms), and keeps XLA's gradients.
"""

import math

import jax
import jax.numpy as jnp
import keras

from ganzoo.backend.common import same_padding

# Output pixels (height x width) up to which a convolution is a matrix
# product of patches: a 4x4 output from 4x4x512 took 120 ms forward and
# backward that way against 161 ms as XLA's convolution; an 8x8 one from
# 16x16x64, 24 against 14 ms.
PATCHES_MAX_OUTPUT_PIXELS = 16

# Filters up to which a stride-1 convolution from at least as many channels,
# with a kernel of at least `FEW_FILTERS_MIN_TAPS` taps, runs its forward
# pass as shifted sums (`_few_filters_conv2d`). Forward and backward, one
# thread: ResNet's 7x7 head to 3 channels 123 -> 34 ms, a 5x5 one to 1
# channel (64x18x18x64) 94 -> 54 ms. With 3x3 kernels (the phases of
# DCGAN's and Pix2Pix's last upsampling) the gain on one thread (1.2-1.5x)
# turned into a loss on two, as XLA spreads its convolution over both
# threads: WGAN-GP's fit() 7% slower. With 32 filters the two ways are
# level, and from 8 channels XLA's is faster.
FEW_FILTERS = 16
FEW_FILTERS_MIN_TAPS = 25


def _pad_same(x, kernel_size, strides):
    """`x` padded as TensorFlow's "same" pads it, for a "valid" convolution."""
    pads = [
        same_padding(size, k, s)
        for size, k, s in zip(x.shape[1:3], kernel_size, strides, strict=True)
    ]
    return jnp.pad(x, ((0, 0), pads[0], pads[1], (0, 0)))


def _patch_conv2d(x, kernel, strides, padding):
    """The convolution as one product of `x`'s patches with the kernel."""
    kh, kw, channels, filters = kernel.shape
    if padding == "same":
        x = _pad_same(x, (kh, kw), strides)
    (sy, sx), (height, width) = strides, x.shape[1:3]
    out_h, out_w = (height - kh) // sy + 1, (width - kw) // sx + 1
    patches = jnp.concatenate(
        [
            x[:, i : i + sy * (out_h - 1) + 1 : sy, j : j + sx * (out_w - 1) + 1 : sx]
            for i in range(kh)
            for j in range(kw)
        ],
        axis=-1,
    )  # (batch, out_h, out_w, kh * kw * channels), taps in the kernel's order
    return jnp.matmul(patches, jnp.reshape(kernel, (kh * kw * channels, filters)))


def _xla_conv2d(x, kernel):
    """XLA's own stride-1 "valid" convolution, channels-last."""
    return jax.lax.conv_general_dilated(
        x, kernel, (1, 1), "VALID", dimension_numbers=("NHWC", "HWIO", "NHWC")
    )


def _shifted_sums(x, kernel):
    """The stride-1 "valid" convolution as a product with all taps at once.

    Each input pixel meets every tap (a matrix product of the channels with
    a `(channels, kh * kw * filters)` matrix); each output pixel then sums
    the products of its `kh * kw` taps, taken at the matching shifts.
    """
    kh, kw, channels, filters = kernel.shape
    out_h, out_w = x.shape[1] - kh + 1, x.shape[2] - kw + 1
    taps = jnp.matmul(
        x,
        jnp.reshape(jnp.transpose(kernel, (2, 0, 1, 3)), (channels, kh * kw * filters)),
    )
    taps = jnp.reshape(taps, x.shape[:3] + (kh, kw, filters))
    return sum(
        taps[:, i : i + out_h, j : j + out_w, i, j]
        for i in range(kh)
        for j in range(kw)
    )


@jax.custom_vjp
def _few_filters_conv2d(x, kernel):
    """`_xla_conv2d` with a shifted-sums forward pass and XLA's gradients."""
    return _shifted_sums(x, kernel)


def _few_filters_forward(x, kernel):
    return _shifted_sums(x, kernel), (x, kernel)


def _few_filters_backward(residuals, output_gradient):
    # XLA differentiates these convolutions fast; the primal it would
    # compute alongside is unused, and compiled away.
    return jax.vjp(_xla_conv2d, *residuals)[1](output_gradient)


_few_filters_conv2d.defvjp(_few_filters_forward, _few_filters_backward)


def conv2d(x, kernel, strides, padding):
    """`keras.ops.conv` for 4-D channels-last `x`, without dilation or groups."""
    out = [
        -(-size // s) if padding == "same" else (size - k) // s + 1
        for size, k, s in zip(x.shape[1:3], kernel.shape[:2], strides, strict=True)
    ]
    if out[0] * out[1] <= PATCHES_MAX_OUTPUT_PIXELS:
        return _patch_conv2d(x, kernel, tuple(strides), padding)
    channels, filters = kernel.shape[2:]
    taps = kernel.shape[0] * kernel.shape[1]
    if (
        tuple(strides) == (1, 1)
        and filters <= FEW_FILTERS <= channels
        and taps >= FEW_FILTERS_MIN_TAPS
    ):
        if padding == "same":
            x = _pad_same(x, kernel.shape[:2], (1, 1))
        return _few_filters_conv2d(x, kernel)
    return keras.ops.conv(x, kernel, strides=strides, padding=padding)


def conv2d_transpose(x, kernel, strides, padding):
    """`keras.ops.conv_transpose`: XLA's own (the layers regroup it first)."""
    return keras.ops.conv_transpose(x, kernel, strides=strides, padding=padding)


def batch_normalization(x, axis, gamma, beta, epsilon):
    """None: Keras's composite ops, which XLA fuses, are as fast on JAX."""
    return None


def dropout(x, rate, seed_generator):
    """Dropout of `x` at `rate`, two mask units from each random word.

    Keras's (`jax.random.bernoulli`) spends one threefry evaluation, a
    32-bit word, on every unit: 6.7 ms for a 64x14x14x64 mask on one
    thread, about a seventh of a DCGAN step. Here each word gives two
    16-bit draws, compared with the keep probability in steps of 1/65536
    (within 8e-6 of it), for 3.8 ms. The seed is the generator's next
    state, as Keras's; kept units are scaled by `1 / (1 - rate)`, as
    Keras's. Returns None where 16 bits cannot tell the keep probability
    from 0 or 1, for the caller to use Keras's.
    """
    keep = 1.0 - rate
    threshold = round(keep * 65536)
    if not 0 < threshold < 65536:
        return None
    size = math.prod(x.shape)
    words = jax.random.bits(seed_generator.next(), ((size + 1) // 2,), jnp.uint32)
    draws = jax.lax.bitcast_convert_type(words, jnp.uint16).reshape(-1)[:size]
    kept = draws.reshape(x.shape) < jnp.uint16(threshold)
    return jnp.where(kept, x / keep, jnp.zeros((), x.dtype))
