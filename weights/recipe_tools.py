"""What every recipe script shares: resumable training, evaluation, writing.

Each `weights/*recipe*.py` script describes its models and figures; the
steps common to all of them live here so that every preset is trained,
measured and written the same way.
"""

import functools
import json
import os
import shutil
import sys
import time

import keras
import numpy as np

import ganzoo

HERE = os.path.dirname(os.path.abspath(__file__))
MNIST_TRAIN = "MNIST train, 60,000 digits (keras.datasets.mnist)"
MNIST_TEST = "MNIST test, the official 10,000 digits"
MNIST_TRAIN_SIZE = 60000
NUM_EVAL_SAMPLES = 10000


def mnist_training_steps(epochs, batch_size, num_images=MNIST_TRAIN_SIZE):
    """Updates of `epochs` passes over `num_images` digits (last batch kept)."""
    return epochs * -(-num_images // batch_size)


def load_mnist(split):
    """MNIST as a user loads it: `ganzoo.datasets.load("mnist", split)`.

    Set `GANZOO_MNIST_PATH` to a copy of keras's `mnist.npz` to train
    without a download.
    """
    return ganzoo.datasets.load("mnist", split=split)


@functools.lru_cache(maxsize=1)
def evaluation_data():
    """The classifier, the test digits and the real-data floor, made once.

    The floor is 10,000 training digits measured against the 10,000 test
    digits exactly as a generator's samples are.
    """
    classifier = ganzoo.from_preset("digit_classifier_mnist")
    test_images, test_labels = load_mnist("test")
    train_images, _ = load_mnist("train")
    real = ganzoo.metrics.evaluate_generator(
        train_images[:NUM_EVAL_SAMPLES], test_images, classifier
    )
    return classifier, test_images, test_labels, real


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


class LearningCurve(keras.callbacks.Callback):
    """Keeps a run's training time and learning curve in `work_dir`.

    `work_dir/training_seconds` holds the seconds spent in epochs so far,
    summed over resumed runs. Every `every` epochs, if `measure` is given,
    one JSON line (epoch, generator steps, training seconds and
    `measure(model)`'s headline figures) is appended to
    `work_dir/curve.jsonl`, so a run resumed by `BackupAndRestore` keeps its
    earlier points.
    """

    def __init__(self, work_dir, steps_per_epoch, measure=None, every=1):
        super().__init__()
        self.work_dir = work_dir
        self.steps_per_epoch = steps_per_epoch
        self.measure = measure
        self.every = every
        self.epoch_start = None

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch_start = time.time()

    def on_epoch_end(self, epoch, logs=None):
        seconds = training_seconds(self.work_dir) + time.time() - self.epoch_start
        with open(os.path.join(self.work_dir, "training_seconds"), "w") as f:
            f.write(f"{seconds:.1f}\n")
        if self.measure is None or (epoch + 1) % self.every:
            return
        point = {
            "epoch": epoch + 1,
            "generator_steps": (epoch + 1) * self.steps_per_epoch,
            "training_seconds": round(seconds),
            **summary(self.measure(self.model)),
        }
        print(f"Learning curve: {point}")
        with open(os.path.join(self.work_dir, "curve.jsonl"), "a") as f:
            f.write(json.dumps(point) + "\n")


class Cooldown(keras.callbacks.Callback):
    """Decays every optimizer's learning rate linearly to 0 at the end.

    Until the last `cooldown_epochs` of `epochs`, each of the model's
    optimizers (`model.optimizer_names`) runs at its base learning rate
    (`learning_rate` if given, else its family's default); then the rate
    falls linearly with each step, reaching 0 after the last. The rate
    depends on the step only, so a run resumed by `BackupAndRestore` or
    taken further in stages gets the same one.
    """

    def __init__(self, epochs, cooldown_epochs, steps_per_epoch, learning_rate=None):
        super().__init__()
        self.learning_rate = learning_rate
        self.end = epochs * steps_per_epoch
        self.start = (epochs - cooldown_epochs) * steps_per_epoch
        self.steps_per_epoch = steps_per_epoch
        self.epoch = 0

    def on_train_begin(self, logs=None):
        if self.learning_rate is not None:
            self.base = dict.fromkeys(self.model.optimizer_names, self.learning_rate)
            return
        self.base = {
            name: float(
                keras.ops.convert_to_numpy(
                    self.model.default_optimizer(name).learning_rate
                )
            )
            for name in self.model.optimizer_names
        }

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_begin(self, batch, logs=None):
        step = self.epoch * self.steps_per_epoch + batch
        fraction = min(1.0, (self.end - step) / (self.end - self.start))
        for name, base in self.base.items():
            getattr(self.model, name).learning_rate.assign(base * fraction)


def cooldown_metadata(recipe, rates="the family's default learning rates"):
    """The preset metadata that says how a recipe's learning rates ran."""
    epochs = recipe.get("cooldown_epochs")
    if not epochs:
        return {}
    return {
        "learning_rate_schedule": f"{rates}, decayed linearly to 0 over the "
        f"last {epochs} epochs"
    }


def continue_from(earlier_dir, work_dir):
    """Starts `work_dir`'s time and curve where the run in `earlier_dir` ended.

    For a run trained in stages, each in its own folder: the later stage's
    training time then counts the earlier one's, and its learning curve
    begins with the earlier points. Does nothing once `work_dir` has begun.
    """
    if os.path.exists(os.path.join(work_dir, "training_seconds")):
        return
    os.makedirs(work_dir, exist_ok=True)
    with open(os.path.join(work_dir, "training_seconds"), "w") as f:
        f.write(f"{training_seconds(earlier_dir):.1f}\n")
    earlier_curve = os.path.join(earlier_dir, "curve.jsonl")
    if os.path.exists(earlier_curve):
        shutil.copyfile(earlier_curve, os.path.join(work_dir, "curve.jsonl"))


def training_seconds(work_dir):
    """Seconds a run in `work_dir` has spent training (0 before it starts)."""
    path = os.path.join(work_dir, "training_seconds")
    if not os.path.exists(path):
        return 0.0
    with open(path) as f:
        return float(f.read())


def summary(metrics):
    """The headline figures of a metrics dict, rounded, for curves and logs."""
    keys = (
        "frechet_distance",
        "precision",
        "recall",
        "label_accuracy",
        "test_accuracy",
        "code_class_accuracy",
    )
    out = {key: round(float(metrics[key]), 4) for key in keys if key in metrics}
    if "class_histogram" in metrics:
        histogram = np.asarray(metrics["class_histogram"])
        out["rarest_digit_share"] = round(float(histogram.min() / histogram.sum()), 4)
    return out


def read_curve(work_dir):
    """The learning curve of a run, one point per epoch (the latest wins)."""
    path = os.path.join(work_dir, "curve.jsonl")
    if not os.path.exists(path):
        return []
    points = {}
    with open(path) as f:
        for line in f:
            point = json.loads(line)
            points[point["epoch"]] = point
    return [points[epoch] for epoch in sorted(points)]


def fit_once(
    work_dir,
    build,
    x,
    y=None,
    *,
    epochs,
    batch_size,
    grid=None,
    initial_epoch=0,
    curve=None,
    cooldown_epochs=0,
    cooldown_from=None,
):
    """Trains `build()`'s compiled model with `fit`, or reuses a finished one.

    The random seed is fixed before `build` runs. Training resumes from
    `work_dir/backup` if it was interrupted; the finished model is saved as
    `work_dir/trained.keras` and a later call reloads it instead of training,
    so a recipe can be run again to re-measure. Asked for more epochs than
    that model was trained for, it loads the model (with its optimizer
    state) and goes on training from where it stopped; `training_stages`
    records where each stage ended.

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
        curve: optional `(every, measure)`: a `LearningCurve` records
            `measure(model)` every `every` epochs.
        cooldown_epochs: the last this many of the `epochs` decay every
            learning rate linearly to 0 (see `Cooldown`), from
            `cooldown_from` (default: each family's default rate).
    """
    trained_path = os.path.join(work_dir, "trained.keras")
    earlier_stages = training_stages(work_dir)
    done = earlier_stages[-1] if earlier_stages else None
    if os.path.exists(trained_path):
        if done is None or done >= epochs:
            print(f"Reusing {trained_path}")
            return keras.saving.load_model(trained_path)
        print(f"Going on from {trained_path} (epoch {done}) to epoch {epochs}")
        build = functools.partial(keras.saving.load_model, trained_path)
        initial_epoch = done
    os.makedirs(work_dir, exist_ok=True)
    with open(os.path.join(work_dir, "hardware"), "w") as f:
        f.write(f"{len(os.sched_getaffinity(0))} CPU core(s), no GPU\n")
    keras.utils.set_random_seed(0)
    model = build()
    start = time.time()
    callbacks = [
        keras.callbacks.BackupAndRestore(os.path.join(work_dir, "backup")),
        ganzoo.SampleGrid(os.path.join(work_dir, "samples"), **(grid or {"every": 5})),
    ]
    every, measure = curve or (1, None)
    steps = -(-len(x) // batch_size)
    callbacks.append(LearningCurve(work_dir, steps, measure, every))
    if cooldown_epochs:
        callbacks.append(Cooldown(epochs, cooldown_epochs, steps, cooldown_from))
    model.fit(
        x,
        y,
        batch_size=batch_size,
        epochs=epochs,
        initial_epoch=initial_epoch,
        verbose=2,
        callbacks=callbacks,
    )
    print(f"Trained in {time.time() - start:.0f} s")
    model.save(trained_path)
    with open(os.path.join(work_dir, "stages"), "w") as f:
        json.dump(earlier_stages + [epochs], f)
    return model


def training_stages(work_dir):
    """The epochs at which each training stage of the run in `work_dir` ended.

    One entry for a run trained in one go; a run taken further with a larger
    `--epochs` (see `fit_once`) has one entry per stage. A finished run from
    before stages were recorded counts as one stage ending at its last
    learning-curve point.
    """
    path = os.path.join(work_dir, "stages")
    if os.path.exists(path):
        with open(path) as f:
            return json.load(f)
    curve = read_curve(work_dir)
    if curve and os.path.exists(os.path.join(work_dir, "trained.keras")):
        return [curve[-1]["epoch"]]
    return []


def compiled(cls_name, init):
    """A `build` function for `fit_once`: the class with its paper defaults."""

    def build():
        model = getattr(ganzoo, cls_name)(**init)
        model.compile()
        return model

    return build


def evaluate_gan(model, num_samples=NUM_EVAL_SAMPLES):
    """Figures on the digit classifier's features, against the test digits."""
    classifier, test_images, _, real = evaluation_data()
    samples = model.generate(num_samples, seed=1)
    fake = ganzoo.metrics.evaluate_generator(samples, test_images, classifier)
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
        "evaluated_on": MNIST_TEST,
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
    work_dir=None,
    **extra,
):
    """Writes `weights/NAME/` with the run's metadata.

    Given the run's `work_dir`, its training time and learning curve (see
    `LearningCurve`) go into the metadata too.
    """
    folder = os.path.join(HERE, name)
    if work_dir is not None:
        extra["training_seconds"] = round(training_seconds(work_dir))
        hardware = os.path.join(work_dir, "hardware")
        if os.path.exists(hardware):
            with open(hardware) as f:
                extra["training_hardware"] = f.read().strip()
        extra["learning_curve"] = read_curve(work_dir)
        stages = training_stages(work_dir)
        if len(stages) > 1:
            extra["training_stages"] = {
                "epochs_at_end_of_each_stage": stages,
                "how": "each stage reloaded the saved model and its optimizer "
                "state and went on training with a larger --epochs",
            }
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
