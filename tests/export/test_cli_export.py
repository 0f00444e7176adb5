"""`ganzoo export`: a preset folder to a checked file, and its user errors."""

import os
import sys

import keras
import pytest

import ganzoo
from ganzoo.cli import main
from ganzoo.export import formats

BACKEND = keras.backend.backend()
FORMAT = "onnx"  # written on every backend


@pytest.fixture(scope="module")
def preset(tmp_path_factory):
    folder = tmp_path_factory.mktemp("preset") / "dcgan"
    model = ganzoo.DCGAN(image_shape=(28, 28, 1), latent_dim=8, filters=8, seed=2)
    model.save_to_preset(str(folder))
    return str(folder)


def _one_line_error(argv, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith("ganzoo export: error:")
    return err


def test_export_command(preset, tmp_path, capsys):
    out = str(tmp_path / "sub" / "dcgan.onnx")
    assert main(["export", preset, "--format", FORMAT, "--out", out, "--uint8"]) == 0
    printed = capsys.readouterr().out
    assert f"as onnx to {out}" in printed and "uint8" in printed
    assert os.path.isfile(out)


def test_user_errors(preset, tmp_path, capsys, monkeypatch):
    out = str(tmp_path / "dcgan.onnx")
    err = _one_line_error(
        ["export", preset, "--format", FORMAT, "--out", out, "--direction", "a_to_b"],
        capsys,
    )
    assert "--direction applies to CycleGAN" in err
    err = _one_line_error(
        ["export", preset, "--format", FORMAT, "--out", str(tmp_path / "x.pt2")],
        capsys,
    )
    assert "'.onnx'" in err
    other = next(f for f in formats.FORMATS if f not in formats.WRITERS[BACKEND])
    err = _one_line_error(
        ["export", preset, "--format", other, "--out", str(tmp_path / "x")], capsys
    )
    assert "KERAS_BACKEND=" in err
    monkeypatch.setitem(sys.modules, "onnxruntime", None)
    err = _one_line_error(["export", preset, "--format", FORMAT, "--out", out], capsys)
    assert 'pip install "keras-ganzoo[export]"' in err
    assert not os.path.exists(out)
