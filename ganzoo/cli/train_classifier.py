"""`ganzoo train-classifier`: trains the digit classifier of `ganzoo.metrics`.

Trains the `DigitClassifier` that the offline metrics (Frechet distance,
precision and recall, label accuracy) measure generated digits with, on
the `"train"` split of `ganzoo.datasets.load(DATASET)`: by default the
4,000 bundled `mnist_5k` digits; `--dataset mnist` takes the 60,000 MNIST
training digits, read from `$GANZOO_MNIST_PATH` when set. Each epoch
shifts every image by a random whole number of pixels in [-2, 2] along
each axis (background filled with -1); Adam with a cosine learning-rate
decay. Then it measures the accuracy on the held-out `"test"` split (1,000
`mnist_5k` digits, or MNIST's official 10,000), saves the model to
`OUT/model.keras` and writes `OUT/metrics.json` (test accuracy, settings,
Keras version, backend, the command and timings). `--validation-split`
holds out part of the training split to choose settings without looking
at the test split.
"""

import argparse
import json
import os
import shlex
import time

import numpy as np

from ganzoo.cli import checks

TRAIN_CLASSIFIER_EXAMPLES = """examples:
  ganzoo train-classifier --out digit_classifier --epochs 20 --seed 0
  ganzoo train-classifier --out digit_classifier --dataset mnist --epochs 8
  ganzoo train-classifier --out trial --validation-split 0.1 --dropout 0.5
"""


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


def add_command(sub):
    """Adds the `train-classifier` sub-command to `sub`, the `ganzoo` sub-parsers."""
    p = sub.add_parser(
        "train-classifier",
        help="train the digit classifier of the offline metrics",
        description="Trains the DigitClassifier that ganzoo.metrics measures "
        "generated digits with (shipped as the digit_classifier_mnist "
        "preset), reports its accuracy on the held-out test digits, and "
        "writes OUT/model.keras and OUT/metrics.json.",
        epilog=TRAIN_CLASSIFIER_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--out", required=True, help="output folder")
    p.add_argument(
        "--dataset",
        choices=("mnist_5k", "mnist"),
        default="mnist_5k",
        help="digits to train on: the bundled 4,000 (default) or all 60,000",
    )
    p.add_argument("--epochs", type=checks.positive, default=20, help="default 20")
    p.add_argument("--seed", type=checks.seed, default=0, help="default 0")
    p.add_argument("--batch-size", type=checks.positive, default=64, help="default 64")
    p.add_argument("--learning-rate", type=float, default=2e-3, help="default 2e-3")
    p.add_argument(
        "--max-shift",
        type=checks.non_negative,
        default=2,
        help="largest random shift in pixels (default 2)",
    )
    p.add_argument("--dropout", type=float, default=0.3, help="default 0.3")
    p.add_argument(
        "--validation-split",
        type=checks.fraction,
        default=0.0,
        help="fraction of the train split held out to monitor training, in "
        "[0, 1) (default 0)",
    )
    p.add_argument(
        "--verbose", type=int, default=2, help="Keras's fit verbosity (default 2)"
    )
    p.set_defaults(run=cmd_train_classifier)


def cmd_train_classifier(args):
    """Runs `ganzoo train-classifier`; returns the exit status."""
    checks.writable_folder(args.out, "--out")
    metrics = train(args, command(args))
    print(
        f"test accuracy {metrics['test_accuracy']:.4f} on {metrics['num_test']} "
        f"held-out images; {metrics['train_seconds']} s of training; saved to "
        f"{os.path.join(args.out, 'model.keras')}"
    )
    return 0


def command(args):
    """The command line that repeats a run, every setting spelled out."""
    import keras

    options = []
    for name in (
        "out",
        "dataset",
        "epochs",
        "seed",
        "batch_size",
        "learning_rate",
        "max_shift",
        "dropout",
        "validation_split",
        "verbose",
    ):
        options += ["--" + name.replace("_", "-"), str(getattr(args, name))]
    return (
        f"KERAS_BACKEND={keras.backend.backend()} ganzoo train-classifier "
        + shlex.join(options)
    )


def train(args, command):
    """Trains, measures and saves the classifier; returns the metrics written.

    Args:
        args: The parsed `ganzoo train-classifier` arguments.
        command: The command line recorded in `metrics.json`.

    Returns:
        The dict written to `OUT/metrics.json`.
    """
    import keras

    from ganzoo import datasets
    from ganzoo.metrics.digit_classifier import DigitClassifier

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
