import keras
import numpy as np
import pytest

import ganzoo
from tests.testing import GANTestCase
from tests.testing import changed
from tests.testing import fake_images
from tests.testing import snapshot

SHAPE = (28, 28, 1)
TINY = {
    ganzoo.CGAN: {"image_shape": SHAPE, "latent_dim": 8, "seed": 2},
    ganzoo.ConditionalDCGAN: {
        "image_shape": SHAPE,
        "latent_dim": 8,
        "filters": 8,
        "seed": 2,
    },
}
FAMILIES = sorted(TINY, key=lambda cls: cls.__name__)


def fake_labels(num_images, num_classes=10):
    return np.arange(num_images) % num_classes


class LabelledBatches(keras.utils.PyDataset):
    """Yields `(images, labels)` batches, or `(images,)` without labels."""

    def __init__(self, images, labels, batch_size):
        super().__init__()
        self.images, self.labels, self.batch_size = images, labels, batch_size

    def __len__(self):
        return -(-len(self.images) // self.batch_size)

    def __getitem__(self, index):
        batch = slice(index * self.batch_size, (index + 1) * self.batch_size)
        if self.labels is None:
            return (self.images[batch],)
        return self.images[batch], self.labels[batch]


class ConditionalGANTestCase(GANTestCase):
    """`GANTestCase` checks that train on `fit(images, labels)`."""

    def run_conditioning_test(self, model):
        """Labels steer each image; the noise depends on the seed only."""
        zeros = model.generate(10, labels=0, seed=0)
        ones = model.generate(10, labels=np.ones(10, "int32"), seed=0)
        assert np.abs(zeros - ones).max() > 1e-3
        mixed = model.generate(10, labels=list(range(10)), seed=0)
        np.testing.assert_allclose(mixed[0], zeros[0], atol=1e-6)
        np.testing.assert_allclose(mixed[1], ones[1], atol=1e-6)
        np.testing.assert_allclose(
            model.generate(10, seed=0), mixed, atol=1e-6
        )  # the default labels are 0, 1, ..., 9

    def run_bad_labels_test(self, model):
        images = fake_images(20, model.image_shape)
        labels = fake_labels(20)
        bad = {
            "range": labels + 5,
            "negative": labels - 1,
            "one-hot": np.eye(10)[labels],
            "count": labels[:-1],
            "fractional": labels + 0.5,
            "scalar": np.array(3),
        }
        for what, y in bad.items():
            with pytest.raises(ValueError, match="`y`"):
                model.fit(images, y, batch_size=10, verbose=0)
                pytest.fail(f"fit accepted labels with a bad {what}")
        with pytest.raises(ValueError, match="`y`"):
            model.fit(images, batch_size=10, verbose=0)
        with pytest.raises(ValueError, match="`y`"):
            model.fit(LabelledBatches(images, None, 10), verbose=0)
        for y in (labels + 5, labels - 5):  # from a dataset: checked in the step
            with pytest.raises(ValueError, match=r"dataset yielded labels outside"):
                model.fit(LabelledBatches(images, y, 10), verbose=0)
        for labels in [10, -1, [0, 1], np.eye(10)[:3], [0.5, 1, 2]]:
            with pytest.raises(ValueError, match="`labels`"):
                model.generate(3, labels=labels)

    def run_dataset_fit_test(self, cls, init_kwargs):
        model = self.make_model(cls, init_kwargs)
        images = fake_images(20, init_kwargs["image_shape"])
        labels = fake_labels(20)[:, None]  # (n, 1) works too
        trained = [v for phase in model.phases() for v in phase.variables]
        before = snapshot(trained)
        model.fit(LabelledBatches(images, labels, 10), epochs=1, verbose=0)
        assert len(changed(before, trained)) == len(trained)
        return model


class TestConditionalGANs(ConditionalGANTestCase):
    @pytest.mark.parametrize("cls", FAMILIES)
    def test_output_shape_and_conditioning(self, cls):
        model = self.run_output_shape_test(cls, TINY[cls])
        self.run_conditioning_test(model)

    def test_saved_model_trains_on_another_backend(self, tmp_path):
        init = TINY[ganzoo.CGAN]
        images, labels = fake_images(16, init["image_shape"]), fake_labels(16)
        model = self.make_model(ganzoo.CGAN, init)
        model.fit(images, labels, batch_size=8, verbose=0)
        self.run_cross_backend_training_test(model, tmp_path, images, labels)

    @pytest.mark.parametrize("cls", FAMILIES)
    def test_py_dataset_and_bad_labels(self, cls):
        model = self.run_dataset_fit_test(cls, TINY[cls])
        self.run_bad_labels_test(model)

    def test_options_reach_the_base_class(self):
        init = dict(
            TINY[ganzoo.CGAN],
            num_classes=3,
            ema_decay=0.9,
            diffaugment="translation",
            loss="least_squares",
        )
        model = self.run_fit_test(
            ganzoo.CGAN,
            init,
            fake_images(12, SHAPE),
            6,
            fit_kwargs={"y": fake_labels(12, 3)},
        )
        config = model.get_config()
        assert config["num_classes"] == 3 and config["loss"] == "least_squares"
        assert config["ema_decay"] == 0.9 and config["diffaugment"] == "translation"
        assert model.generator_ema is not model.generator

    def test_label_maps(self):
        model = ganzoo.ConditionalDCGAN(image_shape=(32, 32, 3), filters=8)
        assert model.generator.get_layer("z_and_label").output.shape[1:] == (110,)
        inputs = [
            model.discriminator.get_layer(f"down_{i}_input").output.shape[1:]
            for i in range(3)
        ]
        assert inputs == [(32, 32, 13), (16, 16, 18), (8, 8, 26)]

    @pytest.mark.parametrize("num_classes", [1, 0, 2.5])
    def test_bad_num_classes(self, num_classes):
        with pytest.raises((ValueError, TypeError), match="num_classes"):
            ganzoo.CGAN(num_classes=num_classes)
