"""Tests of `PairedImages` and `UnpairedImages` (no network, tiny images)."""

import os
import subprocess
import sys

import keras
import numpy as np
import pytest
from PIL import Image

from ganzoo.datasets.image_pairs import PairedImages
from ganzoo.datasets.image_pairs import UnpairedImages
from tests.testing import runs_on_this_backend

# One pixel step in [-1, 1]; Pillow resizes uint8 with rounding, so an
# inverted image resizes to the inverted resize within a step or two.
STEP = 2.0 / 255.0


def noise_image(rng, height, width):
    return rng.integers(0, 256, size=(height, width, 3), dtype=np.uint8)


def write(path, array):
    Image.fromarray(array).save(path)
    return path


@pytest.fixture
def side_by_side(tmp_path):
    """Five side-by-side pairs of several sizes, B = 255 - A."""
    rng = np.random.default_rng(0)
    folder = tmp_path / "train"
    folder.mkdir()
    for i, (height, width) in enumerate(
        [(20, 24), (24, 20), (22, 22), (30, 26), (21, 23)]
    ):
        a = noise_image(rng, height, width)
        write(folder / f"{i}.png", np.concatenate([a, 255 - a], axis=1))
    return folder


@pytest.fixture
def two_folders(tmp_path):
    """Four pairs in two folders, names matched with differing extensions."""
    rng = np.random.default_rng(1)
    folder_a, folder_b = tmp_path / "A", tmp_path / "B"
    folder_a.mkdir()
    folder_b.mkdir()
    for i in range(4):
        a = noise_image(rng, 18 + i, 20)
        write(folder_a / f"img{i}.png", a)
        write(folder_b / f"img{i}.bmp", 255 - a)
    return folder_a, folder_b


def first_batch(dataset, index=0):
    (batch,) = dataset[index]
    return batch


def indexed_images(n, size=4, channels=1, offset=0):
    """Images whose constant value tells their index: value = (i+offset)/100."""
    values = (np.arange(n) + offset).astype("float32") / 100.0
    return np.broadcast_to(
        values[:, None, None, None], (n, size, size, channels)
    ).copy()


def indices_of(images, offset=0):
    return np.rint(images[:, 0, 0, 0] * 100.0).astype(int) - offset


# ----------------------------------------------------------- paired: files


def test_side_by_side_shapes_ranges_and_alignment(side_by_side):
    data = PairedImages(side_by_side, batch_size=2, load_size=20, crop_size=16, seed=0)
    assert len(data) == 3 and data.num_examples == 5
    for _ in range(3):
        for index in range(len(data)):
            inputs, targets = first_batch(data, index)
            assert inputs.dtype == np.float32 and targets.dtype == np.float32
            assert inputs.shape[1:] == (16, 16, 3) == targets.shape[1:]
            assert inputs.min() >= -1.0 and inputs.max() <= 1.0
            # Same crop and flip on both halves: targets are the inverted inputs.
            np.testing.assert_allclose(targets, -inputs, atol=2 * STEP + 1e-6)
        data.on_epoch_end()
    assert inputs.shape[0] == 1  # the last batch holds the fifth pair


def test_direction_swaps_inputs_and_targets(side_by_side):
    options = dict(batch_size=5, preprocess="resize", crop_size=12, flip=False)
    a_to_b = first_batch(PairedImages(side_by_side, seed=3, **options))
    b_to_a = first_batch(
        PairedImages(side_by_side, direction="b_to_a", seed=3, **options)
    )
    np.testing.assert_array_equal(a_to_b[0], b_to_a[1])
    np.testing.assert_array_equal(a_to_b[1], b_to_a[0])


def test_two_folders_matched_by_name(two_folders):
    data = PairedImages(*two_folders, batch_size=4, load_size=18, crop_size=14, seed=0)
    inputs, targets = first_batch(data)
    assert inputs.shape == targets.shape == (4, 14, 14, 3)
    np.testing.assert_allclose(targets, -inputs, atol=2 * STEP + 1e-6)


def test_channels(two_folders):
    options = dict(batch_size=2, preprocess="resize", crop_size=8, seed=0)
    inputs, targets = first_batch(PairedImages(*two_folders, channels=1, **options))
    assert inputs.shape == targets.shape == (2, 8, 8, 1)
    inputs, targets = first_batch(
        PairedImages(*two_folders, channels=(1, 3), **options)
    )
    assert inputs.shape == (2, 8, 8, 1) and targets.shape == (2, 8, 8, 3)


def test_preprocess_none_keeps_sizes(side_by_side):
    data = PairedImages(side_by_side, preprocess="none", shuffle=False, flip=False)
    inputs, targets = first_batch(data)
    assert inputs.shape == targets.shape == (1, 20, 24, 3)
    with pytest.raises(ValueError, match="different shapes"):
        PairedImages(side_by_side, preprocess="none", batch_size=5)[0]


