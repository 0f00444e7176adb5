"""Weight clipping's ceiling, one change from the paper's setting at a time.

Usage: `python experiments/wgan_clipping_ablation.py [VARIANT ...]`.

Trains `ganzoo.WGAN` at the first loss-family comparison's budget (the
`wgan_mnist` recipe's networks, batch and seed, 3,780 generator steps on the
4,000 `mnist_5k` training digits), once per variant below, and measures each
as the recipes do. Each variant changes one thing from the paper's setting,
to find what holds weight clipping back; results go to
`outputs/wgan_ablation/VARIANT.json` and a table of all finished variants is
printed. docs/loss_families.md reports the figures, measured with the
evaluation of that time (1,000 samples against `mnist_5k`'s 1,000 held-out
digits, with the classifier then shipped); a run today measures with the
recipes' current evaluation, against the 10,000 MNIST test digits.
"""

import argparse
import itertools
import json
import os
import sys

import keras
import numpy as np
from keras import layers
from keras import ops

import ganzoo
from ganzoo.models import Phase

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "weights"))
from recipe_tools import evaluate_gan  # noqa: E402
from recipe_tools import mnist_training_steps  # noqa: E402
from recipes import GAN_RECIPES  # noqa: E402

RECIPE = GAN_RECIPES["wgan_mnist"]
BATCH = RECIPE["batch_size"]
# 60 epochs over the 4,000 mnist_5k training digits.
STEPS = mnist_training_steps(60, BATCH, num_images=4000)


class FreshBatchWGAN(ganzoo.WGAN):
    """Each critic update sees its own real batch, as in the paper.

    `fit` hands over `n_critic` batches at once; critic update `i` takes the
    `i`-th, the generator update draws one batch of noise.
    """

    def phases(self):
        def critic_loss(i):
            return lambda real: self.discriminator_loss(
                real[i * BATCH : (i + 1) * BATCH]
            )

        critic = [
            Phase(
                f"critic_{i}",
                critic_loss(i),
                self.discriminator.trainable_variables,
                self.d_optimizer,
                log_names=("d_loss",),
                after_update=self.after_discriminator_update,
            )
            for i in range(self.n_critic)
        ]
        generator = Phase(
            "generator",
            lambda real: self.generator_loss(real[:BATCH]),
            self.generator.trainable_variables,
            self.g_optimizer,
            log_names=("g_loss",),
        )
        return critic + [generator]


class CriticWarmupWGAN(FreshBatchWGAN):
    """The reference code's schedule: 100 critic updates for the first 25
    generator updates and for every 500th, 5 otherwise, each critic update
    on its own real batch. `fit_schedule` trains it."""

    def fit_schedule(self, images, steps):
        """`steps` generator updates, `n_critic` set before each as scheduled."""
        usual = self.discriminator_steps
        functions = {}  # one compiled step per critic count
        stream = _RealStream(images)
        for n_critic, count in _warmup_segments(steps, n_critic=usual):
            self.discriminator_steps = n_critic
            self.train_function = functions.get(n_critic)
            size = n_critic * BATCH
            batches = _RealBatches(images, stream.take(count * size), size)
            self.fit(batches, epochs=1, verbose=0)
            functions[n_critic] = self.train_function
        self.discriminator_steps = usual


def _warmup_segments(steps, n_critic, warm=100, warm_first=25, every=500):
    """`(critic updates per generator update, generator updates)` runs."""
    counts = (
        warm if step < warm_first or step % every == 0 else n_critic
        for step in range(steps)
    )
    return [[count, len(list(run))] for count, run in itertools.groupby(counts)]


class _RealStream:
    """Indices of successive shuffled passes over `images`."""

    def __init__(self, images):
        self.num_samples = len(images)
        self.pending = np.zeros(0, dtype=int)

    def take(self, n):
        while len(self.pending) < n:
            order = np.random.permutation(self.num_samples)
            self.pending = np.concatenate([self.pending, order])
        taken, self.pending = self.pending[:n], self.pending[n:]
        return taken


class _RealBatches(keras.utils.PyDataset):
    """The images at `indices`, `size` per batch (one training step's)."""

    def __init__(self, images, indices, size):
        super().__init__()
        self.images = images
        self.indices = indices.reshape(-1, size)

    def __len__(self):
        return len(self.indices)

    def __getitem__(self, index):
        return (self.images[self.indices[index]],)


