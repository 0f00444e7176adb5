"""`ganzoo demo`: the README's main job, a DCGAN trained on MNIST digits.

Trains on the bundled 4,000-digit MNIST training split on the backend that
`KERAS_BACKEND` names, writes a PNG grid of samples after every epoch and
the trained model, then loads the pretrained `dcgan_mnist` preset and
samples from it too, and says where everything is.
"""

import argparse
import os
import time

from ganzoo.cli import checks

DEMO_EXAMPLES = """examples:
  ganzoo demo                       # 5 epochs, samples in outputs/demo/
  KERAS_BACKEND=torch ganzoo demo --epochs 1 --out outputs/quick
  ganzoo demo --epochs 20 --seed 1 --out outputs/longer
"""


def add_command(sub):
    """Adds the `demo` sub-command to `sub`, the `ganzoo` sub-parsers."""
    p = sub.add_parser(
        "demo",
        help="train a DCGAN on the bundled MNIST digits, then sample a preset",
        description="Trains a DCGAN on the 4,000 bundled MNIST training digits "
        "(offline), writes a PNG grid of samples after every epoch and the "
        "trained model (.keras), then samples the pretrained dcgan_mnist "
        "preset beside it.",
        epilog=DEMO_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--epochs", type=checks.positive, default=5, help="default 5")
    p.add_argument("--batch-size", type=checks.positive, default=64, help="default 64")
    p.add_argument(
        "--out", default="outputs/demo", help="folder (default outputs/demo)"
    )
    p.add_argument("--seed", type=checks.seed, default=0, help="default 0")
    p.set_defaults(run=cmd_demo)


def cmd_demo(args):
    """Runs `ganzoo demo`; returns the exit status."""
    checks.writable_folder(args.out, "--out")
    import keras

    import ganzoo
    from ganzoo.cli.progress import FirstStepNotice

    print(f"ganzoo {ganzoo.__version__} on Keras {keras.__version__}, "
          f"backend: {keras.backend.backend()}")  # fmt: skip
    images, _ = ganzoo.datasets.load("mnist_5k", split="train")
    print(f"Training DCGAN on {len(images)} MNIST digits for {args.epochs} epochs")
    keras.utils.set_random_seed(args.seed)
    model = ganzoo.DCGAN(image_shape=images.shape[1:], seed=args.seed)
    model.compile()
    grids = ganzoo.SampleGrid(os.path.join(args.out, "samples"), num_images=64)
    start = time.time()
    model.fit(
        images,
        batch_size=args.batch_size,
        epochs=args.epochs,
        callbacks=[FirstStepNotice(), grids],
        verbose=2,
    )
    print(f"Trained in {time.time() - start:.0f} s")
    model_path = os.path.join(args.out, "dcgan_mnist.keras")
    model.save(model_path)
    pretrained = ganzoo.DCGAN.from_preset("dcgan_mnist")
    pretrained_path = ganzoo.images.save_grid(
        pretrained.generate(64, seed=args.seed),
        os.path.join(args.out, "dcgan_mnist_preset.png"),
    )
    print(f"Samples:            {grids.paths[-1]}")
    print(f"Model:              {model_path}  (keras.saving.load_model loads it)")
    print(f"Pretrained samples: {pretrained_path}  (dcgan_mnist preset)")
    return 0
