"""`ganzoo translate` and `ganzoo train` on tiny models and image folders."""

import glob
import os

import numpy as np
import pytest
import tensorflow as tf
from PIL import Image

import ganzoo
from ganzoo.cli import main
from tests.testing import fake_images

SHAPE = (32, 32, 3)


def _write_images(folder, num_images, size, seed=0, prefix="img"):
    os.makedirs(folder, exist_ok=True)
    rng = np.random.default_rng(seed)
    for i in range(num_images):
        pixels = rng.integers(0, 256, (size, size, 3), dtype="uint8")
        Image.fromarray(pixels).save(os.path.join(folder, f"{prefix}{i}.png"))
    return str(folder)


@pytest.fixture(scope="module")
def cyclegan_preset(tmp_path_factory):
    model = ganzoo.CycleGAN(
        image_shape=SHAPE, filters=4, num_blocks=1, pool_size=0, seed=0
    )
    folder = tmp_path_factory.mktemp("presets") / "cyclegan"
    return model, model.save_to_preset(str(folder))


def _one_line_error(argv, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("ganzoo "), err
    return err[0]


def test_translate_writes_one_png_per_input(cyclegan_preset, tmp_path, capsys):
    model, preset = cyclegan_preset
    folder = _write_images(tmp_path / "in", 3, size=40)  # resized to 32
    single = _write_images(tmp_path / "one", 1, size=32, prefix="x")
    out = str(tmp_path / "out")
    argv = ["translate", preset, folder, os.path.join(single, "x0.png")]
    assert main(argv + ["--out", out, "--direction", "b_to_a"]) == 0
    assert sorted(os.listdir(out)) == ["img0.png", "img1.png", "img2.png", "x0.png"]
    assert "Wrote 4 translations" in capsys.readouterr().out
    written = np.asarray(Image.open(os.path.join(out, "x0.png")))
    source = np.asarray(Image.open(os.path.join(single, "x0.png")))
    expected = model.translate(
        ganzoo.images.from_uint8(source[None]), direction="b_to_a"
    )
    # Batched and single translations may round a level apart.
    expected = ganzoo.images.to_uint8(expected[0]).astype(int)
    np.testing.assert_allclose(written.astype(int), expected, rtol=0, atol=1)


def test_translate_user_mistakes_exit_2(cyclegan_preset, tmp_path, capsys):
    _, preset = cyclegan_preset
    images = _write_images(tmp_path / "in", 1, size=32)
    out = ["--out", str(tmp_path / "out")]
    missing = str(tmp_path / "nowhere.png")
    assert "No image file or folder" in _one_line_error(
        ["translate", preset, missing] + out, capsys
    )
    assert "not an image-to-image model" in _one_line_error(
        ["translate", "dcgan_mnist", images] + out, capsys
    )
    assert "Closest" in _one_line_error(
        ["translate", "cyclegan_hors", images] + out, capsys
    )
    not_a_folder = tmp_path / "file.txt"
    not_a_folder.write_text("x")
    assert "is a file, not a folder" in _one_line_error(
        ["translate", preset, images, "--out", str(not_a_folder)], capsys
    )
    pix2pix = ganzoo.Pix2Pix(image_shape=SHAPE, filters=4, seed=0)
    folder = pix2pix.save_to_preset(str(tmp_path / "pix2pix"))
    assert "--direction applies to CycleGAN" in _one_line_error(
        ["translate", folder, images, "--direction", "a_to_b"] + out, capsys
    )
    unreadable = tmp_path / "broken.png"
    unreadable.write_bytes(b"not a png")
    _one_line_error(["translate", preset, str(unreadable)] + out, capsys)
    assert not (tmp_path / "out").exists()  # no empty --out folder left


@pytest.mark.parametrize("family", ["pix2pix", "cyclegan"])
def test_train_writes_a_preset_that_translates(family, tmp_path, capsys):
    a = _write_images(tmp_path / "a", 4, size=36, seed=1)
    b = _write_images(tmp_path / "b", 4, size=36, seed=2)
    out = str(tmp_path / "preset")
    argv = ["train", family, "--a", a, "--b", b, "--out", out, "--image-size", "32"]
    argv += [
        "--epochs",
        "1",
        "--batch-size",
        "2",
        "--filters",
        "4",
        "--num-blocks",
        "1",
    ]
    if family == "cyclegan":
        argv += ["--tensorboard", str(tmp_path / "logs")]
    assert main(argv) == 0
    assert "Wrote the preset" in capsys.readouterr().out
    if family == "cyclegan":
        assert _event_tags(tmp_path / "logs" / "samples") == {"samples"}
        assert {"epoch_g_loss", "epoch_d_a_loss"} <= _event_tags(
            tmp_path / "logs" / "train"
        )
    model = ganzoo.from_preset(out)
    assert (
        type(model).__name__ == {"pix2pix": "Pix2Pix", "cyclegan": "CycleGAN"}[family]
    )
    assert model.image_shape == SHAPE
    assert model.translate(fake_images(1, SHAPE)).shape == (1,) + SHAPE


def _event_tags(folder):
    return {
        value.tag
        for path in glob.glob(os.path.join(folder, "events.out.tfevents.*"))
        for event in tf.compat.v1.train.summary_iterator(path)
        for value in event.summary.value
    }


def test_train_user_mistakes_exit_2(tmp_path, capsys):
    a = _write_images(tmp_path / "a", 2, size=32)
    out = ["--out", str(tmp_path / "p"), "--image-size", "32"]
    assert "--paired DIR, or --a DIR and --b DIR" in _one_line_error(
        ["train", "pix2pix", "--a", a] + out, capsys
    )
    assert "two unpaired folders" in _one_line_error(
        ["train", "cyclegan", "--paired", a] + out, capsys
    )
    assert "--load-size must be at least" in _one_line_error(
        ["train", "cyclegan", "--a", a, "--b", a, "--load-size", "16"] + out, capsys
    )
    empty = tmp_path / "empty"
    empty.mkdir()
    assert "holds no image file" in _one_line_error(
        ["train", "cyclegan", "--a", a, "--b", str(empty)] + out, capsys
    )
    assert "--a" in _one_line_error(
        ["train", "cyclegan", "--a", str(tmp_path / "nowhere"), "--b", a] + out,
        capsys,
    )
    busy = ["--out", str(tmp_path), "--image-size", "32"]
    assert "is not a ganzoo preset" in _one_line_error(
        ["train", "cyclegan", "--a", a, "--b", a] + busy, capsys
    )
    assert "--checkpoint-dir" in _one_line_error(
        ["train", "cyclegan", "--a", a, "--b", a, "--checkpoint-dir", a + "/img0.png"]
        + out,
        capsys,
    )
    assert not os.path.exists(tmp_path / "p")


@pytest.mark.parametrize("family", ["pix2pix", "cyclegan"])
def test_train_refuses_several_processes(family, tmp_path, capsys, monkeypatch):
    """Under torchrun (here: a launcher that reports 2 processes), the
    image-to-image families refuse to train rather than train every
    process on the whole folder."""
    from ganzoo import backend

    monkeypatch.setattr(backend, "join_launched_processes", lambda: (1, 2))
    a = _write_images(tmp_path / "a", 2, size=32)
    out = tmp_path / "p"
    folders = ["--paired", a] if family == "pix2pix" else ["--a", a, "--b", a]
    argv = ["train", family, *folders, "--out", str(out), "--image-size", "32"]
    error = _one_line_error(argv, capsys)
    assert "does not split its image folders between processes" in error
    assert "one of 2" in error
    assert not os.path.exists(out)
