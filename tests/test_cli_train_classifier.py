"""`ganzoo train-classifier`, and the module it replaces (deprecated)."""

import importlib
import json
import os
import sys

import keras
import numpy as np
import pytest

import ganzoo
from ganzoo import cli
from tests.testing import runs_on_this_backend


def _parse(argv):
    return cli.build_parser().parse_args(["train-classifier", *argv])


def test_arguments_are_checked_before_training(capsys):
    args = _parse(["--out", "x", "--epochs", "3", "--seed", "7"])
    assert (args.out, args.epochs, args.seed) == ("x", 3, 7)
    for bad, message in (
        (["--out", "x", "--epochs", "0"], "--epochs: must be >= 1, got 0"),
        (["--epochs", "1"], "the following arguments are required: --out"),
        (["--out", "x", "--validation-split", "1"], "must be in [0, 1), got 1.0"),
        (["--out", "x", "--max-shift", "-1"], "--max-shift: must be >= 0, got -1"),
    ):
        with pytest.raises(SystemExit) as exit_info:
            cli.main(["train-classifier", *bad])
        assert exit_info.value.code == 2
        assert message in capsys.readouterr().err


def test_the_old_module_warns_and_still_parses():
    sys.modules.pop("ganzoo.metrics.train_digit_classifier", None)
    with pytest.warns(DeprecationWarning, match="ganzoo train-classifier"):
        old = importlib.import_module("ganzoo.metrics.train_digit_classifier")
    args = old.parse_args(["--out", "x", "--epochs", "3"])
    assert (args.out, args.epochs, args.dataset) == ("x", 3, "mnist_5k")
    with pytest.raises(SystemExit):
        old.parse_args(["--out", "x", "--epochs", "0"])


@pytest.mark.large
def test_one_epoch_end_to_end(tmp_path, capsys):
    """An epoch over the 4,000 bundled training digits, on TensorFlow's suite
    only (39 s on PyTorch's): the command is backend-agnostic code around a
    plain Keras classifier, whose training on every backend is
    tests/metrics/test_digit_classifier.py's `test_fit_one_epoch`."""
    if not runs_on_this_backend(1):
        pytest.skip("runs in TensorFlow's suite (GANZOO_TEST_ALL=1: here too)")
    out = os.path.join(tmp_path, "run")
    argv = ["--out", out, "--epochs", "1", "--seed", "0", "--verbose", "0"]
    assert cli.main(["train-classifier", *argv]) == 0
    assert "test accuracy" in capsys.readouterr().out
    with open(os.path.join(out, "metrics.json")) as f:
        saved = json.load(f)
    assert saved["test_accuracy"] > 0.5
    assert saved["backend"] == keras.backend.backend()
    assert saved["keras_version"] == keras.__version__
    assert saved["command"].startswith(
        f"KERAS_BACKEND={keras.backend.backend()} ganzoo train-classifier --out "
    )
    assert "--epochs 1 --seed 0 " in saved["command"]
    assert saved["reload_matches"]
    model = keras.saving.load_model(os.path.join(out, "model.keras"))
    images, labels = ganzoo.datasets.load("mnist_5k", split="test")
    accuracy = np.mean(model.predict_labels(images) == labels)
    assert accuracy == pytest.approx(saved["test_accuracy"])
