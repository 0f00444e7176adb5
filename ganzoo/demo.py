"""The README's main job: `python -m ganzoo.demo` trains a DCGAN on MNIST.

Trains on the bundled 4,000-digit MNIST training split on the backend that
`KERAS_BACKEND` names, writes a PNG grid of samples after every epoch and
the trained model, then loads the pretrained `dcgan_mnist` preset and
samples from it too, and says where everything is.
"""

import argparse
import os
import time

import keras

import ganzoo


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--out", default="outputs/demo")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

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
        callbacks=[grids],
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


if __name__ == "__main__":
    main()
