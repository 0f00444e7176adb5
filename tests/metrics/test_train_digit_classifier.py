import json
import os

import keras
import numpy as np
import pytest

import ganzoo
from ganzoo.metrics.train_digit_classifier import main
from ganzoo.metrics.train_digit_classifier import parse_args


def test_parse_args():
    args = parse_args(["--out", "x", "--epochs", "3", "--seed", "7"])
    assert (args.out, args.epochs, args.seed) == ("x", 3, 7)
    with pytest.raises(SystemExit):
        parse_args(["--out", "x", "--epochs", "0"])
    with pytest.raises(SystemExit):
        parse_args(["--epochs", "1"])  # --out is required


@pytest.mark.large
def test_one_epoch_end_to_end(tmp_path):
    out = os.path.join(tmp_path, "run")
    metrics = main(["--out", out, "--epochs", "1", "--seed", "0", "--verbose", "0"])
    with open(os.path.join(out, "metrics.json")) as f:
        saved = json.load(f)
    assert saved["test_accuracy"] == metrics["test_accuracy"] > 0.5
    assert saved["backend"] == keras.backend.backend()
    assert saved["keras_version"] == keras.__version__
    assert saved["command"].endswith(
        "--out " + out + " --epochs 1 --seed 0 --verbose 0"
    )
    assert saved["reload_matches"]
    model = keras.saving.load_model(os.path.join(out, "model.keras"))
    images, labels = ganzoo.datasets.load("mnist_5k", split="test")
    accuracy = np.mean(model.predict_labels(images) == labels)
    assert accuracy == pytest.approx(saved["test_accuracy"])
