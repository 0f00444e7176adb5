import numpy as np
import pytest
from keras import ops
from PIL import Image

import ganzoo
from ganzoo import losses


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


REAL = np.array([2.0, -0.5, 0.3], "float32")
FAKE = np.array([-1.0, 0.7, 1.5], "float32")


@pytest.mark.parametrize(
    "name, d_expected, g_expected",
    [
        (
            "non_saturating",
            -np.mean(np.log(sigmoid(REAL))) - np.mean(np.log(1 - sigmoid(FAKE))),
            -np.mean(np.log(sigmoid(FAKE))),
        ),
        (
            "minimax",
            -np.mean(np.log(sigmoid(REAL))) - np.mean(np.log(1 - sigmoid(FAKE))),
            np.mean(np.log(1 - sigmoid(FAKE))),
        ),
        (
            "least_squares",
            0.5 * np.mean((REAL - 1) ** 2) + 0.5 * np.mean(FAKE**2),
            0.5 * np.mean((FAKE - 1) ** 2),
        ),
        ("wasserstein", FAKE.mean() - REAL.mean(), -FAKE.mean()),
        (
            "hinge",
            np.mean(np.maximum(0, 1 - REAL)) + np.mean(np.maximum(0, 1 + FAKE)),
            -FAKE.mean(),
        ),
    ],
)
def test_losses_match_their_definitions(name, d_expected, g_expected):
    loss = losses.get(name)
    d = ops.convert_to_numpy(loss.discriminator(REAL, FAKE))
    g = ops.convert_to_numpy(loss.generator(FAKE))
    np.testing.assert_allclose(d, d_expected, rtol=1e-5)
    np.testing.assert_allclose(g, g_expected, rtol=1e-5)


def test_unknown_loss():
    with pytest.raises(ValueError, match="Received: loss='wgan'"):
        losses.get("wgan")
    with pytest.raises(TypeError, match="Received: loss=3 of type int"):
        losses.get(3)


def test_uint8_round_trip():
    pixels = np.arange(256, dtype="uint8").reshape(1, 16, 16, 1)
    floats = ganzoo.images.from_uint8(pixels)
    assert floats.min() == -1.0 and floats.max() == 1.0
    np.testing.assert_array_equal(ganzoo.images.to_uint8(floats), pixels)
    with pytest.raises(TypeError, match="uint8"):
        ganzoo.images.from_uint8(floats)


def test_grid_layout_and_png(tmp_path):
    from PIL import Image

    images = np.stack([np.full((4, 5, 3), v, "float32") for v in (-1, 0, 1)])
    grid = ganzoo.images.make_grid(images, columns=2, padding=1)
    assert grid.shape == (2 * 5 + 1, 2 * 6 + 1, 3)
    assert grid[1, 1, 0] == 0 and grid[1, 7, 0] == 128 and grid[6, 1, 0] == 255
    path = ganzoo.images.save_grid(images, str(tmp_path / "g.png"), columns=2)
    assert Image.open(path).size == (2 * 7 + 2, 2 * 6 + 2)


def test_side_by_side_interleaves_and_tiles_greyscale():
    grey = np.full((2, 4, 4, 1), -0.5, "float32")
    colour = np.stack([np.full((4, 4, 3), v, "float32") for v in (0.25, 0.75)])
    pairs = ganzoo.images.side_by_side(grey, colour)
    assert pairs.shape == (4, 4, 4, 3)
    np.testing.assert_array_equal(pairs[[0, 2]], -0.5)
    np.testing.assert_array_equal(pairs[1], 0.25)
    np.testing.assert_array_equal(pairs[3], 0.75)
    with pytest.raises(ValueError, match="same number and size"):
        ganzoo.images.side_by_side(grey, colour[:1])


def test_sample_grid_shows_translations(tmp_path):
    class Negate:
        def translate(self, images):
            return -images

    inputs = np.linspace(-1, 1, 4 * 8 * 8).reshape(4, 8, 8, 1).astype("float32")
    grid = ganzoo.SampleGrid(str(tmp_path), every=2, inputs=inputs)
    grid.set_model(Negate())
    grid.on_epoch_end(0)
    assert grid.paths == []
    grid.on_epoch_end(1)
    written = np.asarray(Image.open(grid.paths[0]))
    expected = ganzoo.images.make_grid(
        ganzoo.images.side_by_side(inputs, -inputs), columns=8
    )
    np.testing.assert_array_equal(written, expected[..., 0])  # greyscale PNG