def _critic(
    model, norm=None, depth=2, width=1, zero_background=False, kernels=(5, 5, 3)
):
    """`depth` strided convolutions starting at `width` times the model's
    filters, with kernel sizes `kernels`, `norm` (if any) after every one but
    the first, and an unbiased linear score. `zero_background` maps the
    images from [-1, 1] to [0, 1] first, so that the black background enters
    the critic as 0."""
    x = images = keras.Input(model.image_shape)
    if zero_background:
        x = layers.Rescaling(0.5, offset=0.5)(x)
    for i in range(depth):
        x = layers.Conv2D(
            width * model.filters * 2**i,
            kernels[i],
            strides=2,
            padding="same",
            use_bias=i == 0 or norm is None,
        )(x)
        if i and norm == "batch":
            x = layers.BatchNormalization()(x)
        elif i and norm == "layer":
            x = layers.LayerNormalization(axis=(1, 2, 3))(x)
        x = layers.LeakyReLU(0.2)(x)
    x = layers.Flatten()(x)
    return keras.Model(images, layers.Dense(1, use_bias=False)(x), name="discriminator")


class BatchNormWGAN(ganzoo.WGAN):
    """The reference code's critic: BatchNorm after the later convolutions."""

    def build_discriminator(self):
        return _critic(self, "batch", depth=3)


class LayerNormWGAN(ganzoo.WGAN):
    """WGAN-GP's advice for critics, here under clipping: LayerNorm."""

    def build_discriminator(self):
        return _critic(self, "layer")


class WideCriticWGAN(ganzoo.WGAN):
    """More features for a clipped critic: twice the generator's filters."""

    width = 2

    def build_discriminator(self):
        return _critic(self, width=self.width)


class WiderCriticWGAN(WideCriticWGAN):
    """Four times the generator's filters."""

    width = 4


class DeepCriticWGAN(ganzoo.WGAN):
    """A third strided convolution, without normalisation."""

    def build_discriminator(self):
        return _critic(self, depth=3)


class ZeroBackgroundWGAN(ganzoo.WGAN):
    """The critic sees the images in [0, 1], the background as 0.

    Tests whether the clip holds the critic back through its biases: a
    clipped bias (at most 0.01) cannot offset what a background of -1 adds to
    every unit (up to 0.25 in the first layer), while a background of 0 adds
    nothing.
    """

    def build_discriminator(self):
        return _critic(self, zero_background=True)


class ReferenceCriticWGAN(ganzoo.WGAN):
    """The critic of Gulrajani et al.'s released MNIST code, which also runs
    weight clipping: three 5x5 strided convolutions of 64, 128 and 256
    filters, no normalisation, images in [0, 1]. Their generator is not
    changed here."""

    def build_discriminator(self):
        return _critic(self, depth=3, width=2, zero_background=True, kernels=(5,) * 3)


class CombinedWGAN(FreshBatchWGAN):
    """The changes that landed lowest alone, together: a new real batch for
    each critic update, a critic twice as wide that sees images in [0, 1],
    and RMSprop rho 0.99."""

    def build_discriminator(self):
        return _critic(self, width=2, zero_background=True)


class FreeBiasWGAN(ganzoo.WGAN):
    """Only the kernels are clipped; the biases train freely.

    A bias does not enter the critic's Lipschitz constant, so the critic
    stays as constrained in slope as the paper's; what changes is where each
    unit's kink can sit. Clipped to 0.01, a bias cannot move a unit's
    threshold as far as its clipped kernel moves its input (up to 0.25 in
    the first layer, more in the second), so every unit bends near the
    origin.
    """

    def after_discriminator_update(self):
        for weight in self.discriminator.trainable_variables:
            if weight.name != "bias":
                weight.assign(ops.clip(weight, -self.clip_value, self.clip_value))


def _rmsprop(learning_rate, decay_steps=None, **kwargs):
    if decay_steps:
        learning_rate = keras.optimizers.schedules.PolynomialDecay(
            learning_rate, decay_steps, 0.0
        )
    return keras.optimizers.RMSprop(learning_rate, **kwargs)


def _rho_099_optimizers():
    return dict(
        d_optimizer=_rmsprop(5e-5, rho=0.99), g_optimizer=_rmsprop(5e-5, rho=0.99)
    )


