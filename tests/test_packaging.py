"""A plain (non-editable) install carries the shipped presets and data.

The wheel is the same whatever the backend, so its contents are checked in
one backend's suite (`runs_on_this_backend`; GANZOO_TEST_ALL=1: in all).
"""

import os
import subprocess
import sys
import zipfile

import pytest

import ganzoo
from tests.testing import runs_on_this_backend

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def build_wheel(out):
    """Builds the project's wheel into the folder `out`; returns its path."""
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
    return path


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    with zipfile.ZipFile(build_wheel(tmp_path_factory.mktemp("wheel"))) as z:
        return set(z.namelist())


@pytest.mark.skipif(
    not runs_on_this_backend(1),
    reason="the wheel is the same on every backend: built in one suite "
    "(GANZOO_TEST_ALL=1: in every suite)",
)
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
    assert not [n for n in wheel if n.startswith(("tests/", "bench/", "experiments/"))]
    # The recipes stay in the repository: the wheel has presets, not scripts.
    assert [
        n for n in wheel if n.startswith("ganzoo/_weights/") and n.endswith(".py")
    ] == ["ganzoo/_weights/__init__.py"]
    # Installed under the distribution name, imported as `ganzoo`.
    assert any(n.startswith("keras_ganzoo-") and n.endswith("/METADATA") for n in wheel)
    entry_points = [n for n in wheel if n.endswith("entry_points.txt")]
    assert entry_points


@pytest.mark.large
def test_wheel_installs_and_runs_in_a_fresh_environment(tmp_path):
    """`pip install keras-ganzoo[jax]` from the wheel: the CLI lists presets
    and a shipped preset samples, with nothing of the repository in reach.

    Installs JAX into a new virtual environment (versions from
    constraints.txt), so it runs in the JAX suite only.
    """
    import keras

    if keras.backend.backend() != "jax":
        pytest.skip("installs the JAX extra; runs in the JAX suite")
    wheel_file = build_wheel(tmp_path / "wheel")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python, ganzoo_command = venv / "bin" / "python", venv / "bin" / "ganzoo"
    install = subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "-q",
            "-c",
            os.path.join(ROOT, "constraints.txt"),
            f"{wheel_file}[jax]",
        ],  # fmt: skip
        capture_output=True,
        text=True,
        timeout=900,  # fmt: skip
    )
    assert install.returncode == 0, install.stderr[-3000:]
    env = dict(os.environ, KERAS_BACKEND="jax")
    env.pop("PYTHONPATH", None)
    listed = subprocess.run(
        [str(ganzoo_command), "presets"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,  # fmt: skip
    )
    assert listed.returncode == 0, listed.stderr[-3000:]
    assert "dcgan_mnist" in listed.stdout
    grid = tmp_path / "digits.png"
    sampled = subprocess.run(
        [
            str(ganzoo_command),
            "sample",
            "dcgan_mnist",
            "--num-images",
            "4",
            "--out",
            str(grid),
        ],  # fmt: skip
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert sampled.returncode == 0, sampled.stderr[-3000:]
    assert grid.stat().st_size > 0
    where = subprocess.run(
        [str(python), "-c", "import ganzoo; print(ganzoo.__file__)"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert str(venv) in where.stdout  # the installed copy, not the checkout
