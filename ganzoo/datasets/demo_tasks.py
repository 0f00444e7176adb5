"""Small image-to-image tasks built offline from images that ship with packages.

Nothing is downloaded: the digits are ganzoo's bundled MNIST subset
(`ganzoo.datasets.load("mnist_5k")`), the photographs those that
scikit-image ships inside its package (`skimage.data`; install
`ganzoo[demo]`). Every task returns a `DemoTask` holding train and test
arrays in [-1, 1] and builds the matching `PairedImages` or
`UnpairedImages`.
"""

import dataclasses
import functools
import typing

import numpy as np
from PIL import Image

from ganzoo.datasets import image_folders
from ganzoo.datasets.image_pairs import PairedImages
from ganzoo.datasets.image_pairs import UnpairedImages
from ganzoo.datasets.mnist_5k import load_mnist_5k
from ganzoo.images import from_uint8

# skimage.data photographs stored in scikit-image's own package data (no
# download): the colour sources of the photo-based tasks.
PHOTOS = (
    "astronaut",
    "chelsea",
    "coffee",
    "rocket",
    "immunohistochemistry",
    "stereo_motorcycle",
)
# Right-hand fraction of every photograph kept for the test crops.
TEST_FRACTION = 0.3
_DIGIT_SIZE = 28


@dataclasses.dataclass(frozen=True)
class DemoTask:
    """An offline image-to-image task: arrays of two domains, A and B.

    Attributes:
        name: The task's name.
        paired: True when `train[0][i]` goes with `train[1][i]` (pix2pix);
            False for unpaired sets (CycleGAN).
        train: Tuple `(images_a, images_b)` of float32 arrays
            `(n, height, width, channels)` in [-1, 1].
        test: Held-out `(images_a, images_b)`, built from digits or image
            regions that the train split does not use.
        train_labels: `(labels_a, labels_b)` int32 digit classes for the
            digit tasks, else None.
        test_labels: As `train_labels`, for `test`.
    """

    name: str
    paired: bool
    train: tuple
    test: tuple
    train_labels: typing.Optional[tuple] = None
    test_labels: typing.Optional[tuple] = None

    def __repr__(self):
        def shapes(pair):
            return ", ".join(str(tuple(images.shape)) for images in pair)

        kind = "paired" if self.paired else "unpaired"
        return (
            f"DemoTask({self.name!r}, {kind}, train A/B: {shapes(self.train)}, "
            f"test A/B: {shapes(self.test)})"
        )

    def dataset(self, split="train", **kwargs):
        """The split as a `PairedImages` or `UnpairedImages`.

        Args:
            split: `"train"` or `"test"`.
            **kwargs: Options of `PairedImages.from_arrays` or
                `UnpairedImages.from_arrays` (`batch_size`, `seed`,
                `shuffle`, `direction` for paired tasks, ...).

        Returns:
            A `keras.utils.PyDataset` that `fit` takes.

        Example:

        ```python
        task = ganzoo.datasets.digits_to_edges()
        model.fit(task.dataset(batch_size=64, seed=0), epochs=20)
        ```
        """
        if split not in ("train", "test"):
            raise ValueError(
                f"`split` must be 'train' or 'test'. Received: split={split!r}"
            )
        images = self.train if split == "train" else self.test
        cls = PairedImages if self.paired else UnpairedImages
        return cls.from_arrays(*images, **kwargs)


def demo_task_names():
    """Names accepted by `demo_task`.

    Returns:
        A list of strings.

    Example:

    >>> ganzoo.datasets.demo_task_names()
    ['digits_to_edges', 'grey_to_colour', 'plain_to_textured_digits']
    """
    return list(_TASKS)


def demo_task(name, **kwargs):
    """Builds a demo task by name.

    Args:
        name: One of `demo_task_names()`.
        **kwargs: Arguments of that task's function.

    Returns:
        A `DemoTask`.

    Example:

    ```python
    task = ganzoo.datasets.demo_task("grey_to_colour", seed=1)
    ```
    """
    if name not in _TASKS:
        choices = ", ".join(repr(n) for n in _TASKS)
        raise ValueError(
            f"Unknown demo task. Available: {choices}. Received: name={name!r}"
        )
    return _TASKS[name](**kwargs)


