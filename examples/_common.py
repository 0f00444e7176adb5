"""What the examples share: their command line and how they write results."""

import argparse
import os

import ganzoo


def parse_args(doc, argv, epochs):
    """`--epochs`, `--out` and `--quick`, with the example's docstring as help.

    `--quick` trains a tiny model on a few images for one epoch: it only
    checks that the example runs (the tests use it).
    """
    parser = argparse.ArgumentParser(
        description=doc, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--epochs", type=int, default=epochs)
    parser.add_argument("--out", default=None, help="output folder")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a tiny model, a few images, one epoch: checks that it runs",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.epochs = 1
    return args


def out_folder(args, name):
    """`--out`, or `outputs/examples/<name>`."""
    folder = args.out or os.path.join("outputs", "examples", name)
    os.makedirs(folder, exist_ok=True)
    return folder


def save_results(model, images, folder, columns=None):
    """Saves the model as `model.keras` and `images` as `samples.png`."""
    model_path = os.path.join(folder, "model.keras")
    model.save(model_path)
    grid_path = ganzoo.images.save_grid(
        images, os.path.join(folder, "samples.png"), columns=columns
    )
    print(f"Wrote {model_path} and {grid_path}")
    return model_path, grid_path
