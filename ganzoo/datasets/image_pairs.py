"""Paired and unpaired image datasets for pix2pix and CycleGAN.

`PairedImages` and `UnpairedImages` are `keras.utils.PyDataset`s: `fit`
takes them on every backend, and they import no framework. Each batch is
`((images_a, images_b),)`, exactly what `fit(x=(images_a, images_b))`
yields from arrays, so a model sees the same structure either way.
"""

import os

import keras
import numpy as np

from ganzoo.datasets import image_folders
from ganzoo.validation import check_positive_int

_DIRECTIONS = ("a_to_b", "b_to_a")
_MAX_LISTED = 5


class _TwoDomainImages(keras.utils.PyDataset):
    """Batching, ordering and augmentation shared by both datasets.

    Subclasses set `self._num_a` and `self._num_b` and implement
    `_read(index_a, index_b)`, which returns the example's two raw images.
    Every example's crops and flips come from its own generator, seeded by
    `(seed, epoch, position in the epoch)`, so a seed gives the same
    batches whatever the order or the threads that read them.
    """

    def __init__(
        self,
        num_a,
        num_b,
        *,
        batch_size,
        preprocess,
        load_size,
        crop_size,
        flip,
        shuffle,
        seed,
        drop_remainder,
        **kwargs,
    ):
        super().__init__(**kwargs)
        image_folders.check_preprocessing(preprocess, load_size, crop_size, flip)
        for name, value in (("shuffle", shuffle), ("drop_remainder", drop_remainder)):
            if not isinstance(value, bool):
                raise TypeError(
                    f"`{name}` must be True or False. Received: {name}={value!r}"
                )
        if seed is not None and (
            isinstance(seed, bool) or not isinstance(seed, (int, np.integer))
        ):
            raise TypeError(f"`seed` must be an int or None. Received: seed={seed!r}")
        if seed is not None and seed < 0:
            raise ValueError(f"`seed` must be >= 0. Received: seed={seed!r}")
        self.batch_size = check_positive_int(batch_size, "batch_size")
        self.preprocess = preprocess
        self.load_size = int(load_size)
        self.crop_size = int(crop_size)
        self.flip = flip
        self.shuffle = shuffle
        self.drop_remainder = drop_remainder
        # Without a seed, one drawn now keeps the epochs of this object
        # consistent with each other (and with worker threads).
        self.seed = int(np.random.SeedSequence().entropy if seed is None else seed)
        self._num_a = num_a
        self._num_b = num_b
        self._epoch = 0
        self._orders = self._make_orders()

    @property
    def num_examples(self):
        """Examples per epoch."""
        return max(self._num_a, self._num_b)

    def __len__(self):
        full, rest = divmod(self.num_examples, self.batch_size)
        return full + (1 if rest and not self.drop_remainder else 0)

    def __getitem__(self, index):
        if not 0 <= index < len(self):
            raise IndexError(
                f"Batch index out of range: this dataset has {len(self)} "
                f"batches. Received: index={index}"
            )
        order_a, order_b = self._orders
        start = index * self.batch_size
        stop = min(start + self.batch_size, self.num_examples)
        images_a, images_b = [], []
        for position in range(start, stop):
            rng = np.random.default_rng([self.seed, self._epoch, position])
            raw = self._read(int(order_a[position]), int(order_b[position]))
            # A pair shares one crop and flip; unpaired images draw their own.
            groups = [list(raw)] if self._paired else [[raw[0]], [raw[1]]]
            a, b = [
                image
                for group in groups
                for image in image_folders.augment(
                    group,
                    rng,
                    self.preprocess,
                    self.load_size,
                    self.crop_size,
                    self.flip,
                )
            ]
            images_a.append(a)
            images_b.append(b)
        return ((_stack(images_a, "A"), _stack(images_b, "B")),)

    def on_epoch_end(self):
        """Moves to the next epoch: a new order and new crops and flips.

        Keras calls it after every epoch of `fit` (and may call it once
        more when `fit` starts); call it yourself when iterating by hand.
        """
        self._epoch += 1
        self._orders = self._make_orders()

    def _make_orders(self):
        rng = np.random.default_rng([self.seed, self._epoch, 2**32])
        order_a = _cycle(self._num_a, self.num_examples, rng, self.shuffle)
        if self._paired:
            return order_a, order_a
        return order_a, _cycle(self._num_b, self.num_examples, rng, self.shuffle)