def digits_to_edges(size=32):
    """Paired task: MNIST digits (A) to their outlines (B), greyscale.

    A is a bundled MNIST digit, white on black, centred in a `size` x
    `size` frame (padded from 28 pixels, then resized if `size` is not
    32). B is its outline: the pixels just outside the digit's stroke,
    i.e. the dilation of the stroke (pixels above mid-grey) by a 3x3
    square minus the stroke itself, drawn white (1) on black (-1). Use
    `direction="b_to_a"` to fill outlines into digits instead. Nothing is
    random: the splits are `mnist_5k`'s 4,000 train and 1,000 held-out
    test digits.

    Args:
        size: Side of the images, at least 8.

    Returns:
        A `DemoTask` with `train` of two `(4000, size, size, 1)` arrays,
        `test` of two `(1000, size, size, 1)` arrays, and the digits'
        classes as labels.

    Example:

    ```python
    task = ganzoo.datasets.digits_to_edges()
    digits, outlines = task.train
    ```
    """
    size = _check_size(size)
    splits = {}
    for split in ("train", "test"):
        digits, labels = load_mnist_5k(split)
        digits = _fit_digits(digits, size)
        splits[split] = ((digits, _outlines(digits)), (labels, labels))
    return DemoTask(
        name="digits_to_edges",
        paired=True,
        train=splits["train"][0],
        test=splits["test"][0],
        train_labels=splits["train"][1],
        test_labels=splits["test"][1],
    )


def grey_to_colour(size=32, num_train=3000, num_test=600, seed=0):
    """Paired task: greyscale crops (A) of colour photographs (B).

    The sources are the colour photographs scikit-image ships (`PHOTOS`:
    astronaut, chelsea, coffee, rocket, immunohistochemistry,
    stereo_motorcycle's left view), each resized so its shorter side is
    `4 * size`. Crops of `size` x `size` are drawn at random positions,
    an equal share from each photograph: train crops from the left 70% of
    every photograph, test crops from the right 30%, so no test pixel was
    seen in training. A is the crop's luma (ITU-R 601: 0.299 R +
    0.587 G + 0.114 B), one channel; B the colour crop, three channels.

    Args:
        size: Side of the crops, at least 8.
        num_train: Number of train pairs.
        num_test: Number of test pairs.
        seed: Seed of the crop positions.

    Returns:
        A `DemoTask` with `train` of `(num_train, size, size, 1)` and
        `(num_train, size, size, 3)` arrays and `test` likewise.

    Raises:
        ImportError: if scikit-image is not installed.

    Example:

    ```python
    task = ganzoo.datasets.grey_to_colour(seed=0)
    grey, colour = task.test
    ```
    """
    size = _check_size(size)
    rng = np.random.default_rng(seed)
    splits = {}
    for split, count in (("train", num_train), ("test", num_test)):
        count = _check_count(count, f"num_{split}")
        colour = _photo_crops(split, count, size, rng)
        splits[split] = (_luma(colour), colour)
    return DemoTask(
        name="grey_to_colour",
        paired=True,
        train=splits["train"],
        test=splits["test"],
    )


def plain_to_textured_digits(size=32, seed=0):
    """Unpaired task: digits on black (A) versus digits on photo textures (B).

    A: bundled MNIST digits, white on black, as 3-channel images. B:
    digits drawn in white over a darkened crop of a colour photograph
    (`PHOTOS`, each resized so its shorter side is `4 * size`). The train
    split is unpaired, as CycleGAN expects: A holds the first 2,000 of
    `mnist_5k`'s train digits, B the other 2,000, each on a texture from
    the left 70% of a photograph. The test split holds the 1,000 held-out
    digits in both domains, in the same order (so `test[0][i]` and
    `test[1][i]` show the same digit, a ground truth for evaluation), with
    textures from the photographs' right 30%.

    Args:
        size: Side of the images, at least 8.
        seed: Seed of the texture crops.

    Returns:
        A `DemoTask` with `train` of two `(2000, size, size, 3)` arrays,
        `test` of two `(1000, size, size, 3)` arrays, and the digits'
        classes as labels.

    Raises:
        ImportError: if scikit-image is not installed.

    Example:

    ```python
    task = ganzoo.datasets.plain_to_textured_digits()
    data = task.dataset(batch_size=16, seed=0)  # an UnpairedImages
    ```
    """
    size = _check_size(size)
    rng = np.random.default_rng(seed)
    digits, labels = load_mnist_5k("train")
    digits = _fit_digits(digits, size)
    half = len(digits) // 2
    plain, textured = digits[:half], digits[half:]
    train = (
        _to_rgb(plain),
        _on_texture(textured, _photo_crops("train", half, size, rng)),
    )
    test_digits, test_labels = load_mnist_5k("test")
    test_digits = _fit_digits(test_digits, size)
    textures = _photo_crops("test", len(test_digits), size, rng)
    return DemoTask(
        name="plain_to_textured_digits",
        paired=False,
        train=train,
        test=(_to_rgb(test_digits), _on_texture(test_digits, textures)),
        train_labels=(labels[:half], labels[half:]),
        test_labels=(test_labels, test_labels),
    )


