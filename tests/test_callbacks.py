"""`ganzoo.SampleGrid` PNG and TensorBoard output, and TensorBoard scalars."""

import glob
import io
import os

import keras
import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

import ganzoo
from ganzoo.backend import tensorboard_images
from tests.testing import fake_images

TINY = {"image_shape": (28, 28, 1), "latent_dim": 8, "filters": 4, "seed": 0}
GRID_SIDE = 2 * (28 + 2) + 2  # 4 images: 2 x 2 tiles with 2 pixels of padding


def _events(folder):
    """`(step, tag, value)` of every summary in the event files of `folder`."""
    found = []
    for path in sorted(glob.glob(os.path.join(folder, "events.out.tfevents.*"))):
        for event in tf.compat.v1.train.summary_iterator(path):
            found += [(event.step, value.tag, value) for value in event.summary.value]
    return found


def _image_sizes(folder, tag):
    """`{step: (width, height)}` of the PNG images written under `tag`."""
    sizes = {}
    for step, found_tag, value in _events(folder):
        if found_tag == tag:
            if value.HasField("image"):  # torch.utils.tensorboard's format
                png = value.image.encoded_image_string
            else:  # tf.summary.image: strings [width, height, png, ...]
                png = value.tensor.string_val[2]
            sizes[step] = Image.open(io.BytesIO(png)).size
    return sizes


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A tiny DCGAN fitted 2 epochs with TensorBoard and two SampleGrids."""
    root = tmp_path_factory.mktemp("callbacks")
    board = keras.callbacks.TensorBoard(str(root / "logs"), update_freq=1)
    with_board = ganzoo.SampleGrid(str(root / "png"), num_images=4, tensorboard=board)
    folder_only = ganzoo.SampleGrid(
        None, num_images=4, every=2, tensorboard=str(root / "other")
    )
    model = ganzoo.DCGAN(**TINY)
    model.compile()
    model.fit(
        fake_images(16, TINY["image_shape"]),
        batch_size=8,
        epochs=2,
        callbacks=[board, with_board, folder_only],
        verbose=0,
    )
    return root, model, with_board, folder_only


def test_grids_go_to_png_and_tensorboard_each_epoch(trained):
    root, _, with_board, _ = trained
    assert [os.path.basename(p) for p in with_board.paths] == [
        "epoch_0001.png",
        "epoch_0002.png",
    ]
    assert Image.open(with_board.paths[0]).size == (GRID_SIDE, GRID_SIDE)
    sizes = _image_sizes(str(root / "logs" / "samples"), "samples")
    assert sizes == {0: (GRID_SIDE, GRID_SIDE), 1: (GRID_SIDE, GRID_SIDE)}


def test_a_log_folder_without_png_directory(trained):
    root, _, _, folder_only = trained
    assert folder_only.paths == []
    sizes = _image_sizes(str(root / "other" / "samples"), "samples")
    assert sizes == {1: (GRID_SIDE, GRID_SIDE)}  # every=2: after epoch 2 only


def test_every_phase_loss_is_a_tensorboard_scalar(trained):
    root, model, _, _ = trained
    tags = {tag for _, tag, _ in _events(str(root / "logs" / "train"))}
    log_names = [name for phase in model.phases() for name in phase.log_names]
    assert {"d_loss", "g_loss"} <= set(log_names)
    assert {f"epoch_{name}" for name in log_names} <= tags


def test_bad_arguments():
    with pytest.raises(ValueError, match="directory=None, tensorboard=None"):
        ganzoo.SampleGrid(None)
    with pytest.raises(TypeError, match="tensorboard"):
        ganzoo.SampleGrid("png", tensorboard=3)
    with pytest.raises(ValueError, match="every"):
        ganzoo.SampleGrid("png", every=0)


def test_image_writer_without_tensorflow_uses_torch(tmp_path, monkeypatch):
    monkeypatch.setattr(
        tensorboard_images, "_installed", lambda name: name != "tensorflow"
    )
    writer = tensorboard_images.ImageSummaryWriter(str(tmp_path))
    grid = np.zeros((10, 12, 1), "uint8")
    writer.write("samples", grid, step=3)
    writer.close()
    assert _image_sizes(str(tmp_path), "samples") == {3: (12, 10)}


def test_image_writer_checks_images_and_packages(tmp_path, monkeypatch):
    writer = tensorboard_images.ImageSummaryWriter(str(tmp_path))
    with pytest.raises(ValueError, match="uint8"):
        writer.write("x", fake_images(1, (8, 8, 3))[0], step=0)
    writer.close()
    monkeypatch.setattr(tensorboard_images, "_installed", lambda name: False)
    with pytest.raises(ImportError, match="pip install tensorboard"):
        tensorboard_images.ImageSummaryWriter(str(tmp_path))
