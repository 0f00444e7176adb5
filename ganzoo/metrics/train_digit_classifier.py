"""Trains the `DigitClassifier` of `ganzoo.metrics` on MNIST digits.

Usage:

```
KERAS_BACKEND=jax python -m ganzoo.metrics.train_digit_classifier \\
    --out digit_classifier --epochs 20 --seed 0 [--dataset mnist]
```

Trains on the `"train"` split of `ganzoo.datasets.load(DATASET)` (by
default the 4,000 bundled `mnist_5k` digits; `--dataset mnist` takes the
60,000 MNIST training digits, read from `$GANZOO_MNIST_PATH` when set),
each epoch shifting every image by a random whole number of pixels in
[-2, 2] along each axis (background filled with -1), with Adam and a cosine
learning-rate decay. Then it measures the accuracy on the held-out
`"test"` split (1,000 `mnist_5k` digits, or MNIST's official 10,000), saves
the model to `OUT/model.keras` and writes
`OUT/metrics.json` (test accuracy, settings, Keras version, backend, the
command and timings). `--validation-split` holds out part of the training
split to choose settings without looking at the test split.
"""

import argparse
import json
import os
import shlex
import sys
import time

import keras
import numpy as np

from ganzoo import datasets
from ganzoo.metrics.digit_classifier import DigitClassifier

MODULE = "ganzoo.metrics.train_digit_classifier"


def random_translate(images, max_shift, rng, fill_value=-1.0):
    """Shifts each image by its own random whole-pixel offset.

    Args:
        images: Array of shape `(n, height, width, channels)`.
        max_shift: Largest shift in pixels along each axis.
        rng: A `np.random.Generator`.
        fill_value: Value of the pixels shifted in (the background, -1).

    Returns:
        Array of the same shape and dtype.
    """
    if max_shift == 0:
        return images
    n, height, width, _ = images.shape
    pad = ((0, 0), (max_shift, max_shift), (max_shift, max_shift), (0, 0))
    padded = np.pad(images, pad, constant_values=fill_value)
    dy = rng.integers(0, 2 * max_shift + 1, size=n)
    dx = rng.integers(0, 2 * max_shift + 1, size=n)
    rows = dy[:, None] + np.arange(height)[None, :]
    cols = dx[:, None] + np.arange(width)[None, :]
    index = np.arange(n)[:, None, None]
    return padded[index, rows[:, :, None], cols[:, None, :]]


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        prog=f"python -m {MODULE}",
        description="Train the ganzoo.metrics DigitClassifier on MNIST digits.",
    )
    parser.add_argument("--out", required=True, help="Output directory.")
    parser.add_argument(
        "--dataset",
        choices=("mnist_5k", "mnist"),
        default="mnist_5k",
        help="Digits to train on: the bundled 4,000 (default) or all 60,000.",
    )
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--learning-rate", type=float, default=2e-3)
    parser.add_argument("--max-shift", type=int, default=2)
    parser.add_argument("--dropout", type=float, default=0.3)
    parser.add_argument(
        "--validation-split",
        type=float,
        default=0.0,
        help="Fraction of the train split held out to monitor training.",
    )
    parser.add_argument("--verbose", type=int, default=2)
    args = parser.parse_args(argv)
    if args.epochs < 1:
        parser.error("--epochs must be >= 1")
    if not 0 <= args.validation_split < 1:
        parser.error("--validation-split must be in [0, 1)")
    if args.max_shift < 0:
        parser.error("--max-shift must be >= 0")
    return args


def train(args, command):
    keras.utils.set_random_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    images, labels = datasets.load(args.dataset, split="train")
    test_images, test_labels = datasets.load(args.dataset, split="test")

    validation_data = None
    if args.validation_split:
        order = rng.permutation(len(images))
        num_val = int(round(args.validation_split * len(images)))
        val, kept = order[:num_val], order[num_val:]
        validation_data = (images[val], labels[val])
        images, labels = images[kept], labels[kept]

    steps_per_epoch = -(-len(images) // args.batch_size)
    schedule = keras.optimizers.schedules.CosineDecay(
        args.learning_rate, decay_steps=args.epochs * steps_per_epoch
    )
    model = DigitClassifier(dropout=args.dropout)
    model.compile(
        optimizer=keras.optimizers.Adam(schedule),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )

    start = time.perf_counter()
    history = {}
    for epoch in range(args.epochs):
        augmented = random_translate(images, args.max_shift, rng)
        result = model.fit(
            augmented,
            labels,
            batch_size=args.batch_size,
            epochs=epoch + 1,
            initial_epoch=epoch,
            validation_data=validation_data,
            shuffle=True,
            verbose=args.verbose,
        )
        for key, values in result.history.items():
            history.setdefault(key, []).extend(float(v) for v in values)
    train_seconds = time.perf_counter() - start

    predicted = model.predict_labels(test_images)
    test_accuracy = float(np.mean(predicted == test_labels))
    per_class = {
        str(c): float(np.mean(predicted[test_labels == c] == c)) for c in range(10)
    }

    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "model.keras")
    model.save(path)
    reloaded = keras.saving.load_model(path)
    reload_matches = bool(
        np.array_equal(reloaded.predict_labels(test_images), predicted)
    )

    metrics = {
        "test_accuracy": test_accuracy,
        "test_accuracy_per_class": per_class,
        "num_test": int(len(test_images)),
        "num_train": int(len(images)),
        "num_validation": 0 if validation_data is None else len(validation_data[0]),
        "dataset": args.dataset,
        "epochs": args.epochs,
        "seed": args.seed,
        "batch_size": args.batch_size,
        "learning_rate": args.learning_rate,
        "max_shift": args.max_shift,
        "dropout": args.dropout,
        "train_seconds": round(train_seconds, 1),
        "reload_matches": reload_matches,
        "keras_version": keras.__version__,
        "backend": keras.backend.backend(),
        "command": command,
        "history": history,
    }
    with open(os.path.join(args.out, "metrics.json"), "w") as f:
        json.dump(metrics, f, indent=2)
        f.write("\n")
    return metrics


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    args = parse_args(argv)
    command = (
        f"KERAS_BACKEND={keras.backend.backend()} python -m {MODULE} "
        + shlex.join(argv)
    )
    metrics = train(args, command)
    print(
        f"test accuracy {metrics['test_accuracy']:.4f} on {metrics['num_test']} "
        f"held-out images; {metrics['train_seconds']} s of training; saved to "
        f"{os.path.join(args.out, 'model.keras')}"
    )
    return metrics


if __name__ == "__main__":
    main()
