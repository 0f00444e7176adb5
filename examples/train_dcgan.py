"""Train a DCGAN on the bundled MNIST digits.

    KERAS_BACKEND=jax python examples/train_dcgan.py --epochs 60

Writes a sample grid after every epoch, the trained model and 64 samples.
"""

import os

from _common import out_folder
from _common import parse_args
from _common import save_results

import ganzoo


def main(argv=None):
    args = parse_args(__doc__, argv, epochs=60)
    out = out_folder(args, "dcgan")
    images, _ = ganzoo.datasets.load("mnist_5k")
    size = {"latent_dim": 8, "filters": 8} if args.quick else {"filters": 64}
    if args.quick:
        images = images[:64]
    model = ganzoo.DCGAN(image_shape=(28, 28, 1), seed=0, **size)
    model.compile()  # Adam(2e-4, beta_1=0.5) for both players
    model.fit(
        images,
        batch_size=64,
        epochs=args.epochs,
        callbacks=[ganzoo.SampleGrid(os.path.join(out, "grids"))],
        verbose=2,
    )
    return save_results(model, model.generate(64, seed=0), out)


if __name__ == "__main__":
    main()
