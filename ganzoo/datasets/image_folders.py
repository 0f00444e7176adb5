"""Reading image files with Pillow, and the pix2pix/CycleGAN preprocessing.

Images stay as NumPy arrays `(height, width, channels)` until the batch is
assembled: uint8 when read from files, float32 in [-1, 1] when given as
arrays. `augment` applies the papers' resize, random crop and random flip
to the images of one example together, so a pair keeps its alignment.
"""

import os

import numpy as np
from PIL import Image
from PIL import UnidentifiedImageError

from ganzoo import validation
from ganzoo.images import from_uint8

IMAGE_EXTENSIONS = (
    ".bmp",
    ".jpeg",
    ".jpg",
    ".png",
    ".ppm",
    ".tif",
    ".tiff",
    ".webp",
)
PREPROCESS_MODES = ("resize_and_crop", "resize", "none")
_PIL_MODES = {1: "L", 3: "RGB"}


def list_images(folder, arg="folder"):
    """Lists the image files of a folder (not its subfolders), sorted by name.

    A file counts as an image when its extension (any case) is one of
    `IMAGE_EXTENSIONS`; hidden files (names starting with `.`) are skipped.

    Args:
        folder: Path of the folder.
        arg: Name of the argument, for error messages.

    Returns:
        A list of file paths (strings), sorted by file name.

    Raises:
        ValueError: if `folder` is not a folder or holds no image file.

    Example:

    >>> list_images("facades/train")[:2]
    ['facades/train/1.jpg', 'facades/train/10.jpg']
    """
    if not isinstance(folder, (str, os.PathLike)) or not os.path.isdir(folder):
        raise ValueError(
            f"`{arg}` must be the path of an existing folder. Received: "
            f"{arg}={folder!r}"
        )
    names = sorted(n for n in os.listdir(folder) if not n.startswith("."))
    images = [n for n in names if n.lower().endswith(IMAGE_EXTENSIONS)]
    if not images:
        others = ", ".join(repr(n) for n in names[:5]) or "nothing"
        raise ValueError(
            f"`{arg}` holds no image file (extensions: "
            f"{', '.join(IMAGE_EXTENSIONS)}). Received: {arg}={str(folder)!r}, "
            f"which holds {others}"
        )
    return [os.path.join(folder, n) for n in images]


def read_image(path, channels):
    """Reads an image file as uint8 `(height, width, channels)`.

    Args:
        path: Path of the file.
        channels: 1 (greyscale, ITU-R 601 luma) or 3 (RGB). Other modes
            (palette, RGBA, greyscale) are converted.

    Returns:
        A uint8 NumPy array.

    Raises:
        ValueError: if Pillow cannot read the file as an image.
    """
    with _open(path) as image:
        return _to_array(image, channels)


def read_side_by_side(path, channels):
    """Reads a side-by-side pair, as the pix2pix archives store them.

    The left half of the image is A and the right half B; each half is
    `width // 2` pixels wide (a last odd column is dropped).

    Args:
        path: Path of the file.
        channels: Pair `(channels_a, channels_b)`, each 1 or 3.

    Returns:
        Tuple `(a, b)` of uint8 arrays `(height, width // 2, channels)`.

    Raises:
        ValueError: if Pillow cannot read the file, or it is less than 2
            pixels wide.
    """
    with _open(path) as image:
        width, height = image.size
        half = width // 2
        if half < 1:
            raise ValueError(
                "A side-by-side image must be at least 2 pixels wide. "
                f"Received: {str(path)!r} of size {width}x{height}"
            )
        a = _to_array(image.crop((0, 0, half, height)), channels[0])
        b = _to_array(image.crop((half, 0, 2 * half, height)), channels[1])
    return a, b


def _open(path):
    image = None
    try:
        image = Image.open(path)
        image.load()
    except (UnidentifiedImageError, OSError) as error:
        if image is not None:
            image.close()
        raise ValueError(
            f"Cannot read {str(path)!r} as an image: {error}. Remove it from "
            "the folder or convert it to PNG or JPEG."
        ) from error
    return image


def _to_array(image, channels):
    array = np.asarray(image.convert(_PIL_MODES[channels]), dtype="uint8")
    return array[..., None] if channels == 1 else array