# name -> (what changes, class, extra init arguments, optimizers factory)
VARIANTS = {
    "paper": ("none: RMSprop(5e-5), clip 0.01, 5 critic steps", ganzoo.WGAN, {}, None),
    "fresh_batches": (
        "a new real batch for each critic update",
        FreshBatchWGAN,
        {},
        None,
    ),
    "rho_0.99": (
        "RMSprop rho 0.99 (PyTorch's default) instead of 0.9",
        ganzoo.WGAN,
        {},
        _rho_099_optimizers,
    ),
    "lr_2e-4": (
        "learning rate 2e-4",
        ganzoo.WGAN,
        {},
        lambda: dict(d_optimizer=_rmsprop(2e-4), g_optimizer=_rmsprop(2e-4)),
    ),
    "lr_2e-4_decay": (
        "learning rate 2e-4, decayed linearly to 0",
        ganzoo.WGAN,
        {},
        lambda: dict(
            d_optimizer=_rmsprop(2e-4, 5 * STEPS), g_optimizer=_rmsprop(2e-4, STEPS)
        ),
    ),
    "adam": (
        "Adam(1e-4, 0.5, 0.9), WGAN-GP's optimizers",
        ganzoo.WGAN,
        {},
        lambda: dict(
            d_optimizer=keras.optimizers.Adam(1e-4, 0.5, 0.9),
            g_optimizer=keras.optimizers.Adam(1e-4, 0.5, 0.9),
        ),
    ),
    "ema": ("generator EMA, decay 0.999", ganzoo.WGAN, {"ema_decay": 0.999}, None),
    "batchnorm_critic": (
        "critic with three convolutions and BatchNorm",
        BatchNormWGAN,
        {},
        None,
    ),
    "layernorm_critic": ("critic with LayerNorm", LayerNormWGAN, {}, None),
    "wide_critic": ("critic twice as wide (64 filters)", WideCriticWGAN, {}, None),
    "wider_critic": (
        "critic four times as wide (128 filters)",
        WiderCriticWGAN,
        {},
        None,
    ),
    "deep_critic": ("critic with three convolutions", DeepCriticWGAN, {}, None),
    "zero_background": (
        "critic input mapped to [0, 1], the background 0 instead of -1",
        ZeroBackgroundWGAN,
        {},
        None,
    ),
    "reference_critic": (
        "Gulrajani et al.'s MNIST critic: 64, 128 and 256 filters, images in [0, 1]",
        ReferenceCriticWGAN,
        {},
        None,
    ),
    "combined": (
        "a new real batch per critic update, a critic twice as wide seeing "
        "images in [0, 1], and RMSprop rho 0.99, together",
        CombinedWGAN,
        {},
        _rho_099_optimizers,
    ),
    "free_biases": (
        "only the kernels clipped, the biases free",
        FreeBiasWGAN,
        {},
        None,
    ),
    "critic_warmup": (
        "the reference code's 100 critic updates for the first 25 and every "
        "500th generator update, each on a new real batch",
        CriticWarmupWGAN,
        {},
        None,
    ),
}


def run(name, out_dir):
    """Trains and measures one variant; returns its figures."""
    _, cls, extra_init, optimizers = VARIANTS[name]
    keras.utils.set_random_seed(0)
    model = cls(**RECIPE["init"], **extra_init)
    model.compile(**(optimizers() if optimizers else {}))
    images, _ = ganzoo.datasets.load("mnist_5k", split="train")
    if cls is CriticWarmupWGAN:
        model.fit_schedule(images, STEPS)
        steps = STEPS
    else:
        batch_size = (
            BATCH * model.n_critic if issubclass(cls, FreshBatchWGAN) else BATCH
        )
        per_epoch = -(-len(images) // batch_size)
        epochs = -(-STEPS // per_epoch)
        model.fit(images, batch_size=batch_size, epochs=epochs, verbose=2)
        steps = epochs * per_epoch
    metrics = evaluate_gan(model)
    result = {"variant": name, "generator_steps": steps, **metrics}
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, f"{name}.json"), "w") as f:
        json.dump(result, f, indent=2)
    return result


def _figure_cells(r):
    """The table cells from generator steps to the rarest digit's share."""
    rarest = min(r["class_histogram"]) / sum(r["class_histogram"])
    return (
        f"| {r['generator_steps']:,} | {r['frechet_distance']:.0f} "
        f"| {r['precision']:.3g} | {r['recall']:.3g} | {rarest:.1%} |"
    )


def table(out_dir):
    """Markdown table of every variant measured in `out_dir`."""
    rows = [
        "| Change from the paper | Generator steps | FD | Precision | Recall "
        "| Rarest digit |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for name, (change, *_) in VARIANTS.items():
        path = os.path.join(out_dir, f"{name}.json")
        if not os.path.exists(path):
            continue
        with open(path) as f:
            r = json.load(f)
        rows.append(f"| {change} {_figure_cells(r)}")
    return "\n".join(rows)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("variants", nargs="*", help="default: all")
    parser.add_argument("--out-dir", default=os.path.join("outputs", "wgan_ablation"))
    args = parser.parse_args(argv)
    unknown = sorted(set(args.variants) - set(VARIANTS))
    if unknown:
        parser.error(f"unknown variants {unknown}; choose from {list(VARIANTS)}")
    for name in args.variants or VARIANTS:
        print(run(name, args.out_dir))
    print(table(args.out_dir))


if __name__ == "__main__":
    main()
