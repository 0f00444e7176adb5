"""Image-to-image presets: `python weights/image_to_image_recipes.py NAME`.

Both train on offline tasks (`ganzoo.datasets.demo_task`; the textured
digits need scikit-image) and are measured on the task's held-out split:

- `pix2pix_edges_to_digits`: Pix2Pix filling the outlines of the
  `digits_to_edges` task back into digits (its B -> A). Records L1 and PSNR
  against the true held-out digits, and how often the
  `digit_classifier_mnist` preset reads the true digit in the translation
  (beside the same figure on the outlines and on the true digits).
- `cyclegan_plain_to_textured_digits`: CycleGAN between 32x32 digits on a
  plain background (A) and digits drawn over photo textures (B), trained
  unpaired. The test split holds the same 1,000 held-out digits in both
  domains, so it records the cycle-reconstruction L1 of both directions and
  how often the `digit_classifier_mnist` preset reads the true digit in the
  B -> A translation of a textured digit (beside the same figure on the
  textured digits themselves, and on the true plain ones).

Work files live in `outputs/recipes/NAME/`; training resumes from there and
a finished model there is reused.
"""

import argparse
import dataclasses
import os
import sys

import numpy as np

import ganzoo
from ganzoo.models.cyclegan import presets as _cyclegan_presets  # noqa: F401
from ganzoo.models.pix2pix import presets as _pix2pix_presets  # noqa: F401

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from recipe_tools import fit_once  # noqa: E402
from recipe_tools import recipe_command  # noqa: E402
from recipe_tools import write_preset  # noqa: E402

RECIPES = {
    "pix2pix_edges_to_digits": dict(
        cls="Pix2Pix",
        task="digits_to_edges",
        direction="b_to_a",
        init=dict(image_shape=(32, 32, 1), filters=32, seed=0),
        epochs=8,
        batch_size=32,
    ),
    "cyclegan_plain_to_textured_digits": dict(
        cls="CycleGAN",
        task="plain_to_textured_digits",
        init=dict(
            image_shape=(32, 32, 3),
            generator="resnet",
            num_blocks=3,
            filters=16,
            seed=0,
        ),
        epochs=12,
        batch_size=8,
    ),
}


def unit_l1_psnr(predicted, target):
    """Mean L1 and PSNR (dB) per image, intensities mapped to [0, 1]."""
    predicted = (np.asarray(predicted, "float64") + 1) / 2
    target = (np.asarray(target, "float64") + 1) / 2
    axes = tuple(range(1, target.ndim))
    l1 = np.abs(predicted - target).mean(axis=axes)
    mse = np.square(predicted - target).mean(axis=axes)
    psnr = 10 * np.log10(1.0 / np.maximum(mse, 1e-10))
    return float(l1.mean()), float(psnr.mean())


def edges_metrics(model, task):
    edges, digits = task.test  # the task's B -> A
    translated = model.translate(edges)
    l1, psnr = unit_l1_psnr(translated, digits)
    classifier = ganzoo.from_preset("digit_classifier_mnist")
    labels = task.test_labels[0]

    def accuracy(images):
        return float(np.mean(classifier.predict_labels(as_digits(images)) == labels))

    return {
        "test_l1": l1,
        "test_psnr": psnr,
        "digit_accuracy": accuracy(translated),
        "edges_input_digit_accuracy": accuracy(edges),
        "true_digit_accuracy": accuracy(digits),
        "num_test": int(len(edges)),
        "protocol": "the 1,000 held-out digits' outlines translated back to "
        "digits; L1 and PSNR per image on intensities in [0, 1]; digit "
        "accuracy: digit_classifier_mnist on the 28x28 centre against the "
        "true digit (also on the outlines themselves and the true digits)",
    }


def as_digits(images):
    """32x32 RGB digits in [-1, 1] to the classifier's 28x28 greyscale."""
    return np.asarray(images).mean(axis=-1, keepdims=True)[:, 2:30, 2:30]


def cyclegan_metrics(model, task):
    plain, textured = task.test
    labels = task.test_labels[0]
    classifier = ganzoo.from_preset("digit_classifier_mnist")

    def accuracy(images):
        return float(np.mean(classifier.predict_labels(as_digits(images)) == labels))

    to_plain = model.translate(textured, direction="b_to_a")
    to_textured = model.translate(plain, direction="a_to_b")
    cycle_a = model.translate(to_textured, direction="b_to_a")
    cycle_b = model.translate(to_plain, direction="a_to_b")
    return {
        "cycle_l1_a": unit_l1_psnr(cycle_a, plain)[0],
        "cycle_l1_b": unit_l1_psnr(cycle_b, textured)[0],
        "b_to_a_digit_accuracy": accuracy(to_plain),
        "textured_input_digit_accuracy": accuracy(textured),
        "plain_digit_accuracy": accuracy(plain),
        "b_to_a_l1_to_true_plain": unit_l1_psnr(to_plain, plain)[0],
        "num_test": int(len(plain)),
        "protocol": "1,000 held-out digits in both domains; cycle L1 on "
        "intensities in [0, 1]; digit accuracy: digit_classifier_mnist on "
        "the grey 28x28 centre of each image against the true digit",
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
    task = ganzoo.datasets.demo_task(recipe["task"])
    if recipe.get("direction") == "b_to_a":  # train and measure B -> A
        task = dataclasses.replace(task, train=task.train[::-1], test=task.test[::-1])
    batches = task.dataset(batch_size=recipe["batch_size"], seed=0)

    def build():
        model = getattr(ganzoo, recipe["cls"])(**recipe["init"])
        model.compile(**compile_options(model, len(batches) * epochs))
        return model

    model = fit_once(
        work_dir,
        build,
        batches,
        epochs=epochs,
        batch_size=None,
        grid={"every": 2, "inputs": task.test[0][:16]},
    )
    metrics = {
        "pix2pix_edges_to_digits": edges_metrics,
        "cyclegan_plain_to_textured_digits": cyclegan_metrics,
    }[args.name](model, task)
    print(metrics)
    write_preset(
        model,
        args.name,
        sample_inputs=task.test[0][:16],
        command=recipe_command("image_to_image_recipes.py", argv),
        dataset=f"ganzoo.datasets.demo_task({recipe['task']!r}) train split "
        f"({len(task.train[0])} inputs / {len(task.train[1])} targets"
        + (", B -> A)" if recipe.get("direction") == "b_to_a" else ")"),
        training_steps=epochs * len(batches),
        metrics=metrics,
    )


def compile_options(model, total_steps):
    """CycleGAN's learning rate decays linearly over the second half."""
    if isinstance(model, ganzoo.CycleGAN):
        return {"total_steps": total_steps}
    return {}


if __name__ == "__main__":
    main()
