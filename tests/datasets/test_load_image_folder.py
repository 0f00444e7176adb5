import numpy as np
import pytest
from PIL import Image

from ganzoo.datasets import load_image_folder


def _write(folder, name, array):
    Image.fromarray(array).save(folder / name)


def test_reads_crops_and_scales_in_name_order(tmp_path):
    wide = np.zeros((20, 40, 3), "uint8")
    wide[:, 10:30] = 255  # the centre square is white, the sides black
    _write(tmp_path, "b.png", wide)
    _write(tmp_path, "a.png", np.full((8, 8, 3), 0, "uint8"))
    (tmp_path / "notes.txt").write_text("not an image")
    (tmp_path / "sub").mkdir()
    images = load_image_folder(tmp_path, image_size=8)
    assert images.shape == (2, 8, 8, 3) and images.dtype == np.float32
    np.testing.assert_allclose(images[0], -1.0)  # a.png first, black
    np.testing.assert_allclose(images[1], 1.0, atol=1e-6)  # centre crop: white


def test_greyscale_channels(tmp_path):
    _write(tmp_path, "x.png", np.full((6, 6, 3), [255, 0, 0], "uint8"))
    images = load_image_folder(tmp_path, image_size=4, channels=1)
    assert images.shape == (1, 4, 4, 1)
    # ITU-R 601 luma of pure red is 76: (76 / 127.5) - 1.
    np.testing.assert_allclose(images, 76 / 127.5 - 1, atol=1e-6)


def test_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match="holds no image"):
        load_image_folder(tmp_path, image_size=8)
    _write(tmp_path, "x.png", np.zeros((4, 4, 3), "uint8"))
    with pytest.raises(TypeError, match="image_size"):
        load_image_folder(tmp_path, image_size=0.5)
    with pytest.raises(ValueError, match="channels"):
        load_image_folder(tmp_path, image_size=4, channels=2)
    with pytest.raises(ValueError, match="existing folder"):
        load_image_folder(tmp_path / "missing", image_size=4)
