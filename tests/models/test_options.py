"""Options every family has: an EMA of the generator and DiffAugment.

DiffAugment's fit runs for DCGAN on every backend; WGAN-GP's, whose
gradient penalty takes the augmented images and whose step is among the
slowest to compile, is shared out between the backends' suites
with `runs_on_this_backend` (GANZOO_TEST_ALL=1 runs it everywhere).
"""

import keras
import numpy as np
import pytest

import ganzoo
from tests.testing import GANTestCase
from tests.testing import fake_images
from tests.testing import runs_on_this_backend

TINY = {"image_shape": (8, 8, 1), "latent_dim": 4, "seed": 1}


class TestEMA(GANTestCase):
    def test_ema_follows_the_formula_after_each_generator_update(self):
        decay = 0.75
        model = self.make_model(ganzoo.GAN, dict(TINY, ema_decay=decay))
        generator, average = model.generator, model.generator_ema
        assert not average.trainable_variables
        for w, a in zip(generator.get_weights(), average.get_weights(), strict=True):
            np.testing.assert_array_equal(w, a)  # starts as a copy
        expected = [np.array(w) for w in average.get_weights()]
        data = fake_images(8, TINY["image_shape"])
        for _ in range(3):  # one step per fit: batch == data
            model.fit(data, batch_size=8, verbose=0)
            pairs = zip(generator.weights, expected, strict=True)
            expected = [
                decay * e + (1 - decay) * keras.ops.convert_to_numpy(w.value)
                if w.trainable
                else keras.ops.convert_to_numpy(w.value)
                for w, e in pairs
            ]
            for e, a in zip(expected, average.get_weights(), strict=True):
                np.testing.assert_allclose(a, e, rtol=1e-5, atol=1e-7)

    def test_generate_samples_from_the_average(self, tmp_path):
        model = self.make_model(ganzoo.DCGAN, dict(TINY, filters=4, ema_decay=0.5))
        data = fake_images(16, TINY["image_shape"])
        model.fit(data, batch_size=8, verbose=0)
        z = model.sample_latent(3, seed=0)
        from_average = keras.ops.convert_to_numpy(model.generator_ema(z))
        from_raw = keras.ops.convert_to_numpy(model.generator(z))
        np.testing.assert_allclose(model.generate(3, seed=0), from_average, atol=1e-6)
        assert not np.allclose(from_average, from_raw, atol=1e-4)
        # The average travels with .keras files and presets, to every backend.
        self.run_saving_test(model, tmp_path, data, batch_size=8)
        self.run_preset_test(model, tmp_path)

    def test_ema_is_off_by_default_and_validated(self):
        model = ganzoo.GAN(**TINY)
        assert model.ema_decay is None and not hasattr(model, "generator_ema")
        for bad in (0, 1, 1.5):
            with pytest.raises(ValueError, match="ema_decay"):
                ganzoo.GAN(**TINY, ema_decay=bad)
        with pytest.raises(TypeError, match="ema_decay"):  # a type, not a value
            ganzoo.GAN(**TINY, ema_decay="0.9")

    def test_ema_runs_after_wgan_clipping_hook(self):
        model = self.make_model(ganzoo.WGAN, dict(TINY, filters=4, ema_decay=0.9))
        model.fit(fake_images(8, TINY["image_shape"]), batch_size=8, verbose=0)
        weights = model.discriminator.get_weights()
        assert max(np.abs(w).max() for w in weights) <= 0.01 + 1e-7
        assert not np.allclose(
            model.generator.get_weights()[0], model.generator_ema.get_weights()[0]
        )


class TestDiffAugmentOption(GANTestCase):
    @pytest.mark.parametrize("cls", [ganzoo.DCGAN, ganzoo.WGANGP])
    def test_fit_with_diffaugment(self, cls):
        if cls is ganzoo.WGANGP and not runs_on_this_backend(1):
            pytest.skip("runs in another backend's suite (GANZOO_TEST_ALL=1: here too)")
        init = dict(TINY, filters=4, diffaugment="color,translation,cutout")
        model = self.run_fit_test(cls, init, fake_images(16, (8, 8, 1)), 8)
        assert model.get_config()["diffaugment"] == "color,translation,cutout"
        assert type(model).from_config(model.get_config()).diffaugment == (
            "color",
            "translation",
            "cutout",
        )

    def test_discriminator_sees_augmented_images(self):
        model = ganzoo.GAN(**TINY, diffaugment="translation")
        images = fake_images(32, TINY["image_shape"])
        augmented = keras.ops.convert_to_numpy(model.augment(images))
        assert augmented.shape == images.shape
        assert not np.allclose(augmented, images)
        plain = ganzoo.GAN(**TINY)
        np.testing.assert_array_equal(plain.augment(images), images)

    def test_unknown_policy(self):
        with pytest.raises(ValueError, match="diffaugment"):
            ganzoo.GAN(**TINY, diffaugment="color,rotate")
