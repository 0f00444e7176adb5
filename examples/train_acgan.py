"""Train an ACGAN on the bundled MNIST digits and their labels.

    KERAS_BACKEND=jax python examples/train_acgan.py --epochs 80

Writes a grid per epoch, the model, and a grid with one row per requested digit;
prints how often the discriminator's own classifier agrees with the labels.
"""

import os

import numpy as np
from _common import out_folder
from _common import parse_args
from _common import save_results

import ganzoo


def main(argv=None):
    args = parse_args(__doc__, argv, epochs=80)
    out = out_folder(args, "acgan")
    images, labels = ganzoo.datasets.load("mnist_5k")
    size = {"latent_dim": 8, "filters": 8} if args.quick else {"filters": 32}
    if args.quick:
        images, labels = images[:64], labels[:64]
    # The classifier learns real digits only (see the ACGAN page of the docs).
    model = ganzoo.ACGAN(
        image_shape=(28, 28, 1), num_classes=10, classify_fakes=False, seed=0, **size
    )
    model.compile()
    model.fit(
        images,
        labels,
        batch_size=64,
        epochs=args.epochs,
        callbacks=[ganzoo.SampleGrid(os.path.join(out, "grids"), num_images=100)],
        verbose=2,
    )
    # One row per digit: the label chooses what is drawn.
    requested = np.repeat(np.arange(10), 10)
    digits = model.generate(100, labels=requested, seed=0)
    agreement = np.mean(model.classify(digits).argmax(axis=1) == requested)
    print(f"classify() agrees with the requested digit for {agreement:.0%}")
    return save_results(model, digits, out, columns=10)


if __name__ == "__main__":
    main()
