"""How every shipped preset was made: `python weights/recipes.py NAME`.

Trains the preset's model on the bundled MNIST training split (4,000
digits), measures it on the 1,000 held-out digits, and writes the preset
folder `weights/NAME/`. Generators are measured with the
`digit_classifier_mnist` preset, so that one is made first. Training
resumes from `outputs/recipes/NAME/` if interrupted, and a finished model
there is reused, so the command can be run again to re-evaluate.
"""

import argparse
import json
import os
import sys
import time

import keras
import numpy as np

import ganzoo

HERE = os.path.dirname(os.path.abspath(__file__))

GAN_RECIPES = {
    "gan_mnist": dict(
        cls="GAN",
        init=dict(image_shape=(28, 28, 1), latent_dim=100, seed=0),
        epochs=120,
        batch_size=64,
    ),
    "dcgan_mnist": dict(
        cls="DCGAN",
        init=dict(image_shape=(28, 28, 1), latent_dim=100, seed=0),
        epochs=60,
        batch_size=64,
    ),
}

# The loss family comparison: DCGAN-shaped networks with 32 filters, the
# same data, batch, number of generator steps and seed; each family with its
# paper's optimizers and critic steps.
for _name, _cls in [
    ("wgan_mnist", "WGAN"),
    ("wgangp_mnist", "WGANGP"),
    ("lsgan_mnist", "LSGAN"),
    ("sngan_mnist", "SNGAN"),
]:
    GAN_RECIPES[_name] = dict(
        cls=_cls,
        init=dict(image_shape=(28, 28, 1), latent_dim=100, filters=32, seed=0),
        epochs=60,
        batch_size=64,
    )


def train_gan(name, work_dir, epochs=None):
    recipe = GAN_RECIPES[name]
    epochs = epochs or recipe["epochs"]
    trained_path = os.path.join(work_dir, "trained.keras")
    if os.path.exists(trained_path):
        print(f"Reusing {trained_path}")
        return keras.saving.load_model(trained_path), epochs
    keras.utils.set_random_seed(0)
    images, _ = ganzoo.datasets.load("mnist_5k", split="train")
    model = getattr(ganzoo, recipe["cls"])(**recipe["init"])
    model.compile()
    start = time.time()
    model.fit(
        images,
        batch_size=recipe["batch_size"],
        epochs=epochs,
        verbose=2,
        callbacks=[
            keras.callbacks.BackupAndRestore(os.path.join(work_dir, "backup")),
            ganzoo.SampleGrid(os.path.join(work_dir, "samples"), every=5),
        ],
    )
    print(f"Trained in {time.time() - start:.0f} s")
    model.save(trained_path)
    return model, epochs


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


def make_digit_classifier(work_dir, command):
    """Trains the evaluation classifier and writes its preset."""
    from ganzoo.metrics import train_digit_classifier

    trained_path = os.path.join(work_dir, "model.keras")
    if not os.path.exists(trained_path):
        train_digit_classifier.main(
            ["--out", work_dir, "--epochs", "20", "--seed", "0"]
        )
    with open(os.path.join(work_dir, "metrics.json")) as f:
        report = json.load(f)
    model = keras.saving.load_model(trained_path)
    test_images, test_labels = ganzoo.datasets.load("mnist_5k", split="test")
    accuracy = float(np.mean(model.predict_labels(test_images) == test_labels))
    name = "digit_classifier_mnist"
    model.save_to_preset(
        os.path.join(HERE, name),
        metadata={
            "description": ganzoo.presets.registry.get_preset_info(name).description,
            "dataset": "mnist_5k train split (4,000 digits)",
            "recipe": command,
            "training_steps": report["epochs"] * int(np.ceil(4000 / 64)),
            "metrics": {
                "test_accuracy": accuracy,
                "test_accuracy_per_class": report["test_accuracy_per_class"],
                "num_test": int(len(test_images)),
            },
        },
    )
    print(f"Held-out accuracy {accuracy:.4f}; wrote {os.path.join(HERE, name)}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "name", choices=sorted(GAN_RECIPES) + ["digit_classifier_mnist"]
    )
    parser.add_argument("--epochs", type=int, default=None)
    parser.add_argument("--work-dir", default=None)
    args = parser.parse_args(argv)
    work_dir = args.work_dir or os.path.join("outputs", "recipes", args.name)
    command = f"KERAS_BACKEND={keras.backend.backend()} python weights/recipes.py " + (
        " ".join(sys.argv[1:] if argv is None else argv)
    )
    if args.name == "digit_classifier_mnist":
        return make_digit_classifier(work_dir, command)
    model, epochs = train_gan(args.name, work_dir, args.epochs)
    metrics = evaluate_gan(model)
    print(metrics)
    recipe = GAN_RECIPES[args.name]
    steps = epochs * int(np.ceil(4000 / recipe["batch_size"]))
    model.save_to_preset(
        os.path.join(HERE, args.name),
        metadata={
            "description": ganzoo.presets.registry.get_preset_info(
                args.name
            ).description,
            "dataset": "mnist_5k train split (4,000 digits)",
            "recipe": command,
            "training_steps": steps,
            "metrics": metrics,
        },
    )
    print(f"Wrote {os.path.join(HERE, args.name)}")


if __name__ == "__main__":
    main()
