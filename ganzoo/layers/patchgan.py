"""The PatchGAN discriminator of pix2pix and CycleGAN."""

import keras
from keras import layers

from ganzoo.layers.normalization import check_normalization
from ganzoo.layers.normalization import conv_bias
from ganzoo.layers.normalization import normalization
from ganzoo.layers.normalization import reference_initializer
from ganzoo.layers.precision import output_dtype
from ganzoo.layers.subpixel import SubPixelConv2D
from ganzoo.validation import check_positive_int

MAX_WIDTH_MULTIPLIER = 8


def build_patchgan_discriminator(
    input_shape,
    filters=64,
    num_layers=3,
    norm="batch",
    name="patchgan_discriminator",
):
    """A fully convolutional discriminator with one logit per image patch.

    `num_layers` stride-2 4x4 convolutions, one stride-1 4x4 convolution and
    a stride-1 4x4 convolution to one channel, each padded by one pixel of
    zeros like PyTorch's `padding=1`. Every convolution but the last is
    followed by LeakyReLU(0.2), and all but the first and the last by `norm`
    (those have a bias only with instance norm, as in the reference). Widths
    are `filters * min(2**i, 8)`. With `num_layers=3` each logit sees a
    70x70 patch, and a 256x256 input gives 30x30 logits.

    Layer names, with the reference `NLayerDiscriminator` key each holds
    (`n = num_layers`):

    - `conv1` = `model.0`;
    - `conv{k}` = `model.{3k-4}`, `conv{k}_norm` = `model.{3k-3}` for
      `k = 2..n+1`;
    - `logits` = `model.{3n+2}`.

    Each LeakyReLU is named `c_relu` after its convolution `c`. A
    convolution is padded by a `c_pad` ZeroPadding2D layer before it, except
    a stride-2 one over even (known) sides, which pads itself (`"same"`,
    the same one pixel each side).

    Args:
        input_shape: `(height, width, channels)` of what the discriminator
            sees, e.g. 6 channels for pix2pix's (input, target) pairs of RGB
            images. Height and width may be `None`.
        filters: Filters of the first convolution (`ndf`).
        num_layers: Stride-2 convolutions (`n_layers`); 3 gives the 70x70
            PatchGAN.
        norm: `"batch"` (pix2pix), `"instance"` (CycleGAN) or `None`.
        name: The model's name.

    Returns:
        A functional `keras.Model` from images to logits of shape
        `(batch, patches_high, patches_wide, 1)`.

    Example:

    ```python
    discriminator = ganzoo.layers.build_patchgan_discriminator((256, 256, 6))
    discriminator.count_params()  # 2770497: 2768705 trainable, 1792 statistics
    ```

    Reference:
        Isola et al., "Image-to-Image Translation with Conditional
        Adversarial Networks", CVPR 2017.
    """
    input_shape = _check_input_shape(input_shape)
    filters = check_positive_int(filters, "filters")
    num_layers = check_positive_int(num_layers, "num_layers")
    check_normalization(norm)
    for side in input_shape[:2]:
        if side is not None and _logit_side(side, num_layers) < 1:
            smallest = next(s for s in range(1, 4096) if _logit_side(s, num_layers))
            raise ValueError(
                f"A PatchGAN with num_layers={num_layers} (`discriminator_layers` "
                f"of Pix2Pix and CycleGAN) needs images of at least "
                f"{smallest}x{smallest} pixels; use larger images or fewer "
                f"layers. Received: input_shape={input_shape}"
            )

    def conv(x, units, layer_name, strides, use_bias, dtype=None):
        if strides == 2 and all(
            side is not None and side % 2 == 0 for side in x.shape[1:3]
        ):
            # Over an even side, "same" pads a stride-2 4x4 convolution by one
            # pixel on each side, as padding=1 does; letting the convolution
            # pad avoids a padded copy of its input on JAX and PyTorch.
            padding = "same"
        else:
            x = layers.ZeroPadding2D(1, name=f"{layer_name}_pad")(x)
            padding = "valid"
        return SubPixelConv2D(
            units,
            4,
            strides=strides,
            padding=padding,
            use_bias=use_bias,
            kernel_initializer=reference_initializer(),
            name=layer_name,
            dtype=dtype,
        )(x)

    images = keras.Input(input_shape, name="images")
    x = conv(images, filters, "conv1", strides=2, use_bias=True)
    x = layers.LeakyReLU(0.2, name="conv1_relu")(x)
    for k in range(2, num_layers + 2):
        units = filters * min(2 ** (k - 1), MAX_WIDTH_MULTIPLIER)
        strides = 2 if k <= num_layers else 1
        x = conv(x, units, f"conv{k}", strides=strides, use_bias=conv_bias(norm))
        x = normalization(norm, f"conv{k}_norm")(x)
        x = layers.LeakyReLU(0.2, name=f"conv{k}_relu")(x)
    logits = conv(x, 1, "logits", strides=1, use_bias=True, dtype=output_dtype())
    return keras.Model(images, logits, name=name)


def _logit_side(side, num_layers):
    """Side of the logit map for an input side (4x4 kernels, 1-pixel padding)."""
    for _ in range(num_layers):
        side = (side - 2) // 2 + 1
    return max(side - 2, 0)


def _check_input_shape(input_shape):
    try:
        shape = tuple(None if d is None else int(d) for d in input_shape)
    except (TypeError, ValueError):
        shape = None
    if (
        shape is None
        or len(shape) != 3
        or shape[2] is None
        or any(d is not None and d < 1 for d in shape)
    ):
        raise ValueError(
            "`input_shape` must be (height, width, channels) with positive "
            "integers (height and width may be None). Received: "
            f"input_shape={input_shape!r}"
        )
    return shape
