"""Train an InfoGAN on the bundled MNIST digits, without their labels.

    KERAS_BACKEND=jax python examples/train_infogan.py --epochs 30

The generator takes noise, a 10-way categorical code and 2 continuous codes;
the discriminator's Q head recovers them. Writes a grid per epoch, the model,
and a grid with one row per categorical code (the codes tend to pick digits).
"""

import os

import numpy as np
from _common import out_folder
from _common import parse_args
from _common import save_results

import ganzoo


def main(argv=None):
    args = parse_args(__doc__, argv, epochs=30)
    out = out_folder(args, "infogan")
    images, _ = ganzoo.datasets.load("mnist_5k")
    size = {"latent_dim": 8, "filters": 8} if args.quick else {}
    if args.quick:
        images = images[:64]
    model = ganzoo.InfoGAN(image_shape=(28, 28, 1), seed=0, **size)
    model.compile()
    model.fit(
        images,
        batch_size=64,
        epochs=args.epochs,
        callbacks=[ganzoo.SampleGrid(os.path.join(out, "grids"))],
        verbose=2,
    )
    codes = model.generate(100, categorical=np.repeat(np.arange(10), 10), seed=0)
    return save_results(model, codes, out, columns=10)


if __name__ == "__main__":
    main()
