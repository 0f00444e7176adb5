import keras
import numpy as np
import pytest
from PIL import Image

from ganzoo.metrics.resize import LegacyResize
from ganzoo.metrics.resize import legacy_bilinear_taps
from ganzoo.metrics.resize import resize_clean
from ganzoo.metrics.resize import resize_legacy_tf


def _random_uint8(shape, seed=0):
    return np.random.default_rng(seed).integers(0, 256, shape, dtype=np.uint8)


@pytest.mark.parametrize(
    "height, width, channels",
    [(28, 28, 1), (32, 32, 3), (64, 64, 3), (256, 256, 3), (512, 512, 3), (26, 45, 3)],
)
def test_legacy_resize_matches_tensorflow_1x(height, width, channels):
    tf = pytest.importorskip("tensorflow")
    images = _random_uint8((2, height, width, channels), seed=height)
    expected = tf.compat.v1.image.resize_bilinear(
        images, (299, 299), align_corners=False, half_pixel_centers=False
    ).numpy()
    resized = keras.ops.convert_to_numpy(resize_legacy_tf(images))
    assert resized.shape == (2, 299, 299, channels) and resized.dtype == np.float32
    np.testing.assert_allclose(resized, expected, rtol=0, atol=1e-4)


def test_legacy_resize_is_not_half_pixel():
    images = _random_uint8((1, 32, 32, 3)).astype("float32")
    half_pixel = keras.ops.convert_to_numpy(
        keras.ops.image.resize(images, (299, 299), interpolation="bilinear")
    )
    legacy = keras.ops.convert_to_numpy(resize_legacy_tf(images))
    assert np.abs(legacy - half_pixel).max() > 10
    # Output pixel i reads source coordinate i * 32 / 299: pixel 0 is exact.
    np.testing.assert_array_equal(legacy[:, 0, 0], images[:, 0, 0])


def test_taps_of_an_upscale():
    lower, upper, frac = legacy_bilinear_taps(2, 4)
    assert lower.tolist() == [0, 0, 1, 1]
    assert upper.tolist() == [1, 1, 1, 1]
    assert frac.tolist() == [0.0, 0.5, 0.0, 0.5]


def test_layer_in_a_compiled_model():
    inputs = keras.Input((20, 30, 3))
    model = keras.Model(inputs, LegacyResize()(inputs))
    images = _random_uint8((3, 20, 30, 3)).astype("float32")
    np.testing.assert_allclose(
        model.predict_on_batch(images),
        keras.ops.convert_to_numpy(resize_legacy_tf(images)),
        atol=1e-4,
    )
    assert model.output_shape == (None, 299, 299, 3)


@pytest.mark.parametrize("bad", [np.zeros((4, 4, 3)), np.zeros((1, 2, 4, 4, 3))])
def test_resize_rejects_non_batches(bad):
    with pytest.raises(ValueError, match="images"):
        resize_legacy_tf(bad)
    with pytest.raises(ValueError, match="images"):
        resize_clean(bad)


@pytest.mark.parametrize("size", [32, 512])
def test_clean_resize_is_pillow_bicubic_per_float_channel(size):
    images = _random_uint8((2, size, size, 3), seed=size)
    resized = resize_clean(images)
    assert resized.shape == (2, 299, 299, 3) and resized.dtype == np.float32
    for i in range(2):
        for c in range(3):
            channel = Image.fromarray(images[i, :, :, c].astype(np.float32))
            assert channel.mode == "F"
            expected = np.asarray(channel.resize((299, 299), Image.Resampling.BICUBIC))
            np.testing.assert_array_equal(
                resized[i, :, :, c], np.clip(expected, 0, 255)
            )


def test_clean_resize_antialiases_where_legacy_aliases():
    stripes = np.zeros((1, 512, 512, 3), np.uint8)
    stripes[:, :, ::2] = 255
    clean = resize_clean(stripes)
    legacy = keras.ops.convert_to_numpy(resize_legacy_tf(stripes))
    assert np.abs(clean[0, 10:-10, 10:-10] - 127.5).max() < 10
    assert np.abs(legacy - 127.5).max() > 100


def test_clean_resize_matches_clean_fid_when_installed():
    cleanfid_resize = pytest.importorskip("cleanfid.resize")
    images = _random_uint8((1, 40, 40, 3))
    expected = cleanfid_resize.make_resizer("PIL", False, "bicubic", (299, 299))(
        images[0]
    )
    np.testing.assert_array_equal(resize_clean(images)[0], expected)