class PairedImages(_TwoDomainImages):
    """Aligned image pairs for pix2pix, read from files or arrays.

    Two sources:

    - one folder of side-by-side images, as the pix2pix archives store
      them: the left half is A, the right half B;
    - two folders whose images are matched by file name without its
      extension (`0001.jpg` in `folder` goes with `0001.png` in
      `folder_b`). Every image must have its partner.

    Each batch is `((inputs, targets),)`: two float32 arrays
    `(batch, height, width, channels)` in [-1, 1]. `direction="a_to_b"`
    makes A the inputs, `"b_to_a"` B. The same crop and flip are applied
    to both images of a pair. An epoch visits every pair once, in a new
    random order when `shuffle` is on.

    Preprocessing, as in the pix2pix and CycleGAN papers and their
    reference code: `"resize_and_crop"` resizes both images to
    `load_size` x `load_size` (bicubic), takes the same random
    `crop_size` x `crop_size` crop of both, and mirrors both left-right
    with probability 1/2 (`flip`). `"resize"` resizes to `crop_size`
    without cropping; `"none"` keeps the images as they are (they must then
    all have one size). For evaluation, use `preprocess="resize"`,
    `flip=False` and `shuffle=False`.

    Args:
        folder: Folder of side-by-side images, or of the A images when
            `folder_b` is given.
        folder_b: Optional folder of the B images, matched to `folder`'s
            by file name.
        direction: `"a_to_b"` (inputs A, targets B) or `"b_to_a"`.
        batch_size: Pairs per batch (the papers use 1).
        preprocess: `"resize_and_crop"`, `"resize"` or `"none"`.
        load_size: Side after resizing, before the crop (paper: 286).
        crop_size: Side of the crop, i.e. of the images in the batches
            (paper: 256); with `"resize"`, the side after resizing.
        flip: Whether to mirror each pair left-right with probability 1/2.
        channels: Channels of the images read from files: 3 (RGB) or 1
            (greyscale), or a pair `(channels_a, channels_b)`.
        shuffle: Whether each epoch visits the pairs in a new random order.
        seed: Optional int making the order, crops and flips reproducible.
        drop_remainder: Whether to drop a last batch smaller than
            `batch_size`.
        **kwargs: `workers`, `use_multiprocessing`, `max_queue_size` of
            `keras.utils.PyDataset`.

    Example:

    ```python
    folders = ganzoo.datasets.load_pix2pix_dataset("facades", sha256=...)
    data = ganzoo.datasets.PairedImages(
        folders["train"], direction="b_to_a", seed=0
    )
    (labels, photos), = data[0]  # (1, 256, 256, 3) each, in [-1, 1]
    model.fit(data, epochs=200)
    ```

    Reference:
        Isola et al., "Image-to-Image Translation with Conditional
        Adversarial Networks", CVPR 2017.
    """

    _paired = True

    def __init__(
        self,
        folder,
        folder_b=None,
        *,
        direction="a_to_b",
        batch_size=1,
        preprocess="resize_and_crop",
        load_size=286,
        crop_size=256,
        flip=True,
        channels=3,
        shuffle=True,
        seed=None,
        drop_remainder=False,
        **kwargs,
    ):
        channels = image_folders.check_channels(channels)
        self.direction = _check_direction(direction)
        if folder_b is None:
            self._files = [(p, None) for p in image_folders.list_images(folder)]
        else:
            self._files = _match_by_name(
                image_folders.list_images(folder),
                image_folders.list_images(folder_b, arg="folder_b"),
            )
        self._channels = channels
        self._arrays = None
        super().__init__(
            len(self._files),
            len(self._files),
            batch_size=batch_size,
            preprocess=preprocess,
            load_size=load_size,
            crop_size=crop_size,
            flip=flip,
            shuffle=shuffle,
            seed=seed,
            drop_remainder=drop_remainder,
            **kwargs,
        )

    @classmethod
    def from_arrays(
        cls,
        images_a,
        images_b,
        *,
        direction="a_to_b",
        batch_size=1,
        preprocess="none",
        load_size=286,
        crop_size=256,
        flip=False,
        shuffle=True,
        seed=None,
        drop_remainder=False,
        **kwargs,
    ):
        """Pairs from two arrays: `images_a[i]` goes with `images_b[i]`.

        The arrays are float images in [-1, 1], channels-last, with one
        length; the two may differ in size and channels. By default they
        are batched as they are (`preprocess="none"`, `flip=False`);
        pass the other options to augment them as `PairedImages` does.

        Args:
            images_a: Float array `(n, height, width, channels)`.
            images_b: Float array `(n, height_b, width_b, channels_b)`.
            direction: `"a_to_b"` (inputs A, targets B) or `"b_to_a"`.
            batch_size: Pairs per batch.
            preprocess: `"none"` (default), `"resize"` or
                `"resize_and_crop"`, as for `PairedImages`.
            load_size: Side after resizing, before the crop.
            crop_size: Side of the crop (or after resizing, with `"resize"`).
            flip: Whether to mirror left-right at random (default off).
            shuffle: Whether each epoch visits the images in a new order.
            seed: Optional int making the order, crops and flips
                reproducible.
            drop_remainder: Whether to drop a last batch smaller than
                `batch_size`.
            **kwargs: Options of `keras.utils.PyDataset` (`workers`, ...).

        Returns:
            A `PairedImages`.

        Example:

        ```python
        task = ganzoo.datasets.digits_to_edges()
        data = ganzoo.datasets.PairedImages.from_arrays(
            *task.train, batch_size=64, seed=0
        )
        ```
        """
        images_a = _check_array(images_a, "images_a")
        images_b = _check_array(images_b, "images_b")
        if len(images_a) != len(images_b):
            raise ValueError(
                "`images_a` and `images_b` must hold the same number of "
                f"images, one pair per index. Received: {len(images_a)} and "
                f"{len(images_b)} images"
            )
        self = cls.__new__(cls)
        self.direction = _check_direction(direction)
        self._arrays = (images_a, images_b)
        _TwoDomainImages.__init__(
            self,
            len(images_a),
            len(images_b),
            batch_size=batch_size,
            preprocess=preprocess,
            load_size=load_size,
            crop_size=crop_size,
            flip=flip,
            shuffle=shuffle,
            seed=seed,
            drop_remainder=drop_remainder,
            **kwargs,
        )
        return self

    def _read(self, index_a, index_b):
        if self._arrays is not None:
            a, b = self._arrays[0][index_a], self._arrays[1][index_b]
        else:
            path_a, path_b = self._files[index_a]
            if path_b is None:
                a, b = image_folders.read_side_by_side(path_a, self._channels)
            else:
                a = image_folders.read_image(path_a, self._channels[0])
                b = image_folders.read_image(path_b, self._channels[1])
        return (a, b) if self.direction == "a_to_b" else (b, a)


