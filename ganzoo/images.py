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


def side_by_side(inputs, outputs):
    """Interleaves inputs and their outputs for a grid: in0, out0, in1, ...

    Greyscale images are tiled to RGB when the two differ in channels.

    Args:
        inputs: Images `(n, height, width, channels)` in [-1, 1].
        outputs: Images `(n, height, width, channels)` in [-1, 1].

    Returns:
        A float32 array of `2 * n` images.

    Example:

    ```python
    pairs = side_by_side(edges, model.translate(edges))
    save_grid(pairs, "pairs.png", columns=8)  # four pairs per row
    ```
    """
    inputs = np.asarray(inputs, "float32")
    outputs = np.asarray(outputs, "float32")
    if inputs.shape[:-1] != outputs.shape[:-1]:
        raise ValueError(
            "`inputs` and `outputs` must have the same number and size of "
            f"images. Received: {inputs.shape} and {outputs.shape}"
        )
    if inputs.shape[-1] != outputs.shape[-1]:
        inputs = np.repeat(inputs, 3 // inputs.shape[-1], axis=-1)
        outputs = np.repeat(outputs, 3 // outputs.shape[-1], axis=-1)
    pairs = np.stack([inputs, outputs], axis=1)
    return pairs.reshape((-1,) + pairs.shape[2:])