_TASKS = {
    "digits_to_edges": digits_to_edges,
    "grey_to_colour": grey_to_colour,
    "plain_to_textured_digits": plain_to_textured_digits,
}


def _check_size(size):
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 8:
        raise ValueError(f"`size` must be an int >= 8. Received: size={size!r}")
    return int(size)


def _check_count(count, arg):
    if isinstance(count, bool) or not isinstance(count, (int, np.integer)) or count < 1:
        raise ValueError(f"`{arg}` must be a positive int. Received: {arg}={count!r}")
    return int(count)


def _fit_digits(digits, size):
    """28x28 digits padded to 32x32 (black), then resized to `size`."""
    padded = np.pad(digits, ((0, 0), (2, 2), (2, 2), (0, 0)), constant_values=-1.0)
    if size == padded.shape[1]:
        return padded
    return np.stack([image_folders.resize(d, size) for d in padded])


def _outlines(digits):
    """White (1) where a 3x3 dilation of the stroke adds pixels, else -1."""
    stroke = digits[..., 0] > 0.0
    padded = np.pad(stroke, ((0, 0), (1, 1), (1, 1)))
    height, width = stroke.shape[1:]
    dilated = np.zeros_like(stroke)
    for dy in range(3):
        for dx in range(3):
            dilated |= padded[:, dy : dy + height, dx : dx + width]
    outline = dilated & ~stroke
    return np.where(outline, 1.0, -1.0).astype("float32")[..., None]


def _luma(colour):
    weights = np.array([0.299, 0.587, 0.114], dtype="float32")
    return (colour @ weights)[..., None].astype("float32")


def _to_rgb(images):
    return np.repeat(images, 3, axis=-1)


def _on_texture(digits, textures):
    """White digits over textures darkened into [-1, 0.2]."""
    alpha = (digits + 1.0) / 2.0
    background = 0.6 * textures - 0.4
    return (alpha * 1.0 + (1.0 - alpha) * background).astype("float32")


def _photo_crops(split, count, size, rng):
    """`count` random `size` crops, shared evenly among `PHOTOS`, shuffled.

    Train crops lie in each photo's left `1 - TEST_FRACTION` of columns,
    test crops in the rest.
    """
    photos = _photos(4 * size)
    shares = np.full(len(photos), count // len(photos))
    shares[: count % len(photos)] += 1
    crops = []
    for photo, share in zip(photos, shares, strict=True):
        height, width = photo.shape[:2]
        # Both regions at least `size` wide.
        border = min(int(round(width * (1.0 - TEST_FRACTION))), width - size)
        low, high = (0, border - size) if split == "train" else (border, width - size)
        tops = rng.integers(0, height - size + 1, size=share)
        lefts = rng.integers(low, high + 1, size=share)
        crops += [
            photo[t : t + size, x : x + size] for t, x in zip(tops, lefts, strict=True)
        ]
    return from_uint8(np.stack(crops)[rng.permutation(count)])


@functools.lru_cache(maxsize=2)
def _photos(short_side):
    """The `PHOTOS` as uint8 RGB, resized so their shorter side is `short_side`."""
    data = _skimage_data()
    photos = []
    for name in PHOTOS:
        photo = getattr(data, name)()
        photo = photo[0] if isinstance(photo, tuple) else photo  # stereo pair
        height, width = photo.shape[:2]
        scale = short_side / min(height, width)
        shape = (round(width * scale), round(height * scale))
        photos.append(np.asarray(Image.fromarray(photo).resize(shape, Image.BICUBIC)))
    return photos


def _skimage_data():
    try:
        from skimage import data
    except ImportError as error:
        raise ImportError(
            "The photo-based demo tasks read the photographs that scikit-image "
            "ships; install it with `pip install 'keras-ganzoo[demo]'` (or "
            "`pip install scikit-image`)."
        ) from error
    return data
