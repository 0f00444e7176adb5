"""How the StackedGAN preset was made: `python weights/stackedgan_recipe.py NAME`.

Two stages on the 60,000 MNIST training digits (`GANZOO_MNIST_PATH` names
a local copy): the encoder is pretrained as a classifier, then the two
stacked GANs are trained with the encoder frozen. The preset is measured on
10,000 samples (1,000 per class, seed 1) against the 10,000 test digits
with the `digit_classifier_mnist` preset, which also checks that each
sample shows the digit it was asked for. Work files (with the learning
curve) go to `outputs/recipes/NAME/` or `--work-dir`; an interrupted run
resumes there and finished stages are reused.
"""

import argparse
import os
import sys

import keras
import numpy as np

import ganzoo
from ganzoo.models.stackedgan import presets  # noqa: F401  (registers the name)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from recipe_tools import MNIST_TRAIN  # noqa: E402
from recipe_tools import NUM_EVAL_SAMPLES  # noqa: E402
from recipe_tools import cooldown_metadata  # noqa: E402
from recipe_tools import evaluation_data  # noqa: E402
from recipe_tools import fit_once  # noqa: E402
from recipe_tools import load_mnist  # noqa: E402
from recipe_tools import mnist_training_steps  # noqa: E402
from recipe_tools import recipe_command  # noqa: E402
from recipe_tools import write_preset  # noqa: E402

RECIPES = {
    "stackedgan_mnist": dict(
        # The seed's networks with half of generator0's and discriminator0's
        # channels, 3x3 kernels and a 32-filter encoder (about 2 minutes an
        # epoch on one CPU core).
        init=dict(
            image_shape=(28, 28, 1),
            num_classes=10,
            z0_dim=50,
            z1_dim=50,
            feature_dim=256,
            filters=16,
            kernel_size=3,
            encoder_filters=32,
            generator1_units=512,
            discriminator1_units=256,
            seed=0,
        ),
        encoder_epochs=3,
        # The paper's Adam (Huang et al.) instead of the seed's RMSprop(2e-4
        # / 1e-4): with RMSprop the image generator had barely started after
        # 250 steps.
        adam=dict(learning_rate=2e-4, beta_1=0.5),
        # Trained in stages (26, then 40 epochs; the metadata's
        # `training_stages`), the last 4 of each cooled down: FD 3.09 and
        # recall 0.796 at 26, 2.47 and 0.808 at 40. 14 epochs had given
        # FD 9.15 and recall 0.746, the curve still falling.
        epochs=40,
        batch_size=64,
        curve_every=2,
        cooldown_epochs=4,
    ),
}


def pretrain(recipe, work_dir, images, labels, test_data):
    path = os.path.join(work_dir, "pretrained.keras")
    if os.path.exists(path):
        print(f"Reusing {path}")
        return keras.saving.load_model(path)
    model = ganzoo.StackedGAN(**recipe["init"])
    model.pretrain_encoder(
        images,
        labels,
        epochs=recipe["encoder_epochs"],
        batch_size=recipe["batch_size"],
        validation_data=test_data,
        verbose=2,
    )
    os.makedirs(work_dir, exist_ok=True)
    model.save(path)
    return model


def train(recipe, work_dir, epochs):
    images, labels = load_mnist("train")
    test_data = load_mnist("test")

    def build():
        model = pretrain(recipe, work_dir, images, labels, test_data)
        model.compile(
            **{
                name: keras.optimizers.Adam(**recipe["adam"], name=name)
                for name in model.optimizer_names
            }
        )
        return model

    return fit_once(
        work_dir,
        build,
        images,
        labels,
        epochs=epochs,
        batch_size=recipe["batch_size"],
        grid={"num_images": 100},
        curve=(recipe["curve_every"], evaluate),
        cooldown_epochs=recipe["cooldown_epochs"],
        cooldown_from=recipe["adam"]["learning_rate"],
    )


def evaluate(model, work_dir=None, num_samples=NUM_EVAL_SAMPLES):
    """Figures on the digit classifier's features, against the test digits.

    With a `work_dir`, also writes a grid of samples, one row per digit.
    """
    classifier, test_images, test_labels, real = evaluation_data()
    requested = np.repeat(np.arange(model.num_classes), num_samples // 10)
    samples = model.generate(num_samples, labels=requested, seed=1)
    if work_dir is not None:
        ganzoo.images.save_grid(
            samples[:: num_samples // 100], os.path.join(work_dir, "by_label.png"), 10
        )
    fake = ganzoo.metrics.evaluate_generator(
        samples, test_images, classifier, labels=requested
    )
    encoder_accuracy = np.mean(model.predict_labels(test_images) == test_labels)
    return {
        "label_accuracy": fake["label_accuracy"],
        "frechet_distance": fake["frechet_distance"],
        "precision": fake["precision"],
        "recall": fake["recall"],
        "class_histogram": fake["class_histogram"],
        "encoder_test_accuracy": float(encoder_accuracy),
        "real_frechet_distance": real["frechet_distance"],
        "real_precision": real["precision"],
        "real_recall": real["recall"],
        "num_samples": num_samples,
        "num_real_test": int(len(test_images)),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("name", choices=sorted(RECIPES))
    parser.add_argument("--epochs", type=int, default=None)
    parser.add_argument("--work-dir", default=None)
    args = parser.parse_args(argv)
    recipe = RECIPES[args.name]
    epochs = args.epochs or recipe["epochs"]
    work_dir = args.work_dir or os.path.join("outputs", "recipes", args.name)
    command = recipe_command("stackedgan_recipe.py", argv)
    model = train(recipe, work_dir, epochs)
    metrics = evaluate(model, work_dir)
    print(metrics)
    write_preset(
        model,
        args.name,
        command=command,
        dataset=MNIST_TRAIN,
        training_steps=mnist_training_steps(epochs, recipe["batch_size"]),
        encoder_training_steps=mnist_training_steps(
            recipe["encoder_epochs"], recipe["batch_size"]
        ),
        metrics=metrics,
        work_dir=work_dir,
        **cooldown_metadata(
            recipe, f"Adam({recipe['adam']['learning_rate']:g}) for every player"
        ),
    )


if __name__ == "__main__":
    main()
