import numpy as np
import pytest

import ganzoo
from tests.models.families import STACKEDGAN_TINY
from tests.testing import GANTestCase
from tests.testing import changed
from tests.testing import fake_images
from tests.testing import snapshot

TINY = STACKEDGAN_TINY
NUM_IMAGES = 24
BATCH = 8


def tiny_data(num_images=NUM_IMAGES):
    images = fake_images(num_images, TINY["image_shape"])
    labels = np.arange(num_images) % TINY["num_classes"]
    return images, labels


def pretrained(**kwargs):
    """A StackedGAN whose encoder had one epoch on the tiny data."""
    model = ganzoo.StackedGAN(**kwargs)
    model.pretrain_encoder(*tiny_data(), epochs=1, batch_size=BATCH, verbose=0)
    return model


class TestStackedGAN(GANTestCase):
    def test_output_shape_and_networks(self):
        model = self.run_output_shape_test(ganzoo.StackedGAN, TINY)
        assert model.encoder0.output_shape == (None, 8)
        assert model.encoder1.output_shape == (None, 3)
        assert model.generator1.output_shape == (None, 8)
        assert model.discriminator0.output_shape == [(None, 1), (None, 4)]
        assert model.discriminator1.output_shape == [(None, 1), (None, 4)]
        model.compile()
        assert [phase.name for phase in model.phases()] == [
            "discriminator1",
            "discriminator0",
            "generator1",
            "generator0",
        ]

    def test_no_phase_trains_the_encoder(self):
        # That fit leaves it as it was (no variable outside the phases
        # moves) is checked with every family in test_families.py.
        model = ganzoo.StackedGAN(**TINY)
        model.compile()
        encoder = model.encoder0.weights + model.encoder1.weights
        assert encoder and all(v.trainable for v in encoder)
        assert not any(
            id(v) in {id(w) for w in encoder}
            for phase in model.phases()
            for v in phase.variables
        )

    def test_pretrain_encoder_moves_only_the_encoder(self):
        model = ganzoo.StackedGAN(**TINY)
        assert not model.encoder_is_trained
        encoder = model.encoder0.weights + model.encoder1.weights
        others = [v for v in model.weights if all(v is not w for w in encoder)]
        before = snapshot(model.weights)
        images, labels = tiny_data()
        history = model.pretrain_encoder(
            images,
            labels,
            epochs=1,
            batch_size=BATCH,
            validation_data=(images, labels),
            verbose=0,
        )
        assert "val_accuracy" in history.history
        assert len(changed(before, encoder)) == len(encoder)
        assert [v.path for v in changed(before, others)] == [model.encoder_trained.path]
        assert model.encoder_is_trained
        assert model.predict_labels(images).shape == (NUM_IMAGES,)

    def test_fit_refuses_an_untrained_encoder_and_missing_labels(self):
        model = ganzoo.StackedGAN(**TINY)
        model.compile()
        images, labels = tiny_data()
        with pytest.raises(RuntimeError, match="pretrain_encoder"):
            model.fit(images, labels, verbose=0)
        model.pretrain_encoder(images, labels, epochs=1, verbose=0)
        with pytest.raises(ValueError, match="needs class labels"):
            model.fit(images, verbose=0)

    @pytest.mark.parametrize(
        "labels, message",
        [
            (np.full((NUM_IMAGES,), 3), r"in \[0, 3\)"),
            (np.full((NUM_IMAGES,), -1), r"in \[0, 3\)"),
            (np.zeros((NUM_IMAGES, 3)), "not one-hot"),
            (np.zeros((NUM_IMAGES - 1,)), "one label per image"),
        ],
    )
    def test_bad_labels(self, labels, message):
        model = ganzoo.StackedGAN(**TINY)
        model.compile()
        images, good = tiny_data()
        with pytest.raises(ValueError, match=message):
            model.pretrain_encoder(images, labels, epochs=1, verbose=0)
        model.pretrain_encoder(images, good, epochs=1, verbose=0)
        with pytest.raises(ValueError, match=message):
            model.fit(images, labels, verbose=0)
        with pytest.raises(ValueError, match=message):
            model.generate(NUM_IMAGES, labels=labels)

    @pytest.mark.parametrize(
        "kwargs, message",
        [
            ({"z0": np.zeros((5, 4))}, r"`z0` must have shape .* \(4, 4\)"),
            ({"z0": np.zeros((4, 3))}, r"`z0` must have shape .*z0.shape=\(4, 3\)"),
            ({"z1": np.zeros((4,))}, r"`z1` must have shape"),
            ({"labels": [0, 1]}, "one label per image"),
            ({"labels": 5}, r"in \[0, 3\)"),
        ],
    )
    def test_bad_generate_arguments(self, kwargs, message):
        model = ganzoo.StackedGAN(**TINY)
        with pytest.raises(ValueError, match=message):
            model.generate(4, **kwargs)

    def test_labels_and_noise_change_the_images(self):
        model = pretrained(**TINY)
        z0 = np.zeros((4, 4), "float32")
        z1 = np.zeros((4, 4), "float32")
        by_label = [model.generate(4, labels=k, z0=z0, z1=z1) for k in range(3)]
        for a in range(3):
            for b in range(a + 1, 3):
                assert np.abs(by_label[a] - by_label[b]).max() > 1e-4
        np.testing.assert_array_equal(
            model.generate(4, labels=1, seed=0), model.generate(4, labels=1, seed=0)
        )
        default = model.generate(6, seed=0)
        np.testing.assert_array_equal(
            default, model.generate(6, labels=[0, 1, 2, 0, 1, 2], seed=0)
        )
        other_z0 = model.generate(4, labels=0, z0=z0 + 0.5, z1=z1)
        assert np.abs(other_z0 - by_label[0]).max() > 1e-4

    def test_ema_averages_both_generators(self):
        images, labels = tiny_data()
        model = pretrained(**TINY, ema_decay=0.9)
        model.compile()
        before = snapshot(model.generator0_ema.weights + model.generator1_ema.weights)
        model.fit(images, labels, batch_size=BATCH, verbose=0)
        for network in (model.generator0_ema, model.generator1_ema):
            assert changed(before, network.weights)
