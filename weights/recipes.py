"""How every shipped preset was made: `python weights/recipes.py NAME`.

Trains the preset's model on the 60,000 MNIST training digits
(`ganzoo.datasets.load("mnist")`; set `GANZOO_MNIST_PATH` to a local copy of
keras's `mnist.npz` to skip the download), measures it against the 10,000
official test digits, and writes the preset folder `weights/NAME/`.
Generators are measured with the `digit_classifier_mnist` preset, so that
one is made first. Training resumes from `outputs/recipes/NAME/` (or
`--work-dir`) if interrupted, a learning curve is written there as it
trains, and a finished model there is reused, so the command can be run
again to re-evaluate.
"""

import argparse
import json
import os
import sys

import keras
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from recipe_tools import MNIST_TEST  # noqa: E402
from recipe_tools import MNIST_TRAIN  # noqa: E402
from recipe_tools import compiled  # noqa: E402
from recipe_tools import continue_from  # noqa: E402
from recipe_tools import cooldown_metadata  # noqa: E402
from recipe_tools import evaluate_gan  # noqa: E402
from recipe_tools import fit_once  # noqa: E402
from recipe_tools import load_mnist  # noqa: E402
from recipe_tools import mnist_training_steps  # noqa: E402
from recipe_tools import recipe_command  # noqa: E402
from recipe_tools import write_preset  # noqa: E402

GAN_RECIPES = {
    # Trained in stages (40, 60, then 100 epochs; the metadata's
    # `training_stages`), the last 10 of the last two cooled down.
    "gan_mnist": dict(
        cls="GAN",
        init=dict(image_shape=(28, 28, 1), latent_dim=100, seed=0),
        epochs=100,
        batch_size=64,
        curve_every=5,
        cooldown_epochs=10,
    ),
    # DCGAN's networks with one stride-1 generator stage more on the 7x7
    # seed map and a third discriminator stage (7x7 -> 4x4): FD 31 after 9
    # epochs, where the default networks were at 89 (and at 48.7 after 34
    # epochs, the previous preset). Trained in stages (12, then 19 epochs;
    # the metadata's `training_stages`), the last 3 of each cooled down:
    # FD 21.7 after the first, 19.4 after the second.
    "dcgan_mnist": dict(
        cls="DCGAN",
        init=dict(
            image_shape=(28, 28, 1),
            latent_dim=100,
            extra_generator_stages=1,
            extra_discriminator_stages=1,
            seed=0,
        ),
        epochs=19,
        batch_size=64,
        curve_every=3,
        cooldown_epochs=3,
    ),
}
# LSGAN on dcgan_mnist's networks and schedule (and stages): FD 49 after 6
# epochs, where the 32-filter networks of the equal-budget comparison
# (below) took 56 epochs to reach 59; 25.0 after 12, 21.8 after 19.
GAN_RECIPES["lsgan_mnist"] = dict(GAN_RECIPES["dcgan_mnist"], cls="LSGAN")

# The equal-budget comparison of docs/loss_families.md: DCGAN-shaped
# networks with 32 filters, the same data, batch, number of generator steps
# (8 epochs) and seed; each family with its paper's optimizers and critic
# steps. LSGAN's row came from this recipe too, before `lsgan_mnist` moved
# to dcgan_mnist's networks.
for _name, _cls in [
    ("wgan_mnist", "WGAN"),
    ("wgangp_mnist", "WGANGP"),
    ("sngan_mnist", "SNGAN"),
]:
    GAN_RECIPES[_name] = dict(
        cls=_cls,
        init=dict(image_shape=(28, 28, 1), latent_dim=100, filters=32, seed=0),
        epochs=8,
        batch_size=64,
        curve_every=2,
        comparison_epochs=8,
    )
# Weight clipping learns far more slowly than the others: measured at the
# comparison's 8 epochs, then trained on.
GAN_RECIPES["wgan_mnist"].update(epochs=24)
# Measured at the comparison's 8 epochs, then trained on, the last 4 epochs
# of each stage with the learning rates decayed to 0: SNGAN to 12 then 44
# epochs (the metadata's `training_stages`), WGAN-GP to 22 in one stage.
GAN_RECIPES["sngan_mnist"].update(epochs=44, cooldown_epochs=4)
GAN_RECIPES["wgangp_mnist"].update(epochs=22, cooldown_epochs=4)


