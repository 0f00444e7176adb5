"""DiffAugment (Zhao et al. 2020): differentiable augmentation for GANs.

The same random transformations are applied to real and generated images
before the discriminator sees them, in both players' updates, so the
discriminator cannot memorise a small training set while the generator still
receives gradients through the augmentation. Everything is written in
`keras.ops` with noise from a `keras.random.SeedGenerator`, so it runs inside
any backend's compiled training step.

Policies follow the paper's code: `"color"` (brightness, saturation and
contrast), `"translation"` (shifts of up to 1/8 of the image with zero fill)
and `"cutout"` (a zeroed square half the image's side), combined as a comma
separated string such as `"color,translation,cutout"`.

Reference:
    Zhao et al., "Differentiable Augmentation for Data-Efficient GAN
    Training", NeurIPS 2020.
"""

import keras
from keras import ops

TRANSLATION_RATIO = 0.125
CUTOUT_RATIO = 0.5


def parse_policy(policy):
    """Validates a policy; returns a tuple of transformation names.

    Args:
        policy: `None` or `""` (no augmentation), a comma separated string
            such as `"color,translation,cutout"`, or a list of names.
    """
    if policy is None:
        return ()
    names = policy.split(",") if isinstance(policy, str) else list(policy)
    names = tuple(name.strip() for name in names if name.strip())
    unknown = [name for name in names if name not in TRANSFORMS]
    if unknown:
        raise ValueError(
            f"Unknown DiffAugment transformation(s) {unknown}. Expected a comma "
            f"separated subset of {sorted(TRANSFORMS)}, e.g. "
            f"'color,translation,cutout'. Received: diffaugment={policy!r}"
        )
    return names


def diff_augment(images, policy, seed_generator):
    """Applies the policy's transformations, each with fresh per-image noise.

    Args:
        images: Channels-last batch `(batch, height, width, channels)`.
        policy: Tuple of names from `parse_policy`.
        seed_generator: The `keras.random.SeedGenerator` to draw from.
    """
    images = ops.convert_to_tensor(images)
    for name in policy:
        for transform in TRANSFORMS[name]:
            images = transform(images, seed_generator)
    return images


def _per_image(images, seed_generator, minval=0.0, maxval=1.0):
    shape = (ops.shape(images)[0], 1, 1, 1)
    return keras.random.uniform(
        shape, minval=minval, maxval=maxval, dtype=images.dtype, seed=seed_generator
    )


def brightness(images, seed_generator):
    """Adds a per-image offset in [-0.5, 0.5)."""
    return images + _per_image(images, seed_generator, -0.5, 0.5)


def saturation(images, seed_generator):
    """Scales each pixel's deviation from its channel mean by [0, 2)."""
    mean = ops.mean(images, axis=3, keepdims=True)
    return (images - mean) * _per_image(images, seed_generator, 0.0, 2.0) + mean


def contrast(images, seed_generator):
    """Scales each image's deviation from its mean by [0.5, 1.5)."""
    mean = ops.mean(images, axis=(1, 2, 3), keepdims=True)
    return (images - mean) * _per_image(images, seed_generator, 0.5, 1.5) + mean


def _random_shifts(batch, side, seed_generator):
    """Per-image integer shifts in [-side/8, side/8], as float32."""
    limit = int(side * TRANSLATION_RATIO + 0.5)
    shifts = keras.random.randint(
        (batch,), -limit, limit + 1, dtype="int32", seed=seed_generator
    )
    return ops.cast(shifts, "float32")


def _shift_matrices(shifts, side, dtype):
    """`m[b, i, j] = 1` where `j == i - shifts[b]`: row `i` reads row `j`."""
    rows = ops.arange(side, dtype="float32")
    source = rows[None, :, None] - shifts[:, None, None]
    matrices = ops.equal(source, rows[None, None, :])
    return ops.cast(matrices, dtype)


def translation(images, seed_generator):
    """Shifts each image by up to 1/8 of its size; vacated pixels are 0.

    The shift is a product with one-hot matrices, exact and differentiable.
    """
    batch = ops.shape(images)[0]
    height, width = images.shape[1], images.shape[2]
    shift_y = _random_shifts(batch, height, seed_generator)
    shift_x = _random_shifts(batch, width, seed_generator)
    rows = _shift_matrices(shift_y, height, images.dtype)
    cols = _shift_matrices(shift_x, width, images.dtype)
    images = ops.einsum("bij,bjwc->biwc", rows, images)
    return ops.einsum("bij,bhjc->bhic", cols, images)


def cutout(images, seed_generator):
    """Zeroes one square, half the image's side, at a random centre."""
    batch = ops.shape(images)[0]
    height, width = images.shape[1], images.shape[2]
    size_y = int(height * CUTOUT_RATIO + 0.5)
    size_x = int(width * CUTOUT_RATIO + 0.5)
    offsets = []
    for side, size in ((height, size_y), (width, size_x)):
        offset = keras.random.randint(
            (batch,), 0, side + (1 - size % 2), dtype="int32", seed=seed_generator
        )
        offsets.append(ops.cast(offset, "float32") - size // 2)
    rows = ops.arange(height, dtype="float32")[None, :]
    cols = ops.arange(width, dtype="float32")[None, :]
    inside_y = (rows >= offsets[0][:, None]) & (rows < offsets[0][:, None] + size_y)
    inside_x = (cols >= offsets[1][:, None]) & (cols < offsets[1][:, None] + size_x)
    inside = inside_y[:, :, None] & inside_x[:, None, :]
    keep = ops.cast(ops.logical_not(inside), images.dtype)
    return images * keep[:, :, :, None]


TRANSFORMS = {
    "color": (brightness, saturation, contrast),
    "translation": (translation,),
    "cutout": (cutout,),
}
