"""Train a StackedGAN on the bundled MNIST digits and their labels.

    KERAS_BACKEND=jax python examples/train_stackedgan.py --epochs 40

Stage 1 trains the encoder (image -> 256-d feature -> label); stage 2 the two
stacked GANs (label + z1 -> feature, feature + z0 -> image). Writes a grid
per epoch, the model, and a grid with one row per requested digit.
"""

import os

import numpy as np
from _common import out_folder
from _common import parse_args
from _common import save_results

import ganzoo

# The networks of the shipped stackedgan_mnist preset (weights/stackedgan_recipe.py).
FULL = dict(filters=16, kernel_size=3, encoder_filters=32)
TINY = dict(
    z0_dim=4,
    z1_dim=4,
    feature_dim=16,
    filters=4,
    kernel_size=3,
    encoder_filters=4,
    generator1_units=16,
    discriminator1_units=16,
)


def main(argv=None):
    args = parse_args(__doc__, argv, epochs=40)
    out = out_folder(args, "stackedgan")
    images, labels = ganzoo.datasets.load("mnist_5k")
    if args.quick:
        images, labels = images[:64], labels[:64]
    size = TINY if args.quick else FULL
    model = ganzoo.StackedGAN(image_shape=(28, 28, 1), num_classes=10, seed=0, **size)
    model.pretrain_encoder(images, labels, epochs=1 if args.quick else 10, verbose=2)
    model.compile()
    model.fit(
        images,
        labels,
        batch_size=64,
        epochs=args.epochs,
        callbacks=[ganzoo.SampleGrid(os.path.join(out, "grids"), num_images=100)],
        verbose=2,
    )
    digits = model.generate(100, labels=np.repeat(np.arange(10), 10), seed=0)
    return save_results(model, digits, out, columns=10)


if __name__ == "__main__":
    main()
