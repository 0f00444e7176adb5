"""CycleGAN's ResNet generator (Johnson et al.'s transformation network)."""

import keras
from keras import layers

from ganzoo.layers.dropout import seeded_dropout
from ganzoo.layers.normalization import check_normalization
from ganzoo.layers.normalization import conv_bias
from ganzoo.layers.normalization import normalization
from ganzoo.layers.normalization import reference_initializer
from ganzoo.layers.precision import output_dtype
from ganzoo.layers.reflection_padding import ReflectionPadding2D
from ganzoo.layers.subpixel import SubPixelConv2D
from ganzoo.layers.subpixel import SubPixelConv2DTranspose
from ganzoo.validation import check_image_shape
from ganzoo.validation import check_positive_int

NUM_DOWNSAMPLINGS = 2


def build_resnet_generator(
    image_shape,
    output_channels=None,
    filters=64,
    num_blocks=9,
    norm="instance",
    dropout=False,
    name="resnet_generator",
):
    """The ResNet generator of CycleGAN, layer for layer as the reference.

    A 7x7 convolution on the reflection-padded image, two stride-2 3x3
    convolutions, `num_blocks` residual blocks (reflection pad, 3x3 conv,
    norm, ReLU, [dropout 0.5], reflection pad, 3x3 conv, norm, plus the
    input), two stride-2 3x3 transposed convolutions back to full size and a
    7x7 convolution on the reflection-padded features to `tanh` images.
    Every convolution but the last is followed by `norm` and has a bias only
    with instance norm, as in the reference. Zero padding and output
    cropping reproduce PyTorch's `padding=1` and `output_padding=1`
    exactly, so published weights give the same outputs.

    Layer names, with the reference `ResnetGenerator` key each holds (its
    `nn.Sequential` is `model`; `n = num_blocks`, blocks `k = 1..n`):

    - `stem_conv` = `model.1`, `stem_norm` = `model.2`;
    - `down1_conv` = `model.4`, `down1_norm` = `model.5`,
      `down2_conv` = `model.7`, `down2_norm` = `model.8`;
    - `block{k}_conv1` = `model.{9+k}.conv_block.1`, `block{k}_norm1` =
      `model.{9+k}.conv_block.2`, `block{k}_conv2` =
      `model.{9+k}.conv_block.5` (`.6` with dropout), `block{k}_norm2` =
      `model.{9+k}.conv_block.6` (`.7` with dropout);
    - `up1_conv` = `model.{10+n}`, `up1_norm` = `model.{11+n}`,
      `up2_conv` = `model.{13+n}`, `up2_norm` = `model.{14+n}`;
    - `head_conv` = `model.{17+n}`.

    Args:
        image_shape: `(height, width, channels)` of the input images; height
            and width must be multiples of 4.
        output_channels: Channels of the output images; defaults to the
            input's.
        filters: Filters of the first convolution (`ngf`); the residual
            blocks have `4 * filters`.
        num_blocks: Residual blocks: 9 for 256-pixel images, 6 for 128.
        norm: `"instance"` (CycleGAN), `"batch"` or `None`.
        dropout: Whether each residual block applies dropout 0.5 after its
            first convolution.
        name: The model's name.

    Returns:
        A functional `keras.Model` from images to images in `[-1, 1]`.

    Example:

    ```python
    generator = ganzoo.layers.build_resnet_generator((256, 256, 3))
    generator.count_params()  # 11378179
    ```

    Reference:
        Zhu et al., "Unpaired Image-to-Image Translation using
        Cycle-Consistent Adversarial Networks", ICCV 2017; Johnson et al.,
        "Perceptual Losses for Real-Time Style Transfer and
        Super-Resolution", ECCV 2016.
    """
    image_shape = check_image_shape(image_shape, multiple_of=2**NUM_DOWNSAMPLINGS)
    output_channels = check_positive_int(
        image_shape[-1] if output_channels is None else output_channels,
        "output_channels",
    )
    filters = check_positive_int(filters, "filters")
    if (
        isinstance(num_blocks, bool)
        or not isinstance(num_blocks, int)
        or (num_blocks < 0)
    ):
        raise ValueError(
            f"`num_blocks` must be a non-negative int. Received: "
            f"num_blocks={num_blocks!r}"
        )
    check_normalization(norm)
    bias = conv_bias(norm)

    def conv(units, kernel_size, layer_name, strides=1, use_bias=bias):
        # Stride-1 convolutions compute through `ganzoo.backend.conv2d`
        # (on JAX, the head's many channels into few fast).
        conv_class = SubPixelConv2D if strides == 1 else layers.Conv2D
        return conv_class(
            units,
            kernel_size,
            strides=strides,
            use_bias=use_bias,
            kernel_initializer=reference_initializer(),
            name=layer_name,
        )

    images = keras.Input(image_shape, name="images")
    x = ReflectionPadding2D(3, name="stem_pad")(images)
    x = conv(filters, 7, "stem_conv")(x)
    x = normalization(norm, "stem_norm")(x)
    x = layers.ReLU(name="stem_relu")(x)
    for i in range(1, NUM_DOWNSAMPLINGS + 1):
        x = layers.ZeroPadding2D(1, name=f"down{i}_pad")(x)
        x = conv(filters * 2**i, 3, f"down{i}_conv", strides=2)(x)
        x = normalization(norm, f"down{i}_norm")(x)
        x = layers.ReLU(name=f"down{i}_relu")(x)
    width = filters * 2**NUM_DOWNSAMPLINGS
    for k in range(1, num_blocks + 1):
        y = ReflectionPadding2D(1, name=f"block{k}_pad1")(x)
        y = conv(width, 3, f"block{k}_conv1")(y)
        y = normalization(norm, f"block{k}_norm1")(y)
        y = layers.ReLU(name=f"block{k}_relu")(y)
        if dropout:
            y = seeded_dropout(0.5, f"block{k}_dropout")(y)
        y = ReflectionPadding2D(1, name=f"block{k}_pad2")(y)
        y = conv(width, 3, f"block{k}_conv2")(y)
        y = normalization(norm, f"block{k}_norm2")(y)
        x = layers.Add(name=f"block{k}_add")([x, y])
    for i in range(1, NUM_DOWNSAMPLINGS + 1):
        # PyTorch's ConvTranspose2d(3, stride 2, padding 1, output_padding 1)
        # is the full (2h + 1)-pixel transposed convolution without its
        # first row and column.
        x = SubPixelConv2DTranspose(
            width // 2**i,
            3,
            strides=2,
            use_bias=bias,
            kernel_initializer=reference_initializer(),
            name=f"up{i}_conv",
        )(x)
        x = layers.Cropping2D(((1, 0), (1, 0)), name=f"up{i}_crop")(x)
        x = normalization(norm, f"up{i}_norm")(x)
        x = layers.ReLU(name=f"up{i}_relu")(x)
    x = ReflectionPadding2D(3, name="head_pad")(x)
    x = conv(output_channels, 7, "head_conv", use_bias=True)(x)
    outputs = layers.Activation("tanh", name="head_tanh", dtype=output_dtype())(x)
    return keras.Model(images, outputs, name=name)
