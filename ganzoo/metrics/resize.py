"""Resizing images to the 299x299 input of the FID Inception network.

Two modes, named as the reference implementations name them:

- `"legacy_tf"`: the bilinear resize of TensorFlow 1.x
  (`tf.compat.v1.image.resize_bilinear` with `align_corners=False`,
  `half_pixel_centers=False`), which the 2015-12-05 Inception graph of the
  original FID and Inception Score code runs as its first operation, and
  which torch-fidelity reproduces. The source coordinate of output pixel
  `i` is `i * in_size / out_size` (no half-pixel offset), so it differs
  from `keras.ops.image.resize`, which uses half-pixel centres. It is built
  here from fixed interpolation taps precomputed with NumPy (the two
  non-zero entries of each row of the row and column interpolation
  matrices), applied with `keras.ops.take` and a linear blend, first along
  columns then along rows as TensorFlow's kernel does. A gather and blend
  rather than a dense matrix product, because GPUs may run float32 matrix
  products in TF32 (JAX and TensorFlow do by default), which would cost
  about three decimal digits of the resized pixel values.
- `"clean"`: clean-fid's default ("clean") resize: Pillow's bicubic filter,
  which antialiases when it shrinks, run on each channel as a 32-bit float
  image, the result clipped to [0, 255]. It runs on the host with Pillow.

Both take pixel values in [0, 255] (uint8 or float) and return float32 in
[0, 255]; scaling to the network's range happens afterwards.
"""

import keras
import numpy as np
from PIL import Image

RESIZE_MODES = ("legacy_tf", "clean")
INCEPTION_SIZE = 299


def check_resize_mode(resize):
    """Returns `resize` if it names a resize mode, else raises ValueError."""
    if resize not in RESIZE_MODES:
        raise ValueError(
            f"`resize` must be one of {RESIZE_MODES}. Received: resize={resize!r}"
        )
    return resize


