"""U-Net generators: pix2pix's reference U-Net and the seed's CycleGAN one."""

import keras
from keras import layers

from ganzoo.layers.dropout import seeded_dropout
from ganzoo.layers.normalization import check_normalization
from ganzoo.layers.normalization import conv_bias
from ganzoo.layers.normalization import instance_normalization
from ganzoo.layers.normalization import normalization
from ganzoo.layers.normalization import reference_initializer
from ganzoo.layers.precision import output_dtype
from ganzoo.layers.subpixel import SubPixelConv2D
from ganzoo.layers.subpixel import SubPixelConv2DTranspose
from ganzoo.validation import check_image_shape
from ganzoo.validation import check_positive_int

# The reference U-Net widens the features up to 8 * filters and adds
# dropout to the levels between the fourth and the innermost.
MAX_WIDTH_MULTIPLIER = 8
FIRST_DROPOUT_LEVEL = 5


def build_unet_generator(
    image_shape,
    output_channels=None,
    num_downs=8,
    filters=64,
    norm="batch",
    dropout=True,
    name="unet_generator",
):
    """The U-Net generator of pix2pix, layer for layer as the reference.

    `num_downs` levels each halve the image with a 4x4 stride-2 convolution
    and double it back with a 4x4 stride-2 transposed convolution; the
    features entering each level are concatenated to what comes back out of
    it. Level `k` (1 = outermost) has `filters * min(2**(k-1), 8)` features.
    The down path is LeakyReLU(0.2), conv, norm (no activation before the
    first conv and no norm after the innermost), the up path ReLU, transposed
    conv, norm, and dropout 0.5 on levels 5 to `num_downs - 1` (three levels
    in U-Net-256; none when `num_downs <= 5`); the outermost up path ends in
    `tanh` instead of a norm. Convolutions have a bias only with instance
    norm, except the outermost transposed one, which always has one.

    As in the reference PyTorch code, whose in-place LeakyReLU overwrites the
    features it is given, what a level concatenates is its input after that
    LeakyReLU: the published weights were trained that way.

    Layer names, with the reference `UnetGenerator` key each holds, where
    `P1 = "model.model"`, `P2 = "model.model.1.model"` and
    `Pk = P(k-1) + ".3.model"`:

    - `down1_conv` = `P1.0`, `up1_conv` = `P1.3`;
    - levels `1 < k < num_downs`: `down{k}_conv` = `Pk.1`, `down{k}_norm` =
      `Pk.2`, `up{k}_conv` = `Pk.5`, `up{k}_norm` = `Pk.6`;
    - innermost `k = num_downs`: `down{k}_conv` = `Pk.1`, `up{k}_conv` =
      `Pk.3`, `up{k}_norm` = `Pk.4`.

    Args:
        image_shape: `(height, width, channels)`; height and width must be
            multiples of `2**num_downs`.
        output_channels: Channels of the output images; defaults to the
            input's.
        num_downs: Levels of the U-Net: 8 for 256-pixel images (U-Net-256),
            7 for 128, 5 for 32. From 5 up this is exactly the reference
            (which always builds at least five levels); 2 to 4 give the same
            pattern, shorter.
        filters: Filters of the outermost convolution (`ngf`).
        norm: `"batch"` (pix2pix), `"instance"` or `None`.
        dropout: Whether levels 5 to `num_downs - 1` use dropout 0.5.
        name: The model's name.

    Returns:
        A functional `keras.Model` from images to images in `[-1, 1]`.

    Example:

    ```python
    generator = ganzoo.layers.build_unet_generator((256, 256, 3))
    generator.count_params()  # 54423811: 54413955 trainable, 9856 statistics
    small = ganzoo.layers.build_unet_generator((32, 32, 1), num_downs=5)
    ```

    Reference:
        Isola et al., "Image-to-Image Translation with Conditional
        Adversarial Networks", CVPR 2017; Ronneberger et al., "U-Net:
        Convolutional Networks for Biomedical Image Segmentation", MICCAI
        2015.
    """
    if isinstance(num_downs, bool) or not isinstance(num_downs, int) or (num_downs < 2):
        raise ValueError(
            f"`num_downs` must be an int of at least 2. Received: "
            f"num_downs={num_downs!r}"
        )
    image_shape = check_image_shape(image_shape, multiple_of=2**num_downs)
    output_channels = check_positive_int(
        image_shape[-1] if output_channels is None else output_channels,
        "output_channels",
    )
    filters = check_positive_int(filters, "filters")
    check_normalization(norm)
    bias = conv_bias(norm)

    def width(level):
        return filters * min(2 ** (level - 1), MAX_WIDTH_MULTIPLIER)

    def conv(units, layer_name, transpose=False, use_bias=bias):
        conv_class = SubPixelConv2DTranspose if transpose else SubPixelConv2D
        return conv_class(
            units,
            4,
            strides=2,
            padding="same",
            use_bias=use_bias,
            kernel_initializer=reference_initializer(),
            name=layer_name,
        )

    images = keras.Input(image_shape, name="images")
    x = conv(width(1), "down1_conv")(images)
    skips = {}
    for k in range(2, num_downs + 1):
        x = skips[k] = layers.LeakyReLU(0.2, name=f"down{k}_relu")(x)
        x = conv(width(k), f"down{k}_conv")(x)
        if k < num_downs:
            x = normalization(norm, f"down{k}_norm")(x)
    for k in range(num_downs, 1, -1):
        x = layers.ReLU(name=f"up{k}_relu")(x)
        x = conv(width(k - 1), f"up{k}_conv", transpose=True)(x)
        x = normalization(norm, f"up{k}_norm")(x)
        if dropout and FIRST_DROPOUT_LEVEL <= k < num_downs:
            x = seeded_dropout(0.5, f"up{k}_dropout")(x)
        x = layers.Concatenate(name=f"skip{k}")([skips[k], x])
    x = layers.ReLU(name="up1_relu")(x)
    x = conv(output_channels, "up1_conv", transpose=True, use_bias=True)(x)
    outputs = layers.Activation("tanh", name="up1_tanh", dtype=output_dtype())(x)
    return keras.Model(images, outputs, name=name)


