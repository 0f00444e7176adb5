"""`ganzoo demo-inputs`: example inputs of the demo tasks' presets."""

import os

import numpy as np
import pytest
from PIL import Image

import ganzoo
from ganzoo.cli import main
from ganzoo.cli.demo_inputs import demo_task_of


def _one_line_error(argv, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("ganzoo demo-inputs: error: "), err
    return err[0]


def test_pix2pix_inputs_are_the_test_outlines_and_translate(tmp_path, capsys):
    inputs, out = str(tmp_path / "outlines"), str(tmp_path / "digits")
    assert main(["demo-inputs", "pix2pix_edges_to_digits", "--out", inputs]) == 0
    printed = capsys.readouterr().out
    assert f"ganzoo translate pix2pix_edges_to_digits {inputs} --out" in printed
    names = [f"{i}.png" for i in range(8)]
    assert sorted(os.listdir(inputs)) == names
    outlines = ganzoo.datasets.demo_task("digits_to_edges").test[1][:8]
    written = np.stack([np.asarray(Image.open(os.path.join(inputs, n))) for n in names])
    np.testing.assert_array_equal(written, ganzoo.images.to_uint8(outlines)[..., 0])
    assert main(["translate", "pix2pix_edges_to_digits", inputs, "--out", out]) == 0
    assert sorted(os.listdir(out)) == names


def test_cyclegan_inputs_follow_the_direction(tmp_path, capsys):
    task = ganzoo.datasets.demo_task("plain_to_textured_digits")
    for direction, domain in (("a_to_b", 0), ("b_to_a", 1)):
        out = str(tmp_path / direction)
        argv = ["demo-inputs", "cyclegan_plain_to_textured_digits", "--out", out]
        assert main(argv + ["--num-images", "12", "--direction", direction]) == 0
        assert f"--direction {direction} --out" in capsys.readouterr().out
        assert sorted(os.listdir(out))[:2] == ["00.png", "01.png"]
        written = np.asarray(Image.open(os.path.join(out, "11.png")))
        expected = ganzoo.images.to_uint8(task.test[domain][11])
        np.testing.assert_array_equal(written.reshape(expected.shape), expected)


def test_presets_without_a_demo_task_exit_2(tmp_path, capsys):
    out = ["--out", str(tmp_path / "out")]
    for preset in ("dcgan_mnist", "cyclegan_horse2zebra"):  # the latter: no download
        error = _one_line_error(["demo-inputs", preset, *out], capsys)
        assert "not trained on an offline demo task" in error
        assert "cyclegan_plain_to_textured_digits, pix2pix_edges_to_digits." in error
    assert "--direction applies to CycleGAN presets" in _one_line_error(
        ["demo-inputs", "pix2pix_edges_to_digits", "--direction", "b_to_a", *out],
        capsys,
    )
    assert "holds 1000 images. Received: --num-images 5000" in _one_line_error(
        ["demo-inputs", "pix2pix_edges_to_digits", "--num-images", "5000", *out],
        capsys,
    )
    a_file = tmp_path / "file.txt"
    a_file.write_text("x")
    assert "is a file, not a folder" in _one_line_error(
        ["demo-inputs", "pix2pix_edges_to_digits", "--out", str(a_file)], capsys
    )
    assert not (tmp_path / "out").exists()
    assert "Closest" in _one_line_error(["demo-inputs", "pix2pix_edges", *out], capsys)


def test_a_saved_preset_folder_is_read_from_its_metadata(tmp_path):
    folder = ganzoo.presets.resolve.resolve("pix2pix_edges_to_digits")[0]
    assert main(["demo-inputs", folder, "--out", str(tmp_path / "in")]) == 0
    assert len(os.listdir(tmp_path / "in")) == 8


@pytest.mark.parametrize(
    "dataset, expected",
    [
        (
            "ganzoo.datasets.demo_task('digits_to_edges') train split (4000 "
            "inputs / 4000 targets, B -> A)",
            ("digits_to_edges", True),
        ),
        (
            "ganzoo.datasets.demo_task('grey_to_colour') train split",
            ("grey_to_colour", False),
        ),
        ("MNIST train, 60,000 digits (keras.datasets.mnist)", None),
        ("", None),
    ],
)
def test_demo_task_of(dataset, expected):
    assert demo_task_of(dataset) == expected
