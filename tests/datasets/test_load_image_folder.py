import numpy as np
import pytest
from PIL import Image

from ganzoo.datasets import load_image_folder
from ganzoo.datasets import load_labelled_image_folder


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


def test_labelled_folders_give_class_ids_in_name_order(tmp_path):
    for name, level in (("zebra", 255), ("ant", 0)):
        (tmp_path / name).mkdir()
        for i in range(2):
            _write(tmp_path / name, f"{i}.png", np.full((6, 6, 3), level, "uint8"))
    (tmp_path / ".hidden").mkdir()
    _write(tmp_path, "loose.png", np.zeros((6, 6, 3), "uint8"))  # skipped
    images, labels, names = load_labelled_image_folder(tmp_path, image_size=4)
    assert names == ["ant", "zebra"]
    assert labels.tolist() == [0, 0, 1, 1] and labels.dtype == np.int32
    assert images.shape == (4, 4, 4, 3)
    np.testing.assert_allclose(images[:2], -1.0)
    np.testing.assert_allclose(images[2:], 1.0, atol=1e-6)


def test_labelled_folders_need_sub_folders_of_images(tmp_path):
    with pytest.raises(ValueError, match="one sub-folder of images per class"):
        load_labelled_image_folder(tmp_path, image_size=4)
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="holds no image file"):
        load_labelled_image_folder(tmp_path, image_size=4)