class UnpairedImages(_TwoDomainImages):
    """Two unaligned sets of images for CycleGAN, read from files or arrays.

    Each batch is `((images_a, images_b),)`: two float32 arrays
    `(batch, height, width, channels)` in [-1, 1], with no correspondence
    between the A and B images. An epoch has as many examples as the larger
    set, as in the CycleGAN reference code: the smaller set is repeated,
    each of its passes in a new order. With `shuffle`, the A and B orders
    are drawn independently each epoch, so every epoch meets new
    combinations.

    Preprocessing as for `PairedImages` (resize to `load_size`, random
    `crop_size` crop, random flip), drawn independently for each image.

    Args:
        folder_a: Folder of the A images.
        folder_b: Folder of the B images.
        batch_size: Images of each set per batch (the paper uses 1).
        preprocess: `"resize_and_crop"`, `"resize"` or `"none"`.
        load_size: Side after resizing, before the crop (paper: 286).
        crop_size: Side of the crop (paper: 256); with `"resize"`, the side
            after resizing.
        flip: Whether to mirror each image left-right with probability 1/2.
        channels: Channels of the images read from files: 3 (RGB) or 1
            (greyscale), or a pair `(channels_a, channels_b)`.
        shuffle: Whether each epoch visits the images in new random orders.
        seed: Optional int making the orders, crops and flips reproducible.
        drop_remainder: Whether to drop a last batch smaller than
            `batch_size`.
        **kwargs: `workers`, `use_multiprocessing`, `max_queue_size` of
            `keras.utils.PyDataset`.

    Example:

    ```python
    folders = ganzoo.datasets.load_cyclegan_dataset("horse2zebra")
    data = ganzoo.datasets.UnpairedImages(
        folders["trainA"], folders["trainB"], seed=0
    )
    model.fit(data, epochs=200)
    ```

    Reference:
        Zhu et al., "Unpaired Image-to-Image Translation using
        Cycle-Consistent Adversarial Networks", ICCV 2017.
    """

    _paired = False

    def __init__(
        self,
        folder_a,
        folder_b,
        *,
        batch_size=1,
        preprocess="resize_and_crop",
        load_size=286,
        crop_size=256,
        flip=True,
        channels=3,
        shuffle=True,
        seed=None,
        drop_remainder=False,
        **kwargs,
    ):
        channels = image_folders.check_channels(channels)
        self._files = (
            image_folders.list_images(folder_a, arg="folder_a"),
            image_folders.list_images(folder_b, arg="folder_b"),
        )
        self._channels = channels
        self._arrays = None
        super().__init__(
            len(self._files[0]),
            len(self._files[1]),
            batch_size=batch_size,
            preprocess=preprocess,
            load_size=load_size,
            crop_size=crop_size,
            flip=flip,
            shuffle=shuffle,
            seed=seed,
            drop_remainder=drop_remainder,
            **kwargs,
        )

    @classmethod
    def from_arrays(
        cls,
        images_a,
        images_b,
        *,
        batch_size=1,
        preprocess="none",
        load_size=286,
        crop_size=256,
        flip=False,
        shuffle=True,
        seed=None,
        drop_remainder=False,
        **kwargs,
    ):
        """Unpaired sets from two arrays (any lengths).

        The arrays are float images in [-1, 1], channels-last. By default
        they are batched as they are (`preprocess="none"`, `flip=False`).

        Args:
            images_a: Float array `(n_a, height, width, channels)`.
            images_b: Float array `(n_b, height_b, width_b, channels_b)`.
            batch_size: Images of each set per batch.
            preprocess: `"none"` (default), `"resize"` or
                `"resize_and_crop"`, as for `UnpairedImages`.
            load_size: Side after resizing, before the crop.
            crop_size: Side of the crop (or after resizing, with `"resize"`).
            flip: Whether to mirror left-right at random (default off).
            shuffle: Whether each epoch visits the images in a new order.
            seed: Optional int making the order, crops and flips
                reproducible.
            drop_remainder: Whether to drop a last batch smaller than
                `batch_size`.
            **kwargs: Options of `keras.utils.PyDataset` (`workers`, ...).

        Returns:
            An `UnpairedImages`.

        Example:

        ```python
        task = ganzoo.datasets.plain_to_textured_digits()
        data = ganzoo.datasets.UnpairedImages.from_arrays(
            *task.train, batch_size=16, seed=0
        )
        ```
        """
        self = cls.__new__(cls)
        self._arrays = (
            _check_array(images_a, "images_a"),
            _check_array(images_b, "images_b"),
        )
        _TwoDomainImages.__init__(
            self,
            len(self._arrays[0]),
            len(self._arrays[1]),
            batch_size=batch_size,
            preprocess=preprocess,
            load_size=load_size,
            crop_size=crop_size,
            flip=flip,
            shuffle=shuffle,
            seed=seed,
            drop_remainder=drop_remainder,
            **kwargs,
        )
        return self

    def _read(self, index_a, index_b):
        if self._arrays is not None:
            return self._arrays[0][index_a], self._arrays[1][index_b]
        return (
            image_folders.read_image(self._files[0][index_a], self._channels[0]),
            image_folders.read_image(self._files[1][index_b], self._channels[1]),
        )