def test_seed_makes_batches_reproducible(side_by_side):
    def epochs(seed):
        data = PairedImages(
            side_by_side, batch_size=5, load_size=24, crop_size=16, seed=seed
        )
        out = [first_batch(data)[0]]
        data.on_epoch_end()
        return out + [first_batch(data)[0]]

    first, second = epochs(7), epochs(7)
    for x, y in zip(first, second, strict=True):
        np.testing.assert_array_equal(x, y)
    assert not np.array_equal(first[0], first[1])  # a new epoch, new batches
    assert not np.array_equal(first[0], epochs(8)[0])


# ---------------------------------------------------------- paired: arrays


def test_from_arrays_epoch_order_and_len():
    images = indexed_images(10)
    data = PairedImages.from_arrays(images, images * 2, batch_size=4, seed=0)
    assert len(data) == 3
    orders = []
    for _ in range(2):
        batches = [first_batch(data, i) for i in range(len(data))]
        inputs = np.concatenate([b[0] for b in batches])
        targets = np.concatenate([b[1] for b in batches])
        np.testing.assert_array_equal(targets, inputs * 2)  # pairs stay pairs
        order = indices_of(inputs)
        assert sorted(order) == list(range(10))
        orders.append(order)
        data.on_epoch_end()
    assert list(orders[0]) != list(orders[1])
    unshuffled = PairedImages.from_arrays(images, images, batch_size=10, shuffle=False)
    assert list(indices_of(first_batch(unshuffled)[0])) == list(range(10))
    dropped = PairedImages.from_arrays(
        images, images, batch_size=4, drop_remainder=True
    )
    assert len(dropped) == 2
    with pytest.raises(IndexError):
        dropped[2]


def test_from_arrays_augmentation_is_shared_within_pairs():
    rng = np.random.default_rng(0)
    a = rng.uniform(-1, 1, (6, 10, 12, 1)).astype("float32")
    data = PairedImages.from_arrays(
        a,
        np.repeat(-a, 3, axis=-1),
        batch_size=6,
        preprocess="resize_and_crop",
        load_size=14,
        crop_size=8,
        flip=True,
        seed=0,
    )
    inputs, targets = first_batch(data)
    assert inputs.shape == (6, 8, 8, 1) and targets.shape == (6, 8, 8, 3)
    np.testing.assert_allclose(targets, np.repeat(-inputs, 3, axis=-1), atol=1e-6)


def test_flip_mirrors_about_half_of_the_examples():
    ramp = np.linspace(-1, 1, 6, dtype="float32")
    images = np.broadcast_to(ramp[None, None, :, None], (64, 3, 6, 1))
    data = PairedImages.from_arrays(images, images, batch_size=64, flip=True, seed=0)
    inputs, targets = first_batch(data)
    mirrored = inputs[:, 0, 0, 0] > 0
    np.testing.assert_array_equal(inputs, targets)
    np.testing.assert_array_equal(inputs[mirrored], images[mirrored][:, :, ::-1])
    assert 16 < mirrored.sum() < 48
    unflipped = PairedImages.from_arrays(images, images, batch_size=64, seed=0)
    np.testing.assert_array_equal(first_batch(unflipped)[0], images)


# ---------------------------------------------------------------- unpaired


def test_unpaired_epoch_covers_both_sets_independently():
    a, b = indexed_images(7), indexed_images(3, channels=3, offset=50)
    data = UnpairedImages.from_arrays(a, b, batch_size=2, seed=0)
    assert data.num_examples == 7 and len(data) == 4
    b_orders = []
    for _ in range(3):
        batches = [first_batch(data, i) for i in range(len(data))]
        order_a = indices_of(np.concatenate([x for x, _ in batches]))
        order_b = indices_of(np.concatenate([y for _, y in batches]), offset=50)
        assert sorted(order_a) == list(range(7))
        assert np.bincount(order_b, minlength=3).tolist() in (
            [3, 2, 2],
            [2, 3, 2],
            [2, 2, 3],
        )
        b_orders.append(tuple(order_b))
        data.on_epoch_end()
    assert len(set(b_orders)) > 1


def test_unpaired_folders(two_folders, tmp_path):
    extra = tmp_path / "C"
    extra.mkdir()
    rng = np.random.default_rng(2)
    for i in range(6):
        write(extra / f"c{i}.jpg", noise_image(rng, 16, 16))
    data = UnpairedImages(
        two_folders[0], extra, batch_size=3, load_size=16, crop_size=12, seed=0
    )
    assert data.num_examples == 6 and len(data) == 2
    a, c = first_batch(data)
    assert a.shape == c.shape == (3, 12, 12, 3)
    assert -1.0 <= a.min() and a.max() <= 1.0


# ------------------------------------------------------------------ errors


