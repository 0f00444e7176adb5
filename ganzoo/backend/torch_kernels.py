"""PyTorch kernels for layers that Keras's torch backend runs slowly.

Keras reproduces TensorFlow's "same" padding on PyTorch by padding the
input on both sides explicitly (`Conv2D`) or by computing a transposed
convolution at full size and cropping it (`Conv2DTranspose`), and builds
training-mode `BatchNormalization` from composite ops. These compute the
same results with less work: the symmetric part of the padding is left to
PyTorch's own `padding=`, only the extra row and column are padded or
cropped, and batch normalization runs as PyTorch's one fused operation.
Maps of a few pixels with many channels, where PyTorch's CPU convolutions
are slow (a U-Net's deepest layers), are matrix products of patches
instead (`F.unfold`, `F.fold`). Inputs and outputs are channels-last,
kernels in Keras's layouts.
"""

import torch
import torch.nn.functional as F

from ganzoo.backend.common import same_padding

# Up to this many pixels (a convolution's output, a transposed
# convolution's input), a matrix product of patches: Pix2Pix's 2x2 -> 1x1
# 512-channel convolution took 150 ms forward and backward (batch 32, one
# thread) as PyTorch's convolution.
PATCHES_MAX_PIXELS = 16


def _takes_patches(pixels):
    """Whether a map of `pixels` pixels is computed as patches: not while
    TorchScript traces (the ONNX exporter), which needs the convolutions'
    sizes as constants where the patch form computes them from shapes."""
    return pixels <= PATCHES_MAX_PIXELS and not torch.jit.is_tracing()


def conv2d(x, kernel, strides, padding):
    """`keras.ops.conv` for 4-D channels-last `x`, without dilation or groups."""
    x = x.permute(0, 3, 1, 2)
    weight = kernel.permute(3, 2, 0, 1)
    symmetric = (0, 0)
    if padding == "same":
        pads = [
            same_padding(size, k, s)
            for size, k, s in zip(x.shape[2:], kernel.shape[:2], strides, strict=True)
        ]
        symmetric = tuple(before for before, _ in pads)
        extra = [after - before for before, after in pads]
        if any(extra):
            x = F.pad(x, (0, extra[1], 0, extra[0]))
    out = [
        (size + 2 * pad - k) // s + 1
        for size, pad, k, s in zip(
            x.shape[2:], symmetric, weight.shape[2:], strides, strict=True
        )
    ]
    if _takes_patches(out[0] * out[1]):
        patches = F.unfold(x, weight.shape[2:], padding=symmetric, stride=strides)
        outputs = torch.matmul(weight.reshape(weight.shape[0], -1), patches)
        return outputs.reshape(x.shape[0], -1, *out).permute(0, 2, 3, 1)
    return F.conv2d(x, weight, stride=tuple(strides), padding=symmetric).permute(
        0, 2, 3, 1
    )


def conv2d_transpose(x, kernel, strides, padding):
    """`keras.ops.conv_transpose` for 4-D channels-last `x`.

    Without `output_padding` or dilation. Returns None where the kernel is
    smaller than the stride, which this does not handle.
    """
    if any(k < s for k, s in zip(kernel.shape[:2], strides, strict=True)):
        return None
    befores, lengths = [], []
    for size, k, s in zip(x.shape[1:3], kernel.shape[:2], strides, strict=True):
        if padding == "same":
            befores.append((k - s) // 2)
            lengths.append(size * s)
        else:
            befores.append(0)
            lengths.append((size - 1) * s + k)
    weight = kernel.permute(3, 2, 0, 1)  # (in, out, kh, kw)
    if _takes_patches(x.shape[1] * x.shape[2]):
        # Each input pixel's contribution, then summed into place (col2im).
        kh, kw = kernel.shape[:2]
        full = [
            (size - 1) * s + k
            for size, k, s in zip(x.shape[1:3], (kh, kw), strides, strict=True)
        ]
        columns = torch.matmul(
            x.reshape(x.shape[0], -1, x.shape[3]), weight.reshape(weight.shape[0], -1)
        ).transpose(1, 2)  # (batch, out * kh * kw, pixels)
        outputs = F.fold(columns, full, (kh, kw), stride=strides)
        crop = [slice(b, b + n) for b, n in zip(befores, lengths, strict=True)]
        return outputs[:, :, crop[0], crop[1]].permute(0, 2, 3, 1)
    # PyTorch crops `padding` from both ends; the end may keep one more.
    outputs = F.conv_transpose2d(
        x.permute(0, 3, 1, 2), weight, stride=tuple(strides), padding=tuple(befores)
    )
    return outputs[:, :, : lengths[0], : lengths[1]].permute(0, 2, 3, 1)


def dropout(x, rate, seed_generator):
    """Dropout of `x` at `rate`, its mask seeded by `seed_generator`.

    The seed is Keras's (`keras.random.dropout`): two numbers drawn from the
    generator, summed, as a 32-bit seed of a torch generator. The mask is
    uniform draws below the keep probability, scaled once; Keras's own
    draws a Bernoulli sample of a full tensor of probabilities and selects
    with `where` (12 against 4 ms forward for 64x14x14x64 on one thread).
    Returns None on the `meta` device (Keras's shape inference), which has
    no generators.
    """
    if x.device.type == "meta":
        return None
    first, second = seed_generator.next()
    generator = torch.Generator(device=x.device)
    generator.manual_seed(int(first + second) & 0xFFFFFFFF)
    keep = 1.0 - rate
    mask = torch.rand(x.shape, generator=generator, device=x.device)
    mask = mask.lt_(keep).mul_(1.0 / keep)
    return x * mask.to(x.dtype)


def _is_dense(x):
    """Whether `x` is laid out contiguously, channels first or last."""
    if x.is_contiguous():
        return True
    return x.dim() == 4 and x.is_contiguous(memory_format=torch.channels_last)


def batch_normalization(x, axis, gamma, beta, epsilon):
    """Training-mode batch normalization over every axis but `axis`.

    Returns `(outputs, mean, variance)`, the batch's statistics (population
    variance, as `keras.ops.moments`) for the moving averages, which the
    fused kernel computes on its way and which are not differentiated.
    """
    channels_second = torch.movedim(x, axis, 1)
    # PyTorch's fused kernel is fast on dense layouts only (not on the
    # cropped views that convolutions return, say): copy others first.
    if not _is_dense(channels_second):
        channels_second = channels_second.contiguous()
    outputs, mean, inverse_std = torch.native_batch_norm(
        channels_second, gamma, beta, None, None, True, 0.0, epsilon
    )
    variance = (inverse_std.detach() ** -2) - epsilon
    return torch.movedim(outputs, 1, axis), mean.detach(), variance
