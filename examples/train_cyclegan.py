"""Train CycleGAN between plain and photo-textured digits (unpaired, offline).

    KERAS_BACKEND=jax python examples/train_cyclegan.py --epochs 12

The two sets come from `ganzoo.datasets.demo_task("plain_to_textured_digits")`
and are used unpaired. For your own folders, use
`ganzoo.datasets.UnpairedImages(folder_a, folder_b)`. Writes a grid per
epoch (held-out plain digits beside their textured translations, A -> B),
the model and a final grid of held-out textured digits beside their plain
translations (B -> A).
"""

import os

from _common import out_folder
from _common import parse_args
from _common import save_results

import ganzoo


def main(argv=None):
    args = parse_args(__doc__, argv, epochs=12)
    out = out_folder(args, "cyclegan")
    task = ganzoo.datasets.demo_task("plain_to_textured_digits")
    plain, textured = task.train
    count = 32 if args.quick else 2000
    domains = ganzoo.datasets.UnpairedImages.from_arrays(
        plain[:count], textured[:count], batch_size=8, seed=0
    )
    # 3 residual blocks of 16 filters: the networks of the shipped preset.
    blocks, filters = (1, 4) if args.quick else (3, 16)
    model = ganzoo.CycleGAN(
        image_shape=(32, 32, 3), num_blocks=blocks, filters=filters, seed=0
    )
    # Constant learning rate for the first half, then linearly to zero.
    model.compile(total_steps=args.epochs * len(domains))
    test_plain, test_textured = task.test[0][:16], task.test[1][:16]
    model.fit(
        domains,
        epochs=args.epochs,
        callbacks=[ganzoo.SampleGrid(os.path.join(out, "grids"), inputs=test_plain)],
        verbose=2,
    )
    plain_again = model.translate(test_textured, direction="b_to_a")
    grid = ganzoo.images.side_by_side(test_textured, plain_again)
    return save_results(model, grid, out, columns=8)


if __name__ == "__main__":
    main()
