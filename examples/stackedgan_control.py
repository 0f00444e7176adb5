"""What StackedGAN's two noise inputs control, from the shipped preset.

    KERAS_BACKEND=jax python examples/stackedgan_control.py

`generate(n, labels=..., z0=..., z1=...)` sets each level's input: the label
and z1 make the 256-d feature, the feature and z0 make the image. Writes two
grids with one row per digit: `z1.png` (a new z1 in each column, z0 fixed)
and `z0.png` (a new z0 in each column, z1 fixed), so each shows what one
noise input changes while the other stays put.

With the shipped `stackedgan_mnist`, z1 carries the style: across a row the
slant, width and shape of the digit change. z0 changes much less: the digit
keeps its shape and only stroke thickness and texture vary.
"""

import argparse
import os

import numpy as np

import ganzoo


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--preset", default="stackedgan_mnist")
    parser.add_argument("--columns", type=int, default=10)
    parser.add_argument("--out", default=os.path.join("outputs", "examples"))
    args = parser.parse_args(argv)
    model = ganzoo.StackedGAN.from_preset(args.preset)
    rng = np.random.default_rng(0)
    rows, columns = model.num_classes, args.columns
    labels = np.repeat(np.arange(rows), columns)
    # Noise as training draws it, N(0, noise_stddev): one draw per column,
    # shared by every row, and one fixed draw.
    scale = model.noise_stddev
    varying = {
        "z0": scale * rng.standard_normal((columns, model.z0_dim)),
        "z1": scale * rng.standard_normal((columns, model.z1_dim)),
    }
    fixed = {
        "z0": scale * rng.standard_normal(model.z0_dim),
        "z1": scale * rng.standard_normal(model.z1_dim),
    }
    os.makedirs(args.out, exist_ok=True)
    paths = []
    for name, other in (("z1", "z0"), ("z0", "z1")):
        noise = {
            name: np.tile(varying[name], (rows, 1)),
            other: np.tile(fixed[other], (rows * columns, 1)),
        }
        images = model.generate(rows * columns, labels=labels, **noise)
        path = os.path.join(args.out, f"{name}.png")
        paths.append(ganzoo.images.save_grid(images, path, columns=columns))
        print(f"Wrote {path}: a new {name} in each column, {other} fixed")
    return paths


if __name__ == "__main__":
    main()
