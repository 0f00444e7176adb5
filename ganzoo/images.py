"""Converting images between uint8 and the models' [-1, 1] floats, and grids."""

import math
import os

import numpy as np


def from_uint8(images):
    """uint8 images in [0, 255] to float32 in [-1, 1], channels kept."""
    images = np.asarray(images)
    if images.dtype != np.uint8:
        raise TypeError(
            f"`images` must be uint8. Received: images.dtype={images.dtype}"
        )
    # In place on one contiguous copy: several times faster on large,
    # transposed arrays (e.g. CIFAR-10) than building temporaries.
    floats = np.ascontiguousarray(images).astype("float32")
    floats /= 127.5
    floats -= 1.0
    return floats


def to_uint8(images):
    """Float images in [-1, 1] to uint8 in [0, 255] (values outside are clipped)."""
    images = np.asarray(images, dtype="float32")
    return np.clip(np.rint((images + 1.0) * 127.5), 0, 255).astype("uint8")


def make_grid(images, columns=None, padding=2):
    """Tiles a batch `(n, h, w, c)` of [-1, 1] images into one uint8 image.

    Args:
        images: Float images in [-1, 1], channels-last.
        columns: Images per row; default: the smallest square that fits.
        padding: Pixels of black between tiles.

    Returns:
        A uint8 array `(rows * (h + padding) + padding, ..., c)`.
    """
    images = to_uint8(images)
    if images.ndim != 4:
        raise ValueError(
            "`images` must have shape (num_images, height, width, channels). "
            f"Received: images.shape={images.shape}"
        )
    n, h, w, c = images.shape
    columns = columns or math.ceil(math.sqrt(n))
    rows = math.ceil(n / columns)
    grid = np.zeros(
        (rows * (h + padding) + padding, columns * (w + padding) + padding, c),
        dtype="uint8",
    )
    for i, image in enumerate(images):
        top = padding + (i // columns) * (h + padding)
        left = padding + (i % columns) * (w + padding)
        grid[top : top + h, left : left + w] = image
    return grid


def save_grid(images, path, columns=None, padding=2):
    """Writes a batch of [-1, 1] images to `path` as one PNG grid.

    Returns:
        The path written.
    """
    from PIL import Image

    grid = make_grid(images, columns=columns, padding=padding)
    if grid.shape[-1] == 1:
        grid = grid[..., 0]
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    Image.fromarray(grid).save(path)
    return path
