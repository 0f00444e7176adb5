"""Train pix2pix to fill digit outlines back into digits (an offline task).

    KERAS_BACKEND=jax python examples/train_pix2pix.py --epochs 8

The pairs come from `ganzoo.datasets.demo_task("digits_to_edges")` (32x32
digits and their outlines). For your own pairs, use
`ganzoo.datasets.PairedImages(folder)` instead. Writes a grid of held-out
translations per epoch, the model and the final grid (each outline beside
its translation).
"""

import os

from _common import out_folder
from _common import parse_args
from _common import save_results

import ganzoo


def main(argv=None):
    args = parse_args(__doc__, argv, epochs=8)
    out = out_folder(args, "pix2pix")
    task = ganzoo.datasets.demo_task("digits_to_edges")
    digits, outlines = task.train
    count = 64 if args.quick else len(digits)
    pairs = ganzoo.datasets.PairedImages.from_arrays(
        digits[:count], outlines[:count], direction="b_to_a", batch_size=32, seed=0
    )
    test_outlines = task.test[1][:16]
    model = ganzoo.Pix2Pix(image_shape=(32, 32, 1), filters=4 if args.quick else 32)
    model.compile()  # Adam(2e-4, beta_1=0.5)
    model.fit(
        pairs,
        epochs=args.epochs,
        callbacks=[ganzoo.SampleGrid(os.path.join(out, "grids"), inputs=test_outlines)],
        verbose=2,
    )
    translations = model.translate(test_outlines)
    grid = ganzoo.images.side_by_side(test_outlines, translations)
    return save_results(model, grid, out, columns=8)


if __name__ == "__main__":
    main()