def _cycle(size, length, rng, shuffle):
    """`length` indices into `range(size)`: whole passes, then part of one."""
    passes = -(-length // size)
    if not shuffle:
        return np.tile(np.arange(size), passes)[:length]
    return np.concatenate([rng.permutation(size) for _ in range(passes)])[:length]


def _stack(images, domain):
    shapes = sorted({image.shape for image in images})
    if len(shapes) > 1:
        raise ValueError(
            f"The {domain} images of a batch have different shapes {shapes}: "
            "use preprocess='resize_and_crop' or 'resize' to bring them to one "
            "size, or batch_size=1."
        )
    return np.stack(images)


def _check_direction(direction):
    if direction not in _DIRECTIONS:
        raise ValueError(
            f"`direction` must be 'a_to_b' or 'b_to_a'. Received: "
            f"direction={direction!r}"
        )
    return direction


def _check_array(images, arg):
    images = np.asarray(images)
    if images.ndim != 4 or images.shape[-1] not in (1, 3) or not len(images):
        raise ValueError(
            f"`{arg}` must be a non-empty array of images (n, height, width, "
            f"channels) with 1 or 3 channels. Received: {arg}.shape={images.shape}"
        )
    if not np.issubdtype(images.dtype, np.floating):
        raise TypeError(
            f"`{arg}` must be float images in [-1, 1] (use "
            "`ganzoo.images.from_uint8` to convert uint8). Received: "
            f"{arg}.dtype={images.dtype}"
        )
    return images


def _match_by_name(paths_a, paths_b):
    """Pairs the paths whose file names agree, extension aside."""
    by_stem = []
    for arg, paths in (("folder", paths_a), ("folder_b", paths_b)):
        stems = {}
        for path in paths:
            stem = os.path.splitext(os.path.basename(path))[0]
            if stem in stems:
                raise ValueError(
                    f"`{arg}` holds two images named {stem!r} (extension "
                    f"aside): {os.path.basename(stems[stem])!r} and "
                    f"{os.path.basename(path)!r}; pairs are matched by name."
                )
            stems[stem] = path
        by_stem.append(stems)
    stems_a, stems_b = by_stem
    only_a = sorted(set(stems_a) - set(stems_b))
    only_b = sorted(set(stems_b) - set(stems_a))
    if only_a or only_b:
        raise ValueError(
            "Every image in `folder` needs an image of the same name "
            "(extension aside) in `folder_b`, and the other way round. "
            f"Only in folder ({len(only_a)}): {_listed(only_a)}; only in "
            f"folder_b ({len(only_b)}): {_listed(only_b)}"
        )
    return [(stems_a[s], stems_b[s]) for s in sorted(stems_a)]


def _listed(names):
    shown = ", ".join(repr(n) for n in names[:_MAX_LISTED])
    more = len(names) - _MAX_LISTED
    return (shown or "none") + (f" and {more} more" if more > 0 else "")
