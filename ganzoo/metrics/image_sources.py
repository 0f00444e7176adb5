"""Where the images of a metric come from: arrays, models, folders.

Every source yields uint8 RGB batches `(b, height, width, 3)`: float
images in [-1, 1] are quantised as saving them to PNG would
(`ganzoo.images.to_uint8`), greyscale is tiled to three channels.
"""

import os

import numpy as np
from keras import ops

from ganzoo import images as image_utils
from ganzoo import validation
from ganzoo.datasets.image_folders import list_images
from ganzoo.datasets.image_folders import read_image

GENERATE_CHUNK = 1000


def _check_pixels(images, arg):
    if images.ndim != 4 or images.shape[-1] not in (1, 3) or images.shape[0] < 1:
        raise ValueError(
            f"`{arg}` must have shape (num_images, height, width, 1 or 3), "
            f"channels-last, with at least one image. Received: "
            f"{arg}.shape={images.shape}"
        )
    if images.dtype != np.uint8:
        if not np.issubdtype(images.dtype, np.floating):
            raise TypeError(
                f"`{arg}` must be uint8 in [0, 255] or floats in [-1, 1]. "
                f"Received: {arg}.dtype={images.dtype}"
            )
        validation.check_pixel_values(images, arg=arg)


def _to_rgb_uint8(images, arg):
    _check_pixels(images, arg)
    if images.dtype != np.uint8:
        images = image_utils.to_uint8(images)
    if images.shape[-1] == 1:
        images = np.repeat(images, 3, axis=-1)
    return images


class ArraySource:
    """Images held in memory."""

    def __init__(self, images, num_images, arg):
        if ops.is_tensor(images):
            images = ops.convert_to_numpy(images)
        images = np.asarray(images)
        available = images.shape[0] if images.ndim else 0
        if num_images is not None and num_images > available:
            raise ValueError(
                f"`num_images`={num_images} is more than the {available} "
                f"images of `{arg}`."
            )
        self.num_images = available if num_images is None else num_images
        self.images = images[: self.num_images]
        self.arg = arg
        _check_pixels(self.images, arg)

    def batches(self, batch_size):
        for start in range(0, self.num_images, batch_size):
            stop = min(start + batch_size, self.num_images)
            yield _to_rgb_uint8(self.images[start:stop], self.arg)


class ModelSource:
    """Images a model makes with `generate(n, seed=...)`.

    They are drawn in chunks of 1,000, chunk `i` with the `i`-th seed of
    `np.random.SeedSequence(seed)`, so the same seed gives the same images
    whatever the batch size.
    """

    def __init__(self, model, num_images, seed, arg):
        if num_images is None:
            raise ValueError(
                f"`num_images` is needed to sample `{arg}` (a model): how "
                "many images to generate (papers use 50,000 for FID and IS)."
            )
        self.model = model
        self.num_images = validation.check_positive_int(num_images, "num_images")
        self.seed = seed
        self.arg = arg

    def batches(self, batch_size):
        chunks = -(-self.num_images // GENERATE_CHUNK)
        seeds = np.random.SeedSequence(self.seed).generate_state(chunks)
        for i, chunk_seed in enumerate(seeds):
            count = min(GENERATE_CHUNK, self.num_images - i * GENERATE_CHUNK)
            images = self.model.generate(count, seed=int(chunk_seed))
            images = _to_rgb_uint8(np.asarray(images), f"{self.arg}.generate(...)")
            for start in range(0, count, batch_size):
                yield images[start : start + batch_size]


class FolderSource:
    """Image files in one folder (`ganzoo.datasets.image_folders`), sorted.

    Sub-folders are not searched. Every image is converted to RGB and all
    must have the same size.
    """

    def __init__(self, folder, num_images, arg):
        paths = list_images(folder, arg)
        if num_images is not None and num_images > len(paths):
            raise ValueError(
                f"`num_images`={num_images} is more than the {len(paths)} "
                f"images in {os.fspath(folder)!r}."
            )
        self.paths = paths if num_images is None else paths[:num_images]
        self.num_images = len(self.paths)
        self.size = None

    def _read(self, path):
        pixels = read_image(path, channels=3)
        if self.size is None:
            self.size = pixels.shape
        elif pixels.shape != self.size:
            raise ValueError(
                f"All images of a folder must have the same size: {path!r} is "
                f"{pixels.shape[1]}x{pixels.shape[0]}, the first was "
                f"{self.size[1]}x{self.size[0]}."
            )
        return pixels

    def batches(self, batch_size):
        for start in range(0, self.num_images, batch_size):
            yield np.stack(
                [self._read(p) for p in self.paths[start : start + batch_size]]
            )


def image_source(source, num_images=None, seed=0, arg="images"):
    """Wraps what a user passes as images into a source of uint8 batches.

    Args:
        source: An array `(n, h, w, 1 or 3)` (uint8 in [0, 255] or floats in
            [-1, 1]), an object with a `generate(num_images, seed=...)`
            method (a ganzoo model), or the path of a folder of images.
        num_images: How many images to take: the first `num_images` of an
            array or folder (default all), or how many to generate (needed
            for a model).
        seed: Seed of a model's samples.
        arg: Name of the argument, for error messages.

    Returns:
        An object with `num_images` and `batches(batch_size)`, an iterator
        of uint8 arrays `(b, h, w, 3)`.
    """
    if num_images is not None:
        num_images = validation.check_positive_int(num_images, "num_images")
    if isinstance(source, (str, os.PathLike)):
        return FolderSource(source, num_images, arg)
    if hasattr(source, "generate"):
        return ModelSource(source, num_images, seed, arg)
    if validation.is_array(source) or isinstance(source, (list, tuple)):
        return ArraySource(source, num_images, arg)
    raise TypeError(
        f"`{arg}` must be an image array, a model with `generate`, or a "
        f"folder path. Received: {arg} of type {type(source).__name__}"
    )
