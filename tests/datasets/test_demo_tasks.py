"""Tests of the offline demo tasks (no download)."""

import numpy as np
import pytest

from ganzoo.datasets import demo_tasks
from ganzoo.datasets.image_pairs import PairedImages
from ganzoo.datasets.image_pairs import UnpairedImages


def check_images(images, n, shape):
    assert images.dtype == np.float32
    assert images.shape == (n,) + shape
    assert images.min() >= -1.0 and images.max() <= 1.0


def test_digits_to_edges():
    task = demo_tasks.digits_to_edges()
    assert task.paired and task.name == "digits_to_edges"
    digits, outlines = task.train
    check_images(digits, 4000, (32, 32, 1))
    check_images(outlines, 4000, (32, 32, 1))
    check_images(task.test[1], 1000, (32, 32, 1))
    assert set(np.unique(outlines)) == {-1.0, 1.0}
    # Outlines lie just outside the strokes and touch them.
    strokes = digits[..., 0] > 0
    edge = outlines[..., 0] > 0
    assert not (strokes & edge).any()
    assert 0.05 < edge.mean() < 0.4
    np.testing.assert_array_equal(task.train_labels[0], task.train_labels[1])
    assert demo_tasks.digits_to_edges(size=16).test[0].shape == (1000, 16, 16, 1)
    data = task.dataset("test", batch_size=100, shuffle=False)
    assert isinstance(data, PairedImages) and len(data) == 10
    ((inputs, targets),) = data[0]
    np.testing.assert_array_equal(inputs, task.test[0][:100])
    np.testing.assert_array_equal(targets, task.test[1][:100])


def test_grey_to_colour():
    pytest.importorskip("skimage")
    task = demo_tasks.grey_to_colour(num_train=60, num_test=30, seed=0)
    grey, colour = task.train
    check_images(grey, 60, (32, 32, 1))
    check_images(colour, 60, (32, 32, 3))
    check_images(task.test[1], 30, (32, 32, 3))
    luma = colour @ np.array([0.299, 0.587, 0.114], dtype="float32")
    np.testing.assert_allclose(grey[..., 0], luma, atol=1e-5)
    assert colour.std(axis=(1, 2)).mean() > 0.02  # real pictures, not flat
    same = demo_tasks.grey_to_colour(num_train=60, num_test=30, seed=0)
    other = demo_tasks.grey_to_colour(num_train=60, num_test=30, seed=1)
    np.testing.assert_array_equal(same.train[1], task.train[1])
    assert not np.array_equal(other.train[1], task.train[1])
    # No test crop equals a train crop: they come from disjoint regions.
    train_set = {c.tobytes() for c in task.train[1]}
    assert not any(c.tobytes() in train_set for c in task.test[1])


def test_plain_to_textured_digits():
    pytest.importorskip("skimage")
    task = demo_tasks.plain_to_textured_digits(size=16, seed=0)
    assert not task.paired
    plain, textured = task.train
    check_images(plain, 2000, (16, 16, 3))
    check_images(textured, 2000, (16, 16, 3))
    check_images(task.test[1], 1000, (16, 16, 3))
    # Plain: grey digits on black; textured: coloured backgrounds.
    np.testing.assert_array_equal(plain[..., 0], plain[..., 2])
    assert np.median(plain) == -1.0
    assert np.median(textured) > -0.95
    assert np.abs(textured[..., 0] - textured[..., 2]).mean() > 0.01
    assert len(task.train_labels[0]) == 2000 and len(task.test_labels[1]) == 1000
    data = task.dataset(batch_size=500, seed=0)
    assert isinstance(data, UnpairedImages) and len(data) == 4


def test_names_and_errors():
    assert demo_tasks.demo_task_names() == [
        "digits_to_edges",
        "grey_to_colour",
        "plain_to_textured_digits",
    ]
    assert demo_tasks.demo_task("digits_to_edges").name == "digits_to_edges"
    with pytest.raises(ValueError, match="Unknown demo task"):
        demo_tasks.demo_task("edges")
    with pytest.raises(ValueError, match="size"):
        demo_tasks.digits_to_edges(size=4)
    with pytest.raises(ValueError, match="num_test"):
        demo_tasks.grey_to_colour(num_test=0)
    with pytest.raises(ValueError, match="split"):
        demo_tasks.digits_to_edges().dataset("val")


def test_missing_scikit_image_is_explained(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_skimage(name, *args, **kwargs):
        if name.startswith("skimage"):
            raise ImportError("No module named 'skimage'")
        return real_import(name, *args, **kwargs)

    demo_tasks._photos.cache_clear()
    monkeypatch.setattr(builtins, "__import__", no_skimage)
    with pytest.raises(ImportError, match=r"ganzoo\[demo\]"):
        demo_tasks.grey_to_colour(num_train=6, num_test=6)