def build_seed_unet_generator(
    image_shape,
    output_channels=None,
    filters=32,
    kernel_size=3,
    name="seed_unet_generator",
):
    """The seed's 4-level U-Net generator for CycleGAN.

    Four encoder layers (instance norm, LeakyReLU(0.2), conv with
    `filters`, 2, 4 and 8 times `filters` and strides 1, 2, 2, 2), three
    decoder layers (instance norm, ReLU, stride-2 transposed conv, then
    concatenation with the encoder layer of the same size) and a stride-1
    transposed convolution to the output channels. Norm layers come first,
    so the input image itself is normalised. Instance norm is affine with
    epsilon 1e-3, like the `tensorflow_addons` layer the seed uses. All
    convolutions use "same" padding and Keras' default initialisation.

    The seed ends in a sigmoid for images in `[0, 1]`; ganzoo's images are
    in `[-1, 1]`, so this generator ends in `tanh`.

    Layer names: `enc{i}_norm`, `enc{i}_relu`, `enc{i}_conv` (i = 1..4),
    `dec{i}_norm`, `dec{i}_relu`, `dec{i}_conv`, `dec{i}_skip` (i = 1..3),
    `output_conv`.

    Args:
        image_shape: `(height, width, channels)`; height and width must be
            multiples of 8.
        output_channels: Channels of the output images; defaults to the
            input's.
        filters: Filters of the first encoder layer (the seed's 32).
        kernel_size: Kernel size of every convolution (the seed's 3).
        name: The model's name.

    Returns:
        A functional `keras.Model` from images to images in `[-1, 1]`.

    Example:

    ```python
    generator = ganzoo.layers.build_seed_unet_generator((32, 32, 1), 3)
    ```

    Reference:
        Atienza, "Advanced Deep Learning with TensorFlow 2 and Keras", 2nd
        ed., Packt 2020, chapter 7 (CycleGAN); Zhu et al., "Unpaired
        Image-to-Image Translation using Cycle-Consistent Adversarial
        Networks", ICCV 2017.
    """
    num_levels = 4
    image_shape = check_image_shape(image_shape, multiple_of=2 ** (num_levels - 1))
    output_channels = check_positive_int(
        image_shape[-1] if output_channels is None else output_channels,
        "output_channels",
    )
    filters = check_positive_int(filters, "filters")
    kernel_size = check_positive_int(kernel_size, "kernel_size")

    def norm(layer_name):
        return instance_normalization(layer_name, affine=True, epsilon=1e-3)

    images = keras.Input(image_shape, name="images")
    x = images
    encoded = []
    for i in range(1, num_levels + 1):
        x = norm(f"enc{i}_norm")(x)
        x = layers.LeakyReLU(0.2, name=f"enc{i}_relu")(x)
        x = SubPixelConv2D(
            filters * 2 ** (i - 1),
            kernel_size,
            strides=1 if i == 1 else 2,
            padding="same",
            name=f"enc{i}_conv",
        )(x)
        encoded.append(x)
    for i in range(1, num_levels):
        x = norm(f"dec{i}_norm")(x)
        x = layers.ReLU(name=f"dec{i}_relu")(x)
        x = SubPixelConv2DTranspose(
            filters * 2 ** (num_levels - 1 - i),
            kernel_size,
            strides=2,
            padding="same",
            name=f"dec{i}_conv",
        )(x)
        x = layers.Concatenate(name=f"dec{i}_skip")([x, encoded[num_levels - 1 - i]])
    outputs = SubPixelConv2DTranspose(
        output_channels,
        kernel_size,
        padding="same",
        activation="tanh",
        name="output_conv",
        dtype=output_dtype(),
    )(x)
    return keras.Model(images, outputs, name=name)
