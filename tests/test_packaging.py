"""A plain (non-editable) install carries the shipped presets and data."""

import os
import subprocess
import sys
import zipfile

import pytest

import ganzoo

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            ROOT,
        ],  # fmt: skip
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    # setuptools warns of data folders it would drop from a future build.
    assert "would be ignored" not in result.stdout + result.stderr
    (path,) = [os.path.join(out, f) for f in os.listdir(out) if f.endswith(".whl")]
    with zipfile.ZipFile(path) as z:
        return set(z.namelist())


def test_wheel_has_presets_data_and_cli(wheel):
    shipped = [
        p["name"] for p in ganzoo.presets.list_presets() if p["source"] == "builtin"
    ]
    assert len(shipped) >= 15
    for name in shipped:
        for file in ("config.json", "model.weights.h5", "metadata.json", "README.md"):
            assert f"ganzoo/_weights/{name}/{file}" in wheel
    assert "ganzoo/datasets/mnist_5k.npz" in wheel
    assert "ganzoo/datasets/MNIST_5K_NOTICE.md" in wheel
    assert not [n for n in wheel if n.startswith(("tests/", "bench/"))]
    entry_points = [n for n in wheel if n.endswith("entry_points.txt")]
    assert entry_points