def resize(image, size):
    """Resizes `(h, w, c)` to `(size, size, c)` with bicubic interpolation.

    uint8 images are resized by Pillow in one go; float32 images in
    [-1, 1] channel by channel in Pillow's 32-bit float mode, then clipped
    back to [-1, 1] (bicubic overshoots at sharp edges).
    """
    if image.shape[:2] == (size, size):
        return image
    if image.dtype == np.uint8:
        pil = Image.fromarray(image[..., 0] if image.shape[-1] == 1 else image)
        resized = np.asarray(pil.resize((size, size), Image.BICUBIC))
        return resized.reshape(size, size, image.shape[-1])
    channels = [
        np.asarray(
            Image.fromarray(np.ascontiguousarray(image[..., c], "float32")).resize(
                (size, size), Image.BICUBIC
            )
        )
        for c in range(image.shape[-1])
    ]
    return np.clip(np.stack(channels, axis=-1), -1.0, 1.0)


def augment(images, rng, preprocess, load_size, crop_size, flip):
    """Applies the same resize, random crop and random flip to every image.

    Args:
        images: A list of arrays `(h, w, c)` of one example (one image, or
            the two images of a pair), uint8 or float32 in [-1, 1].
        rng: A `numpy.random.Generator`; it draws the crop offset, then
            the flip.
        preprocess: `"resize_and_crop"` (resize to `load_size` squared,
            then a random `crop_size` square crop, as in the papers),
            `"resize"` (resize to `crop_size` squared, no crop) or
            `"none"` (keep the size).
        load_size: Side after resizing, for `"resize_and_crop"`.
        crop_size: Side of the crop (`"resize_and_crop"`) or of the
            resized image (`"resize"`).
        flip: Whether to mirror the images left-right with probability 1/2.

    Returns:
        A list of float32 arrays in [-1, 1], in the order of `images`.
    """
    if preprocess == "resize_and_crop":
        images = [resize(image, load_size) for image in images]
        top, left = rng.integers(0, load_size - crop_size + 1, size=2)
        images = [
            image[top : top + crop_size, left : left + crop_size] for image in images
        ]
    elif preprocess == "resize":
        images = [resize(image, crop_size) for image in images]
    if flip and rng.random() < 0.5:
        images = [image[:, ::-1] for image in images]
    return [
        from_uint8(image) if image.dtype == np.uint8 else image.astype("float32")
        for image in images
    ]


