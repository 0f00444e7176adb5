"""DiffAugment's transformations, each against what it must do to an image."""

import keras
import numpy as np
import pytest

from ganzoo import augment


def _images(shape=(16, 8, 8, 3), seed=0):
    return np.random.default_rng(seed).uniform(-1, 1, shape).astype("float32")


def _apply(transform, images, seed=0):
    generator = keras.random.SeedGenerator(seed)
    return keras.ops.convert_to_numpy(
        transform(keras.ops.convert_to_tensor(images), generator)
    )


def test_brightness_adds_one_offset_per_image():
    images = _images()
    offsets = _apply(augment.brightness, images) - images
    per_image = offsets.reshape(len(images), -1)
    np.testing.assert_allclose(per_image, per_image[:, :1] + 0 * per_image, atol=1e-6)
    assert np.all(np.abs(per_image[:, 0]) <= 0.5)
    assert np.std(per_image[:, 0]) > 0.05


def test_saturation_and_contrast_keep_the_means():
    images = _images()
    saturated = _apply(augment.saturation, images)
    np.testing.assert_allclose(saturated.mean(axis=3), images.mean(axis=3), atol=1e-5)
    contrasted = _apply(augment.contrast, images)
    np.testing.assert_allclose(
        contrasted.mean(axis=(1, 2, 3)), images.mean(axis=(1, 2, 3)), atol=1e-5
    )
    assert not np.allclose(contrasted, images)


def _shifted(image, dy, dx):
    """`image` moved down by dy and right by dx, zero filled."""
    out = np.zeros_like(image)
    h, w = image.shape[:2]
    out[max(dy, 0) : h + min(dy, 0), max(dx, 0) : w + min(dx, 0)] = image[
        max(-dy, 0) : h - max(dy, 0), max(-dx, 0) : w - max(dx, 0)
    ]
    return out


def test_translation_shifts_each_image_by_at_most_an_eighth():
    images = _images(shape=(24, 16, 16, 2))
    moved = _apply(augment.translation, images)
    shifts = []
    for image, result in zip(images, moved, strict=True):
        matches = [
            (dy, dx)
            for dy in range(-2, 3)
            for dx in range(-2, 3)
            if np.allclose(_shifted(image, dy, dx), result, atol=1e-6)
        ]
        assert len(matches) == 1, "not a shift of at most 2 pixels with zero fill"
        shifts.append(matches[0])
    assert len(set(shifts)) > 3  # shifts differ between images


def test_cutout_zeroes_one_square_half_the_side():
    images = _images(shape=(32, 8, 8, 1)) + 2.0  # no zeros to begin with
    result = _apply(augment.cutout, images)
    for image, out in zip(images, result, strict=True):
        zeroed = out[..., 0] == 0
        np.testing.assert_array_equal(out[~zeroed], image[~zeroed])
        rows, cols = np.nonzero(zeroed)
        assert 0 < zeroed.sum() <= 16
        # The zeroed pixels form a rectangle (a 4x4 square clipped at the border).
        assert zeroed.sum() == (np.ptp(rows) + 1) * (np.ptp(cols) + 1)
        assert np.ptp(rows) < 4 and np.ptp(cols) < 4


def test_policy_parsing():
    assert augment.parse_policy(None) == ()
    assert augment.parse_policy("color, cutout") == ("color", "cutout")
    assert augment.parse_policy(["translation"]) == ("translation",)
    with pytest.raises(ValueError, match="rotate"):
        augment.parse_policy("rotate")