def test_errors(tmp_path, two_folders):
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.txt").write_text("no images here")
    with pytest.raises(ValueError, match="no image file.*notes.txt"):
        PairedImages(empty)
    with pytest.raises(ValueError, match="existing folder"):
        UnpairedImages(tmp_path / "missing", empty)
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "fake.png").write_bytes(b"not a png")
    with pytest.raises(ValueError, match="Cannot read .*fake.png"):
        PairedImages(broken)[0]

    folder_a, folder_b = two_folders
    os.remove(folder_b / "img1.bmp")
    write(folder_b / "other.png", np.zeros((4, 4, 3), np.uint8))
    with pytest.raises(ValueError, match=r"Only in folder \(1\): 'img1'.*'other'"):
        PairedImages(folder_a, folder_b)

    images = indexed_images(4)
    with pytest.raises(ValueError, match="direction"):
        PairedImages.from_arrays(images, images, direction="up")
    with pytest.raises(ValueError, match="preprocess"):
        PairedImages.from_arrays(images, images, preprocess="crop")
    with pytest.raises(ValueError, match="crop_size"):
        PairedImages.from_arrays(
            images, images, preprocess="resize_and_crop", load_size=8, crop_size=9
        )
    with pytest.raises(ValueError, match="same number"):
        PairedImages.from_arrays(images, images[:3])
    with pytest.raises(TypeError, match="uint8"):
        UnpairedImages.from_arrays(images, (images * 100).astype("uint8"))
    with pytest.raises(ValueError, match="channels"):
        UnpairedImages(folder_a, folder_a, channels=2)
    with pytest.raises(ValueError, match="batch_size"):
        UnpairedImages.from_arrays(images, images, batch_size=0)


# ----------------------------------------------------------------- fitting


class TinyTranslator(keras.Model):
    """A 1x1 convolution trained with an L1 loss from `add_loss`."""

    def __init__(self):
        super().__init__()
        self.conv = keras.layers.Conv2D(3, 1)

    def call(self, inputs, training=False):
        images_a, images_b = inputs
        outputs = self.conv(images_a)
        self.add_loss(keras.ops.mean(keras.ops.abs(outputs - images_b)))
        return outputs


@pytest.mark.parametrize("paired", [True, False])
def test_fit_takes_the_datasets(paired):
    rng = np.random.default_rng(0)
    a = rng.uniform(-1, 1, (6, 8, 8, 1)).astype("float32")
    b = rng.uniform(-1, 1, (6 if paired else 4, 8, 8, 3)).astype("float32")
    cls = PairedImages if paired else UnpairedImages
    data = cls.from_arrays(a, b, batch_size=4, seed=0, flip=True)
    model = TinyTranslator()
    model.compile(optimizer="sgd")
    history = model.fit(data, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2
    assert int(model.optimizer.iterations) == 4
    assert data._epoch >= 2  # Keras calls on_epoch_end after each epoch


def test_no_tensorflow_import_outside_tensorflow(side_by_side):
    backend = keras.backend.backend()
    if backend == "tensorflow":
        pytest.skip("checks the JAX and PyTorch backends")
    script = f"""
import sys
import keras
from ganzoo.datasets.image_pairs import PairedImages
from tests.datasets.test_image_pairs import TinyTranslator
data = PairedImages({str(side_by_side)!r}, batch_size=2, load_size=10, crop_size=8)
model = TinyTranslator()
model.compile(optimizer="sgd")
model.fit(data, epochs=1, verbose=0)
assert "tensorflow" not in sys.modules, "TensorFlow was imported"
"""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env = dict(os.environ, KERAS_BACKEND=backend, PYTHONPATH=root)
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr[-2000:]


@pytest.mark.large
@pytest.mark.parametrize("index, family", [(1, "Pix2Pix"), (2, "CycleGAN")])
def test_ganzoo_translators_fit_on_the_datasets(index, family):
    """Pix2Pix on `PairedImages`, CycleGAN on `UnpairedImages`.

    Each compiles a whole train step, so the two are shared out between the
    backends' suites with `runs_on_this_backend` (TensorFlow's and
    PyTorch's: JAX's suite is the longest); GANZOO_TEST_ALL=1 runs both
    everywhere. `test_fit_takes_the_datasets` feeds both datasets to `fit`
    on every backend, and Pix2Pix's own tests fit it on a `PyDataset` there.
    """
    import ganzoo

    if not hasattr(ganzoo, family):
        pytest.skip(f"the {family} model is not available")
    if not runs_on_this_backend(index):
        pytest.skip("runs in another backend's suite (GANZOO_TEST_ALL=1: here too)")
    rng = np.random.default_rng(0)
    a = rng.uniform(-1, 1, (8, 32, 32, 1)).astype("float32")
    b = rng.uniform(-1, 1, (8, 32, 32, 1)).astype("float32")
    if family == "Pix2Pix":
        pix2pix = ganzoo.Pix2Pix(image_shape=(32, 32, 1), filters=4, seed=0)
        pix2pix.compile()
        paired = PairedImages.from_arrays(a, b, batch_size=4, flip=True, seed=0)
        history = pix2pix.fit(paired, epochs=1, verbose=0)
        assert np.isfinite(history.history["g_loss"]).all()
    else:
        cyclegan = ganzoo.CycleGAN(
            image_shape=(32, 32, 1), filters=4, num_blocks=1, pool_size=3, seed=0
        )
        cyclegan.compile()
        unpaired = UnpairedImages.from_arrays(a, b[:5], batch_size=2, seed=0)
        history = cyclegan.fit(unpaired, epochs=1, verbose=0)
        assert len(history.history["g_loss"]) == 1