def train_gan(recipe, work_dir, epochs, start=None, initial_epoch=0, cooldown=True):
    """Trains (or reuses) the recipe's model for `epochs` epochs in `work_dir`.

    `start`, if given, returns the model to go on training from
    `initial_epoch` instead of a new one. With `cooldown`, the recipe's
    `cooldown_epochs` end the run (see `recipe_tools.Cooldown`).
    """
    images, _ = load_mnist("train")
    build = start or compiled(recipe["cls"], recipe["init"])
    return fit_once(
        work_dir,
        build,
        images,
        epochs=epochs,
        batch_size=recipe["batch_size"],
        initial_epoch=initial_epoch,
        curve=(recipe["curve_every"], evaluate_gan),
        cooldown_epochs=recipe.get("cooldown_epochs", 0) if cooldown else 0,
    )


def generator_steps(recipe, epochs):
    return mnist_training_steps(epochs, recipe["batch_size"])


def train_and_compare(recipe, work_dir, epochs):
    """Trains the model; for a recipe with `comparison_epochs`, in two stages.

    The first stage stops at the comparison budget of the loss-family table
    and is measured there; the second goes on from it to `epochs`. Returns
    the model and the extra metadata (the figures at the comparison budget).
    """
    comparison = recipe.get("comparison_epochs")
    if not comparison or comparison >= epochs:
        return train_gan(recipe, work_dir, epochs), {}
    stage_one = os.path.join(work_dir, f"epoch_{comparison}")
    early = train_gan(recipe, stage_one, comparison, cooldown=False)
    continue_from(stage_one, work_dir)
    extra = {
        "comparison": {
            "training_steps": generator_steps(recipe, comparison),
            "metrics": evaluate_gan(early),
        }
    }
    print(f"After {comparison} epochs: {extra['comparison']['metrics']}")
    model = train_gan(
        recipe, work_dir, epochs, start=lambda: early, initial_epoch=comparison
    )
    return model, extra


def make_digit_classifier(work_dir, command):
    """Trains the evaluation classifier and writes its preset."""
    from ganzoo.cli import build_parser
    from ganzoo.cli import train_classifier

    trained_path = os.path.join(work_dir, "model.keras")
    if not os.path.exists(trained_path):
        args = build_parser().parse_args(
            ["train-classifier", "--out", work_dir, "--dataset", "mnist"]
            + ["--epochs", "8", "--seed", "0"]
        )
        train_classifier.train(args, train_classifier.command(args))
    with open(os.path.join(work_dir, "metrics.json")) as f:
        report = json.load(f)
    model = keras.saving.load_model(trained_path)
    test_images, test_labels = load_mnist("test")
    accuracy = float(np.mean(model.predict_labels(test_images) == test_labels))
    write_preset(
        model,
        "digit_classifier_mnist",
        command=command,
        dataset=MNIST_TRAIN,
        training_steps=mnist_training_steps(report["epochs"], 64),
        training_seconds=round(report["train_seconds"]),
        metrics={
            "test_accuracy": accuracy,
            "test_accuracy_per_class": report["test_accuracy_per_class"],
            "num_test": int(len(test_images)),
            "evaluated_on": MNIST_TEST,
        },
    )
    print(f"Held-out accuracy {accuracy:.4f}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "name", choices=sorted(GAN_RECIPES) + ["digit_classifier_mnist"]
    )
    parser.add_argument("--epochs", type=int, default=None)
    parser.add_argument("--work-dir", default=None)
    args = parser.parse_args(argv)
    work_dir = args.work_dir or os.path.join("outputs", "recipes", args.name)
    command = recipe_command("recipes.py", argv)
    if args.name == "digit_classifier_mnist":
        return make_digit_classifier(work_dir, command)
    recipe = GAN_RECIPES[args.name]
    epochs = args.epochs or recipe["epochs"]
    model, extra = train_and_compare(recipe, work_dir, epochs)
    metrics = evaluate_gan(model)
    print(metrics)
    write_preset(
        model,
        args.name,
        command=command,
        dataset=MNIST_TRAIN,
        training_steps=generator_steps(recipe, epochs),
        metrics=metrics,
        work_dir=work_dir,
        **extra,
        **cooldown_metadata(recipe),
    )


if __name__ == "__main__":
    main()
