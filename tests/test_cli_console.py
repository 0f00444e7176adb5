"""The `ganzoo` command prints only what ganzoo means to say, on every backend.

Each command runs as its own process on the suite's backend, with no
`TF_CPP_MIN_LOG_LEVEL` of the caller's, and must print none of the lines
TensorFlow's C++ logging prints when it is imported or trains.
"""

import os
import subprocess
import sys

import keras
import numpy as np
import pytest
from PIL import Image

from ganzoo.cli import console

MARKERS = (
    "absl::InitializeLog",
    "oneDNN custom operations",
    "cpu_feature_guard",
    "remapper failed",
)
ONEDNN_LINE = (
    "I0000 00:00:1796470474.630138   13574 port.cc:153] oneDNN custom operations "
    "are on. You may see slightly different numerical results."
)


def _env(**more):
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    env.update(KERAS_BACKEND=keras.backend.backend(), **more)
    return env


def _ganzoo(*argv, cwd=None):
    """Runs the console script (or `python -m ganzoo.cli` without one)."""
    script = os.path.join(os.path.dirname(sys.executable), "ganzoo")
    command = (
        [script] if os.path.exists(script) else [sys.executable, "-m", "ganzoo.cli"]
    )
    return subprocess.run(
        command + list(argv), env=_env(), cwd=cwd, capture_output=True, text=True
    )


def _assert_quiet(result):
    printed = result.stdout + result.stderr
    assert result.returncode == 0, printed
    for marker in MARKERS:
        assert marker not in printed, printed


def test_help_is_quiet():
    _assert_quiet(_ganzoo("--help"))
    result = _ganzoo("sample", "--help")
    _assert_quiet(result)
    assert result.stdout.startswith("usage: ganzoo sample") and not result.stderr


def test_sample_is_quiet(tmp_path):
    result = _ganzoo(
        "sample", "dcgan_mnist", "--num-images", "4", "--out", "x.png", cwd=tmp_path
    )
    _assert_quiet(result)
    assert result.stdout.startswith("Wrote 4 samples") and not result.stderr
    assert (tmp_path / "x.png").exists()


def test_tiny_train_is_quiet(tmp_path):
    images = tmp_path / "images"
    images.mkdir()
    rng = np.random.default_rng(0)
    for i in range(4):
        pixels = rng.integers(0, 256, (10, 12, 3), dtype="uint8")
        Image.fromarray(pixels).save(images / f"{i}.png")
    result = _ganzoo(
        "train", "dcgan", "--images", str(images), "--out", str(tmp_path / "preset"),
        "--image-size", "8", "--channels", "1", "--epochs", "1", "--batch-size", "4",
        "--latent-dim", "4", "--filters", "4",
    )  # fmt: skip
    _assert_quiet(result)
    assert "Wrote the preset" in result.stdout and "loss: " in result.stdout


