"""What InfoGAN's codes control, from the shipped preset.

    KERAS_BACKEND=jax python examples/infogan_codes.py

Writes one grid per continuous code (`continuous_1.png`, `continuous_2.png`):
one row per value of the categorical code, the continuous code swept from -2
to 2 along the row, the other continuous code at 0, and one noise vector
shared by every image. The
categorical code tends to pick the digit; the continuous codes were learnt
without labels, and what each one does is whatever the training found (for
the shipped preset, look at the grids).
"""

import argparse
import os

import numpy as np

import ganzoo


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--preset", default="infogan_mnist")
    parser.add_argument("--columns", type=int, default=9)
    parser.add_argument("--out", default=os.path.join("outputs", "examples"))
    args = parser.parse_args(argv)
    model = ganzoo.InfoGAN.from_preset(args.preset)
    rows, columns = model.num_categories, args.columns
    categorical = np.repeat(np.arange(rows), columns)
    sweep = np.tile(np.linspace(-2.0, 2.0, columns), rows)
    os.makedirs(args.out, exist_ok=True)
    paths = []
    for code in range(model.num_continuous):
        continuous = np.zeros((rows * columns, model.num_continuous))
        continuous[:, code] = sweep
        # One noise vector for every cell: only the codes change.
        images = model.generate(
            rows * columns,
            categorical=categorical,
            continuous=continuous,
            noise=np.random.default_rng(0).standard_normal(model.latent_dim),
        )
        path = os.path.join(args.out, f"continuous_{code + 1}.png")
        paths.append(ganzoo.images.save_grid(images, path, columns=columns))
        print(f"Wrote {path}")
    return paths


if __name__ == "__main__":
    main()