def _check_sizes(in_size, out_size):
    for name, value in (("in_size", in_size), ("out_size", out_size)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise TypeError(f"`{name}` must be an int. Received: {name}={value!r}")
        if value < 1:
            raise ValueError(f"`{name}` must be >= 1. Received: {name}={value}")


def legacy_bilinear_taps(in_size, out_size):
    """Taps of TensorFlow 1.x's bilinear resize along one axis.

    Output pixel `i` reads the source coordinate `x = i * (in_size /
    out_size)`, computed in float32 as TensorFlow's kernel does, and mixes
    source pixels `floor(x)` and `min(floor(x) + 1, in_size - 1)` with
    weights `1 - frac(x)` and `frac(x)`. There is no antialiasing: when
    shrinking, source pixels between the sampled ones are ignored. These
    are the two non-zero entries of each row of the (sparse) interpolation
    matrix of that axis.

    Args:
        in_size: Length of the source axis.
        out_size: Length of the resized axis.

    Returns:
        Tuple `(lower, upper, frac)` of arrays of length `out_size`: int32
        source indices and float32 weights of `upper`.

    Example:

    >>> from ganzoo.metrics.resize import legacy_bilinear_taps
    >>> lower, upper, frac = legacy_bilinear_taps(2, 4)
    >>> lower.tolist(), upper.tolist(), frac.tolist()
    ([0, 0, 1, 1], [1, 1, 1, 1], [0.0, 0.5, 0.0, 0.5])

    Reference:
        TensorFlow 1.x `tf.image.resize_bilinear` (`align_corners=False`,
        `half_pixel_centers=False`), the resize of the 2015-12-05 Inception
        graph used by Heusel et al. (2017) and Salimans et al. (2016).
    """
    _check_sizes(in_size, out_size)
    scale = np.float32(in_size) / np.float32(out_size)
    source = np.arange(out_size, dtype=np.float32) * scale
    lower = np.floor(source).astype(np.int32)
    upper = np.minimum(lower + 1, in_size - 1).astype(np.int32)
    frac = source - lower.astype(np.float32)
    return lower, upper, frac


def _lerp_axis(images, in_size, out_size, axis):
    lower, upper, frac = legacy_bilinear_taps(in_size, out_size)
    first = keras.ops.take(images, keras.ops.convert_to_tensor(lower), axis=axis)
    second = keras.ops.take(images, keras.ops.convert_to_tensor(upper), axis=axis)
    shape = [1, 1, 1, 1]
    shape[axis] = out_size
    frac = keras.ops.convert_to_tensor(frac.reshape(shape))
    return first + (second - first) * frac


def _check_batch(images):
    if len(images.shape) != 4:
        raise ValueError(
            "`images` must have shape (num_images, height, width, channels). "
            f"Received: images.shape={tuple(images.shape)}"
        )


def resize_legacy_tf(images, size=INCEPTION_SIZE):
    """TensorFlow 1.x bilinear resize (no half-pixel centres), in keras.ops.

    Args:
        images: Tensor or array `(num_images, height, width, channels)`,
            channels-last, any real dtype (cast to float32).
        size: Side of the square output.

    Returns:
        A float32 tensor `(num_images, size, size, channels)` of the active
        backend, equal to `tf.compat.v1.image.resize_bilinear(images,
        (size, size), align_corners=False, half_pixel_centers=False)` up to
        float32 rounding.

    Example:

    ```python
    import numpy as np
    from ganzoo.metrics.resize import resize_legacy_tf

    images = np.random.randint(0, 256, (4, 32, 32, 3), dtype="uint8")
    resized = resize_legacy_tf(images)  # (4, 299, 299, 3), values in [0, 255]
    ```

    Reference:
        Heusel et al., "GANs Trained by a Two Time-Scale Update Rule
        Converge to a Local Nash Equilibrium", NeurIPS 2017 (its TTUR code
        feeds [0, 255] images to this resize inside the Inception graph).
    """
    _check_batch(images)
    images = keras.ops.cast(images, "float32")
    height, width = int(images.shape[1]), int(images.shape[2])
    images = _lerp_axis(images, width, size, axis=2)
    return _lerp_axis(images, height, size, axis=1)


class LegacyResize(keras.layers.Layer):
    """Layer form of `resize_legacy_tf` for a fixed input size.

    Args:
        size: Side of the square output.
        **kwargs: Passed to `keras.layers.Layer`.

    Example:

    ```python
    inputs = keras.Input((32, 32, 3))
    resized = LegacyResize()(inputs)  # (None, 299, 299, 3)
    ```
    """

    def __init__(self, size=INCEPTION_SIZE, **kwargs):
        super().__init__(**kwargs)
        self.size = size

    def call(self, images):
        return resize_legacy_tf(images, self.size)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.size, self.size, input_shape[3])

    def get_config(self):
        return {**super().get_config(), "size": self.size}


def resize_clean(images, size=INCEPTION_SIZE):
    """clean-fid's "clean" resize: Pillow bicubic (antialiased) per channel.

    Each channel is converted to a 32-bit float Pillow image (mode `"F"`),
    resized to `size x size` with `Image.Resampling.BICUBIC` (whose support
    widens by the shrink factor, so downscaling is antialiased), and
    clipped to [0, 255], which is what clean-fid's default mode does before
    its Inception network.

    Args:
        images: Array `(num_images, height, width, channels)` of values in
            [0, 255] (uint8 or float).
        size: Side of the square output.

    Returns:
        A float32 NumPy array `(num_images, size, size, channels)` in
        [0, 255].

    Example:

    ```python
    resized = resize_clean(uint8_images)  # (n, 299, 299, 3) float32
    ```

    Reference:
        Parmar et al., "On Aliased Resizing and Surprising Subtleties in GAN
        Evaluation", CVPR 2022.
    """
    images = np.asarray(images)
    _check_batch(images)
    num_images, _, _, channels = images.shape
    out = np.empty((num_images, size, size, channels), dtype=np.float32)
    for i in range(num_images):
        for c in range(channels):
            channel = Image.fromarray(
                np.ascontiguousarray(images[i, :, :, c], "float32")
            )
            resized = channel.resize((size, size), resample=Image.Resampling.BICUBIC)
            out[i, :, :, c] = np.asarray(resized)
    return np.clip(out, 0.0, 255.0, out=out)
