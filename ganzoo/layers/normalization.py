"""Batch and instance normalisation with PyTorch's defaults.

The image-to-image networks (pix2pix, CycleGAN) choose their normalisation
by name, as the reference implementation does: `"batch"`, `"instance"` or
`None`.
"""

import keras

from ganzoo.layers.batch_normalization import FusedBatchNormalization

NORMALIZATIONS = ("batch", "instance", None)


def instance_normalization(name, affine=False, epsilon=1e-5):
    """Normalises each sample and channel over height and width.

    Instance normalisation is group normalisation with one group per channel,
    so this returns `keras.layers.GroupNormalization(groups=-1)`. Its
    statistics are those of the current image alone, in training and in
    inference alike (PyTorch's `InstanceNorm2d(track_running_stats=False)`),
    with the biased variance.

    Args:
        name: The layer's name.
        affine: Whether to learn a per-channel scale and offset. The
            reference pix2pix/CycleGAN code uses `InstanceNorm2d` without
            them (`affine=False`).
        epsilon: Added to the variance; PyTorch's default is `1e-5`.

    Returns:
        A `keras.layers.GroupNormalization` layer.

    Example:

    ```python
    norm = ganzoo.layers.instance_normalization("block1_norm")
    y = norm(keras.random.normal((2, 16, 16, 8)))
    ```

    Reference:
        Ulyanov et al., "Instance Normalization: The Missing Ingredient for
        Fast Stylization", arXiv:1607.08022, 2016.
    """
    return keras.layers.GroupNormalization(
        groups=-1, epsilon=epsilon, center=affine, scale=affine, name=name
    )


def normalization(kind, name):
    """A normalisation layer by name, set up as in pix2pix/CycleGAN.

    - `"batch"`: `BatchNormalization` with PyTorch's defaults (`momentum`
      0.9 in Keras' convention, which is PyTorch's 0.1, `epsilon` 1e-5) and
      the reference initialisation of the scale, `N(1, 0.02)`.
    - `"instance"`: `instance_normalization(name)` (no learned scale or
      offset, statistics of each image alone).
    - `None`: `keras.layers.Identity`, so layer names stay the same.

    Args:
        kind: `"batch"`, `"instance"` or `None`.
        name: The layer's name.

    Returns:
        A Keras layer.

    Example:

    ```python
    norm = ganzoo.layers.normalization("batch", "down2_norm")
    ```

    Reference:
        Isola et al., "Image-to-Image Translation with Conditional
        Adversarial Networks", CVPR 2017; Zhu et al., "Unpaired
        Image-to-Image Translation using Cycle-Consistent Adversarial
        Networks", ICCV 2017.
    """
    check_normalization(kind)
    if kind == "batch":
        return FusedBatchNormalization(
            momentum=0.9,
            epsilon=1e-5,
            gamma_initializer=keras.initializers.RandomNormal(1.0, 0.02),
            name=name,
        )
    if kind == "instance":
        return instance_normalization(name)
    return keras.layers.Identity(name=name)


def check_normalization(kind, arg="norm"):
    """Raises a `ValueError` unless `kind` is `"batch"`, `"instance"` or None."""
    if kind not in NORMALIZATIONS:
        raise ValueError(
            f'`{arg}` must be "batch", "instance" or None. Received: {arg}={kind!r}'
        )
    return kind


def conv_bias(kind):
    """Whether a convolution followed by normalisation `kind` has a bias.

    The reference implementation gives these convolutions a bias only with
    instance normalisation (BatchNorm's offset makes one redundant), and
    none with `None` either.
    """
    return kind == "instance"


def reference_initializer():
    """The reference initialisation of convolution kernels, `N(0, 0.02)`."""
    return keras.initializers.RandomNormal(0.0, 0.02)
