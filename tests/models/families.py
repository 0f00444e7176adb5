"""The registry of model families that `test_families.py` checks.

One `Family` per class in `ganzoo.__all__` that subclasses `BaseGAN` (the
bases aside): a tiny constructor config, what `fit` takes for it, how to
sample outputs to compare, and the batch size. Every generic check (fit,
saving, presets, other backends, mixed precision) runs on every entry, so
a new family needs one entry here. Worker processes on other backends
import this module to sample the models they load.
"""

import dataclasses
from typing import Callable

import numpy as np

import ganzoo
from tests.testing import fake_images

DIGIT = (28, 28, 1)


@dataclasses.dataclass(frozen=True)
class Family:
    """One family's tiny settings and how the generic checks drive it.

    Attributes:
        cls: The family's class.
        init: Its tiny constructor arguments.
        data: `data(num_images, seed=0)` gives `(x, y)` as `fit(x, y)`
            takes them (`y` may be None). Another seed gives other images
            (and other labels or targets where there are any).
        sample: `sample(model)` gives the outputs to compare between two
            copies of a model, a dict of float32 arrays.
        batch_size: The batch size of the checks.
        num_images: How many images the fit check trains on per epoch.
        may_stay: Variable paths whose gradient is legitimately zero at
            initialisation.
        draws_noise: Whether the train step draws from the model's own
            seed generator.
        prepare: Called on a freshly built model before it is compiled
            (StackedGAN pretrains its encoder there).
    """

    cls: type
    init: dict
    data: Callable
    sample: Callable
    batch_size: int
    num_images: int
    may_stay: tuple = ()
    draws_noise: bool = True
    prepare: Callable = None

    @property
    def name(self):
        return self.cls.__name__

    def build(self, **overrides):
        """An uncompiled model of the tiny config (with `overrides`)."""
        model = self.cls(**dict(self.init, **overrides))
        if self.prepare is not None:
            self.prepare(model, self)
        return model


def images_only(shape):
    def data(num_images, seed=0):
        return fake_images(num_images, shape, seed=seed), None

    return data


def labelled(shape, num_classes):
    """Images with class ids; another seed shifts the labels by one."""

    def data(num_images, seed=0):
        labels = (np.arange(num_images) + seed) % num_classes
        return fake_images(num_images, shape, seed=seed), labels

    return data


def partly_labelled(shape, num_classes):
    """Images with every third one labelled, the others -1 (SGAN's data)."""

    def data(num_images, seed=0):
        index = np.arange(num_images)
        labels = np.where(index % 3 == 0, (index + seed) % num_classes, -1)
        return fake_images(num_images, shape, seed=seed), labels.astype("int32")

    return data


def image_pairs(shape, target_shape):
    """Inputs and targets (Pix2Pix), or images of A and of B (CycleGAN)."""

    def data(num_images, seed=0):
        return (
            fake_images(num_images, shape, seed=2 * seed),
            fake_images(num_images, target_shape, seed=2 * seed + 1),
        )

    return data


def generated(model):
    return {"images": model.generate(4, seed=3)}


def generated_with_labels(model):
    return {"images": model.generate(4, labels=[3, 1, 4, 1], seed=3)}


def generated_and_classified(model):
    images = fake_images(5, model.image_shape, seed=7)
    return {"images": model.generate(4, seed=3), "classes": model.classify(images)}


def generated_with_encoder_state(model):
    return {
        "images": model.generate(4, seed=3),
        "encoder_is_trained": np.array([model.encoder_is_trained], "float32"),
    }


def translated(model):
    return {"translated": model.translate(fake_images(2, model.image_shape, seed=9))}


def translated_both_ways(model):
    return {
        "a_to_b": model.translate(fake_images(2, model.image_shape, seed=9)),
        "b_to_a": model.translate(
            fake_images(2, model.target_shape, seed=9), direction="b_to_a"
        ),
    }


def pretrain_encoder(model, family):
    model.pretrain_encoder(
        *family.data(family.num_images),
        epochs=1,
        batch_size=family.batch_size,
        verbose=0,
    )


DCGAN_TINY = {"image_shape": DIGIT, "latent_dim": 8, "filters": 8, "seed": 2}
STACKEDGAN_TINY = {
    "image_shape": DIGIT,
    "num_classes": 3,
    "z0_dim": 4,
    "z1_dim": 4,
    "feature_dim": 8,
    "filters": 4,
    "encoder_filters": 4,
    "generator1_units": 8,
    "discriminator1_units": 8,
    "seed": 2,
}
PIX2PIX_TINY = {
    "image_shape": (32, 32, 1),
    "target_channels": 3,
    "filters": 4,
    "seed": 2,
}
CYCLEGAN_TINY = {
    "image_shape": (32, 32, 3),
    "filters": 4,
    "num_blocks": 1,
    "pool_size": 3,
    "seed": 2,
}


def _noise_family(cls, init, batch_size=16, num_images=32, **kwargs):
    return Family(
        cls,
        init,
        images_only(DIGIT),
        generated,
        batch_size,
        num_images,
        **kwargs,
    )


def _conditional_family(cls, init):
    return Family(cls, init, labelled(DIGIT, 10), generated_with_labels, 16, 32)


_ENTRIES = [
    _noise_family(ganzoo.GAN, {"image_shape": DIGIT, "latent_dim": 16, "seed": 1}),
    _noise_family(ganzoo.DCGAN, DCGAN_TINY),
    _conditional_family(
        ganzoo.CGAN, {"image_shape": DIGIT, "latent_dim": 8, "seed": 2}
    ),
    _conditional_family(ganzoo.ConditionalDCGAN, DCGAN_TINY),
    _conditional_family(ganzoo.ACGAN, DCGAN_TINY),
    Family(
        ganzoo.SGAN,
        dict(DCGAN_TINY, num_classes=3),
        partly_labelled(DIGIT, 3),
        generated_and_classified,
        16,
        32,
    ),
    _noise_family(ganzoo.WGAN, DCGAN_TINY, batch_size=8, num_images=16),
    _noise_family(ganzoo.WGANGP, DCGAN_TINY, batch_size=8, num_images=16),
    _noise_family(ganzoo.LSGAN, DCGAN_TINY, batch_size=8, num_images=16),
    # The hinge loss gives the output bias no gradient while every score
    # lies inside the margin, as it does at initialisation.
    _noise_family(
        ganzoo.SNGAN,
        DCGAN_TINY,
        batch_size=8,
        num_images=16,
        may_stay=("logit_sn/logit/bias",),
    ),
    _noise_family(
        ganzoo.InfoGAN,
        dict(DCGAN_TINY, num_categories=3, num_continuous=2, filters=4),
    ),
    Family(
        ganzoo.StackedGAN,
        STACKEDGAN_TINY,
        labelled(DIGIT, 3),
        generated_with_encoder_state,
        8,
        16,
        prepare=pretrain_encoder,
    ),
    Family(
        ganzoo.Pix2Pix,
        PIX2PIX_TINY,
        image_pairs((32, 32, 1), (32, 32, 3)),
        translated,
        4,
        4,
        draws_noise=False,
    ),
    Family(
        ganzoo.CycleGAN,
        CYCLEGAN_TINY,
        image_pairs((32, 32, 3), (32, 32, 3)),
        translated_both_ways,
        4,
        4,
        draws_noise=False,
    ),
]

#: Every family, by class name.
FAMILIES = {family.name: family for family in _ENTRIES}
