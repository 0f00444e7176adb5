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
instead, the kernel kept in its layout. Elsewhere a large kernel reaches
PyTorch by one two-dimensional transpose each way (`_torch_weight`). Inputs
and outputs are channels-last, kernels in Keras's layouts.
"""

import torch
import torch.nn.functional as F

from ganzoo.backend.common import same_padding

# Up to this many pixels (a convolution's output, a transposed
# convolution's input), a matrix product of patches: Pix2Pix's 2x2 -> 1x1
# 512-channel convolution took 150 ms forward and backward (batch 32, one
# thread) as PyTorch's convolution.
PATCHES_MAX_PIXELS = 16

# From this many elements (2 MiB of float32), a kernel's copy into
# PyTorch's layout and its gradient's way back are two-dimensional
# transposes (`_KernelLayout`). PyTorch's element-by-element copy of the
# permuted kernel is faster below, while the kernel fits in the CPU's
# cache: 0.35 against 0.43 ms for a 3x3x128x256 gradient, 2.2 against
# 0.85 ms for 3x3x256x256, 14.3 against 3.9 ms for 4x4x256x512 (one
# thread).
TRANSPOSED_COPY_MIN_ELEMENTS = 2**19


def _takes_patches(pixels):
    """Whether a map of `pixels` pixels is computed as patches: not while
    TorchScript traces (the ONNX exporter), which needs the convolutions'
    sizes as constants where the patch form computes them from shapes."""
    return pixels <= PATCHES_MAX_PIXELS and not torch.jit.is_tracing()


def conv2d(x, kernel, strides, padding):
    """`keras.ops.conv` for 4-D channels-last `x`, without dilation or groups."""
    pads = [(0, 0), (0, 0)]
    if padding == "same":
        pads = [
            same_padding(size, k, s)
            for size, k, s in zip(x.shape[1:3], kernel.shape[:2], strides, strict=True)
        ]
    out = [
        (size + before + after - k) // s + 1
        for size, (before, after), k, s in zip(
            x.shape[1:3], pads, kernel.shape[:2], strides, strict=True
        )
    ]
    if _takes_patches(out[0] * out[1]):
        return _patch_conv2d(x, kernel, strides, pads, out)
    x = x.permute(0, 3, 1, 2)
    symmetric = tuple(before for before, _ in pads)
    extra = [after - before for before, after in pads]
    if any(extra):
        x = F.pad(x, (0, extra[1], 0, extra[0]))
    weight = _torch_weight(kernel)
    return F.conv2d(x, weight, stride=tuple(strides), padding=symmetric).permute(
        0, 2, 3, 1
    )


def _patch_conv2d(x, kernel, strides, pads, out):
    """The convolution as one product of `x`'s patches with the kernel.

    Channels-last patches meet the kernel in Keras's own layout, so neither
    the kernel nor its gradient is ever transposed: for a 4x4x512x512
    kernel, a transposed copy each step and an optimizer update reading a
    transposed gradient took 65 and 43 ms on one thread.
    """
    kh, kw, channels, filters = kernel.shape
    (top, bottom), (left, right) = pads
    x = F.pad(x, (0, 0, left, right, top, bottom))
    patches = x.unfold(1, kh, strides[0]).unfold(2, kw, strides[1])
    # (batch, out_h, out_w, channels, kh, kw) -> rows of (kh, kw, channels).
    rows = patches.permute(0, 1, 2, 4, 5, 3).reshape(-1, kh * kw * channels)
    outputs = torch.matmul(rows, kernel.reshape(kh * kw * channels, filters))
    return outputs.reshape(x.shape[0], out[0], out[1], filters)


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
    if _takes_patches(x.shape[1] * x.shape[2]):
        # Each input pixel's contribution, then summed into place (col2im).
        # The kernel stays in Keras's layout (kh, kw, out, in), as does its
        # gradient; the contributions are reordered for `F.fold` instead.
        kh, kw, filters, channels = kernel.shape
        full = [
            (size - 1) * s + k
            for size, k, s in zip(x.shape[1:3], (kh, kw), strides, strict=True)
        ]
        pixels = x.shape[1] * x.shape[2]
        columns = torch.matmul(
            x.reshape(x.shape[0], pixels, channels),
            kernel.reshape(kh * kw * filters, channels).t(),
        )  # (batch, pixels, kh * kw * out)
        columns = columns.reshape(x.shape[0], pixels, kh * kw, filters)
        columns = columns.permute(0, 3, 2, 1).reshape(x.shape[0], -1, pixels)
        outputs = F.fold(columns, full, (kh, kw), stride=strides)
        crop = [slice(b, b + n) for b, n in zip(befores, lengths, strict=True)]
        return outputs[:, :, crop[0], crop[1]].permute(0, 2, 3, 1)
    weight = _torch_weight(kernel)  # (in, out, kh, kw)
    # PyTorch crops `padding` from both ends; the end may keep one more.
    outputs = F.conv_transpose2d(
        x.permute(0, 3, 1, 2), weight, stride=tuple(strides), padding=tuple(befores)
    )
    return outputs[:, :, : lengths[0], : lengths[1]].permute(0, 2, 3, 1)


def _weight_copy(kernel):
    """Keras's kernel `(kh, kw, a, b)` as PyTorch's weight `(b, a, kh, kw)`.

    The weight is laid out channels-last, `(b, kh, kw, a)` in memory, which
    PyTorch's CPU convolutions take as they are, and the copy is one
    transpose of a matrix of `b` columns. PyTorch copies a plain
    `kernel.permute(3, 2, 0, 1)` element by element: 34 ms for a
    4x4x256x512 kernel on one thread, against 6.
    """
    kh, kw, a, b = kernel.shape
    rows = kernel.reshape(kh * kw * a, b).t().contiguous()
    return rows.view(b, kh, kw, a).permute(0, 3, 1, 2)


class _KernelLayout(torch.autograd.Function):
    """`_weight_copy`, whose gradient reaches the kernel the same way.

    Through autograd's own inverse of the copy, the kernel's gradient
    would be a strided view, which slows every optimizer operation that
    reads it; here it is one transpose back, contiguous.
    """

    @staticmethod
    def forward(ctx, kernel):
        return _weight_copy(kernel)

    @staticmethod
    def backward(ctx, grad):
        b, a, kh, kw = grad.shape
        grad = grad.permute(0, 2, 3, 1).contiguous()  # (b, kh, kw, a)
        return grad.reshape(b, kh * kw * a).t().contiguous().view(kh, kw, a, b)


def _torch_weight(kernel):
    """PyTorch's weight `(b, a, kh, kw)` for Keras's kernel `(kh, kw, a, b)`.

    Large kernels are copied as `_weight_copy` says, their gradients
    through `_KernelLayout` (not while TorchScript traces, for the ONNX
    exporter); smaller ones are a permuted view, which the convolution
    copies.
    """
    if kernel.numel() < TRANSPOSED_COPY_MIN_ELEMENTS:
        return kernel.permute(3, 2, 0, 1)
    if kernel.requires_grad and torch.is_grad_enabled() and not torch.jit.is_tracing():
        return _KernelLayout.apply(kernel)
    return _weight_copy(kernel)


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
