"""What every recipe script shares: resumable training, evaluation, writing.

Each `weights/*recipe*.py` script describes its models and figures; the
steps common to all of them live here so that every preset is trained,
measured and written the same way.
"""

import os
import sys
import time

import keras

import ganzoo

HERE = os.path.dirname(os.path.abspath(__file__))
MNIST_TRAIN = "mnist_5k train split (4,000 digits)"
MNIST_TRAIN_SIZE = 4000


def mnist_training_steps(epochs, batch_size):
    """Updates of `epochs` passes over the MNIST training split (last batch kept)."""
    return epochs * -(-MNIST_TRAIN_SIZE // batch_size)


def recipe_command(script, argv=None):
    """The command line that reproduces a run of `script`, for metadata.

    `--work-dir` is left out: it only says where this machine kept the
    run's files.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    for i, arg in reversed(list(enumerate(args))):
        if arg == "--work-dir":
            del args[i : i + 2]
        elif arg.startswith("--work-dir="):
            del args[i]
    return (
        f"KERAS_BACKEND={keras.backend.backend()} python weights/{script} "
        + " ".join(args)
    )


def fit_once(
    work_dir, build, x, y=None, *, epochs, batch_size, grid=None, initial_epoch=0
):
    """Trains `build()`'s compiled model with `fit`, or reuses a finished one.

    The random seed is fixed before `build` runs. Training resumes from
    `work_dir/backup` if it was interrupted; the finished model is saved as
    `work_dir/trained.keras` and a later call reloads it instead of training,
    so a recipe can be run again to re-measure.

    Args:
        work_dir: folder for the run's files (`outputs/recipes/NAME`).
        build: function returning the compiled model to train.
        x, y: what `fit` takes.
        epochs, batch_size: passed to `fit`.
        grid: keyword arguments of the `ganzoo.SampleGrid` callback that
            writes sample grids to `work_dir/samples` (default: every 5
            epochs).
        initial_epoch: passed to `fit`: where a model that `build` returns
            already trained (e.g. loaded from an earlier stage) goes on.
    """
    trained_path = os.path.join(work_dir, "trained.keras")
    if os.path.exists(trained_path):
        print(f"Reusing {trained_path}")
        return keras.saving.load_model(trained_path)
    keras.utils.set_random_seed(0)
    model = build()
    start = time.time()
    model.fit(
        x,
        y,
        batch_size=batch_size,
        epochs=epochs,
        initial_epoch=initial_epoch,
        verbose=2,
        callbacks=[
            keras.callbacks.BackupAndRestore(os.path.join(work_dir, "backup")),
            ganzoo.SampleGrid(
                os.path.join(work_dir, "samples"), **(grid or {"every": 5})
            ),
        ],
    )
    print(f"Trained in {time.time() - start:.0f} s")
    model.save(trained_path)
    return model


def compiled(cls_name, init):
    """A `build` function for `fit_once`: the class with its paper defaults."""

    def build():
        model = getattr(ganzoo, cls_name)(**init)
        model.compile()
        return model

    return build


def evaluate_gan(model, num_samples=1000):
    """Figures on the digit classifier's features, against held-out digits."""
    classifier = ganzoo.from_preset("digit_classifier_mnist")
    test_images, _ = ganzoo.datasets.load("mnist_5k", split="test")
    train_images, _ = ganzoo.datasets.load("mnist_5k", split="train")
    samples = model.generate(num_samples, seed=1)
    fake = ganzoo.metrics.evaluate_generator(samples, test_images, classifier)
    real = ganzoo.metrics.evaluate_generator(
        train_images[:num_samples], test_images, classifier
    )
    return {
        "frechet_distance": fake["frechet_distance"],
        "precision": fake["precision"],
        "recall": fake["recall"],
        "class_histogram": fake["class_histogram"],
        "real_frechet_distance": real["frechet_distance"],
        "real_precision": real["precision"],
        "real_recall": real["recall"],
        "num_samples": num_samples,
        "num_real_test": int(len(test_images)),
    }


def write_preset(
    model,
    name,
    *,
    command,
    dataset,
    training_steps,
    metrics,
    sample_inputs=None,
    **extra,
):
    """Writes `weights/NAME/` with the run's metadata."""
    folder = os.path.join(HERE, name)
    model.save_to_preset(
        folder,
        sample_inputs=sample_inputs,
        metadata={
            "description": ganzoo.presets.registry.get_preset_info(name).description,
            "dataset": dataset,
            "recipe": command,
            "training_steps": training_steps,
            **extra,
            "metrics": metrics,
        },
    )
    print(f"Wrote {folder}")
