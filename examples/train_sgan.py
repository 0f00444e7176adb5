"""Train a semi-supervised GAN with 100 labelled and 3,900 unlabelled digits.

    KERAS_BACKEND=jax python examples/train_sgan.py --epochs 60

The discriminator is an 11-way classifier (10 digits + generated); it learns
from the labelled digits, the unlabelled ones (label -1) and the generator's
images. Prints its accuracy on the 1,000 held-out digits and writes the
model and 64 samples.
"""

import os

from _common import out_folder
from _common import parse_args
from _common import save_results

import ganzoo
from ganzoo.models.sgan import semi_supervised_dataset


def main(argv=None):
    args = parse_args(__doc__, argv, epochs=60)
    out = out_folder(args, "sgan")
    images, labels = ganzoo.datasets.load("mnist_5k")
    test_images, test_labels = ganzoo.datasets.load("mnist_5k", split="test")
    num_labelled = 20 if args.quick else 100  # 10 per class (the split is stratified)
    unlabelled = images[num_labelled : 64 if args.quick else None]
    x, y = semi_supervised_dataset(
        images[:num_labelled], labels[:num_labelled], unlabelled, seed=0
    )
    size = {"latent_dim": 8, "filters": 8} if args.quick else {}
    model = ganzoo.SGAN(image_shape=(28, 28, 1), num_classes=10, seed=0, **size)
    model.compile()
    model.fit(
        x,
        y,
        batch_size=64,
        epochs=args.epochs,
        callbacks=[ganzoo.SampleGrid(os.path.join(out, "grids"))],
        verbose=2,
    )
    predicted = model.classify(test_images).argmax(axis=1)
    print(
        f"Held-out accuracy with {num_labelled} labels: "
        f"{(predicted == test_labels).mean():.3f}"
    )
    return save_results(model, model.generate(64, seed=0), out)


if __name__ == "__main__":
    main()