def check_preprocessing(preprocess, load_size, crop_size, flip):
    """Checks the preprocessing arguments; raises ValueError naming the bad one."""
    if preprocess not in PREPROCESS_MODES:
        raise ValueError(
            f"`preprocess` must be one of {', '.join(map(repr, PREPROCESS_MODES))}. "
            f"Received: preprocess={preprocess!r}"
        )
    for name, value in (("load_size", load_size), ("crop_size", crop_size)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise TypeError(
                f"`{name}` must be a positive int. Received: {name}={value!r}"
            )
        if value < 1:
            raise ValueError(
                f"`{name}` must be a positive int. Received: {name}={value!r}"
            )
    if preprocess == "resize_and_crop" and crop_size > load_size:
        raise ValueError(
            "`crop_size` must not exceed `load_size` with "
            f"preprocess='resize_and_crop'. Received: crop_size={crop_size}, "
            f"load_size={load_size}"
        )
    if not isinstance(flip, bool):
        raise TypeError(f"`flip` must be True or False. Received: flip={flip!r}")


def check_channels(channels):
    """Returns `(channels_a, channels_b)` from an int or a pair of ints (1 or 3)."""
    pair = channels if isinstance(channels, (tuple, list)) else (channels, channels)
    if len(pair) != 2 or any(c not in _PIL_MODES or isinstance(c, bool) for c in pair):
        raise ValueError(
            "`channels` must be 1 (greyscale) or 3 (RGB), or a pair of them "
            "for the A and B images. Received: "
            f"channels={channels!r}"
        )
    return tuple(int(c) for c in pair)


def load_image_folder(folder, image_size, channels=3):
    """Reads the images of a folder as float32 images in [-1, 1], for `fit`.

    Each image is centre-cropped to a square (the middle of its longer
    side), resized to `image_size` squared (bicubic) and scaled to
    [-1, 1]. Subfolders and hidden files are skipped; see `list_images`.
    Everything is read into memory: for folders larger than memory, feed
    `fit` a `tf.data` pipeline or a torch `DataLoader` instead.

    Args:
        folder: Path of a folder of image files.
        image_size: Side of the square images returned.
        channels: 1 (greyscale) or 3 (RGB); other modes are converted.

    Returns:
        A float32 NumPy array `(n, image_size, image_size, channels)`,
        images in file-name order.

    Raises:
        ValueError: if `folder` holds no image, a file cannot be read, or
            `channels` is not 1 or 3.
        TypeError: if `image_size` is not a positive int.

    Example:

    ```python
    images = ganzoo.datasets.load_image_folder("my_faces", image_size=64)
    model = ganzoo.DCGAN(image_shape=images.shape[1:])
    model.compile()
    model.fit(images, batch_size=64, epochs=50)
    ```
    """
    image_size = _check_size_and_channels(image_size, channels)
    return _read_squares(list_images(folder), image_size, channels)


def load_labelled_image_folder(folder, image_size, channels=3):
    """Reads a folder with one sub-folder of images per class, for `fit`.

    The class of an image is the name of its sub-folder; class ids follow
    the sorted sub-folder names, so `class_names[i]` names class id `i`.
    Each image is prepared as in `load_image_folder`. Hidden sub-folders
    (names starting with `.`) and files beside the sub-folders are skipped.

    Args:
        folder: Path of a folder such as `animals/` holding `animals/cat/`,
            `animals/dog/`, ...
        image_size: Side of the square images returned.
        channels: 1 (greyscale) or 3 (RGB); other modes are converted.

    Returns:
        Tuple `(images, labels, class_names)`: float32 images
        `(n, image_size, image_size, channels)` in [-1, 1], class by class
        and in file-name order within a class; int32 labels `(n,)`; and the
        list of sub-folder names.

    Raises:
        ValueError: if `folder` has no sub-folder, a sub-folder holds no
            image, a file cannot be read, or `channels` is not 1 or 3.
        TypeError: if `image_size` is not a positive int.

    Example:

    ```python
    images, labels, class_names = ganzoo.datasets.load_labelled_image_folder(
        "animals", image_size=64)
    model = ganzoo.ConditionalDCGAN(image_shape=images.shape[1:],
                                    num_classes=len(class_names))
    model.compile()
    model.fit(images, labels, batch_size=64, epochs=50)
    ```
    """
    image_size = _check_size_and_channels(image_size, channels)
    class_names = label_folders(folder)
    paths, labels = [], []
    for label, name in enumerate(class_names):
        found = list_images(os.path.join(folder, name))
        paths += found
        labels += [label] * len(found)
    images = _read_squares(paths, image_size, channels)
    return images, np.asarray(labels, "int32"), class_names


def label_folders(folder):
    """The sorted names of a folder's sub-folders (hidden ones skipped).

    Raises:
        ValueError: if `folder` is not a folder or has no sub-folder.
    """
    if not isinstance(folder, (str, os.PathLike)) or not os.path.isdir(folder):
        raise ValueError(
            "`folder` must be the path of an existing folder. Received: "
            f"folder={folder!r}"
        )
    names = sorted(
        n
        for n in os.listdir(folder)
        if not n.startswith(".") and os.path.isdir(os.path.join(folder, n))
    )
    if not names:
        raise ValueError(
            "`folder` must hold one sub-folder of images per class (the "
            "sub-folder names are the class names). Received: "
            f"folder={str(folder)!r}, which has no sub-folder"
        )
    return names


def _check_size_and_channels(image_size, channels):
    image_size = validation.check_positive_int(image_size, "image_size")
    if channels not in _PIL_MODES or isinstance(channels, bool):
        raise ValueError(
            f"`channels` must be 1 (greyscale) or 3 (RGB). Received: "
            f"channels={channels!r}"
        )
    return image_size


def _read_squares(paths, image_size, channels):
    """Centre square of each file, resized, as float32 in [-1, 1]."""
    images = np.empty((len(paths), image_size, image_size, channels), "float32")
    for i, path in enumerate(paths):
        image = read_image(path, channels)
        height, width = image.shape[:2]
        side = min(height, width)
        top, left = (height - side) // 2, (width - side) // 2
        square = image[top : top + side, left : left + side]
        images[i] = from_uint8(resize(square, image_size))
    return images