def test_errors_still_reach_stderr_as_one_line():
    result = subprocess.run(
        [sys.executable, "-m", "ganzoo.cli", "sample", "dcgan_mnst"],
        env=_env(),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("ganzoo sample: error: Unknown preset.")
    assert len(result.stderr.splitlines()) == 1 and not result.stdout


def test_the_filter_drops_only_the_noise_and_outlives_a_crash(tmp_path):
    # A program named `ganzoo` counts as the command: it prints a framework
    # line, two of its own (one without its newline yet), then aborts.
    program = tmp_path / "ganzoo"
    program.write_text(
        "import os, sys\n"
        "import ganzoo\n"
        f"os.write(2, {ONEDNN_LINE!r}.encode() + b'\\n')\n"
        "os.write(2, b'kept line\\n')\n"
        "os.write(2, b'\\rprogress 3/10')\n"
        "print(os.environ['TF_CPP_MIN_LOG_LEVEL'])\n"
        "sys.stdout.flush()\n"
        "os.abort()\n"
    )
    result = subprocess.run(
        [sys.executable, str(program)], env=_env(), capture_output=True
    )
    assert result.returncode != 0
    assert result.stdout == b"2\n"  # set for the command when unset
    assert result.stderr == b"kept line\n\rprogress 3/10"


def test_the_users_setting_is_kept_and_zero_shows_everything(tmp_path):
    program = tmp_path / "ganzoo"
    program.write_text(
        "import os\n"
        "import ganzoo\n"
        f"os.write(2, {ONEDNN_LINE!r}.encode() + b'\\n')\n"
        "print(os.environ['TF_CPP_MIN_LOG_LEVEL'])\n"
    )
    result = subprocess.run(
        [sys.executable, str(program)],
        env=_env(TF_CPP_MIN_LOG_LEVEL="0"),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "0\n" and ONEDNN_LINE in result.stderr


def test_a_program_that_imports_ganzoo_keeps_its_settings(tmp_path):
    program = tmp_path / "my_program.py"
    program.write_text(
        "import os, stat\n"
        "import keras\n"  # JAX, which Keras imports, sets a default of its own
        "before = dict(os.environ)\n"
        "import ganzoo\n"
        "print(dict(os.environ) == before)\n"
        "print(stat.S_ISFIFO(os.fstat(2).st_mode))\n"
    )
    with open(tmp_path / "stderr.txt", "w") as stderr:  # a file, not a pipe
        result = subprocess.run(
            [sys.executable, str(program)],
            env=_env(),
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        )
    assert result.returncode == 0
    assert result.stdout == "True\nFalse\n"  # no variable set, stderr untouched


def _forward(*chunks):
    source_read, source_write = os.pipe()
    target_read, target_write = os.pipe()
    for chunk in chunks:
        os.write(source_write, chunk)
    os.close(source_write)
    console.forward(source_read, target_write)
    os.close(source_read)
    os.close(target_write)
    with os.fdopen(target_read, "rb") as f:
        return f.read()


def test_forward_keeps_everything_but_the_known_lines():
    noise = [
        b"WARNING: All log messages before absl::InitializeLog() is called are "
        b"written to STDERR\n",
        ONEDNN_LINE.encode() + b"\n",
        b"2025-01-01 10:00:00.000000: I tensorflow/core/platform/cpu_feature_guard"
        b".cc:210] This TensorFlow binary is optimized to use available CPU\n",
        b"To enable the following instructions: AVX2 FMA, in other operations, "
        b"rebuild TensorFlow with the appropriate compiler flags.\n",
        b"E0000 00:00:1.5 13574 meta_optimizer.cc:967] remapper failed: "
        b"INVALID_ARGUMENT: Mutation::Apply error\n",
    ]
    kept = [
        b"E0000 00:00:1.5 13574 some_op.cc:1] a real error\n",
        b"Traceback (most recent call last):\n",
        b"ganzoo train: error: --out 'x' is a file, not a folder.\n",
    ]
    # A noise line split across reads, and a progress line with no newline.
    split = noise[1][:20], noise[1][20:]
    output = _forward(*noise[:1], kept[0], *split, *noise[2:], *kept[1:], b"\rstep 1")
    assert output == b"".join(kept) + b"\rstep 1"


@pytest.mark.parametrize(
    "argv0, orig_argv, expected",
    [
        ("/venv/bin/ganzoo", [], True),
        ("C:\\venv\\Scripts\\ganzoo.exe", [], True),
        ("-m", ["python", "-m", "ganzoo.cli", "sample"], True),
        ("-m", ["python", "-X", "dev", "-mganzoo.cli"], True),
        ("-m", ["python", "-m", "pytest", "-m", "ganzoo.cli"], False),
        ("-c", ["python", "-c", "import ganzoo", "-m", "ganzoo.cli"], False),
        ("train.py", ["python", "train.py"], False),
    ],
)
def test_is_command(argv0, orig_argv, expected):
    assert console.is_command(argv0, orig_argv) is expected
