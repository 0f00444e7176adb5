import math

import keras
import numpy as np
import pytest

import ganzoo
from tests.models.test_cgan import ConditionalGANTestCase
from tests.models.test_cgan import fake_labels
from tests.testing import fake_images

TINY = {"image_shape": (28, 28, 1), "latent_dim": 8, "filters": 8, "seed": 2}


class TestACGAN(ConditionalGANTestCase):
    def test_output_shape_and_conditioning(self):
        model = self.run_output_shape_test(ganzoo.ACGAN, TINY)
        self.run_conditioning_test(model)
        assert model.discriminator.output_shape == [(None, 1), (None, 10)]
        assert len(model.discriminator.inputs) == 1  # it does not see labels

    def test_py_dataset_and_bad_labels(self):
        model = self.run_dataset_fit_test(ganzoo.ACGAN, TINY)
        self.run_bad_labels_test(model)

    def test_both_players_minimise_the_class_loss(self):
        """D's class loss covers real and fake images, G's its fakes."""
        model = ganzoo.ACGAN(**TINY)
        head = model.discriminator.get_layer("class_logits")
        for weight in head.weights:  # uniform class probabilities
            weight.assign(keras.ops.zeros(weight.shape))
        batch = (fake_images(6, TINY["image_shape"]), fake_labels(6))
        d_total, d_logs = model.discriminator_loss(batch)
        g_total, g_logs = model.generator_loss(batch)
        d_logs = {k: float(keras.ops.convert_to_numpy(v)) for k, v in d_logs.items()}
        g_logs = {k: float(keras.ops.convert_to_numpy(v)) for k, v in g_logs.items()}
        np.testing.assert_allclose(d_logs["d_class_loss"], 2 * math.log(10), 1e-5)
        np.testing.assert_allclose(g_logs["g_class_loss"], math.log(10), 1e-5)
        np.testing.assert_allclose(
            float(keras.ops.convert_to_numpy(d_total)),
            d_logs["d_loss"] + d_logs["d_class_loss"],
            1e-5,
        )
        np.testing.assert_allclose(
            float(keras.ops.convert_to_numpy(g_total)),
            g_logs["g_loss"] + g_logs["g_class_loss"],
            1e-5,
        )

    def test_classify_fakes_false_leaves_fakes_out_of_the_class_loss(self):
        model = ganzoo.ACGAN(**TINY, classify_fakes=False)
        head = model.discriminator.get_layer("class_logits")
        for weight in head.weights:
            weight.assign(keras.ops.zeros(weight.shape))
        batch = (fake_images(6, TINY["image_shape"]), fake_labels(6))
        _, d_logs = model.discriminator_loss(batch)
        d_class = float(keras.ops.convert_to_numpy(d_logs["d_class_loss"]))
        np.testing.assert_allclose(d_class, math.log(10), 1e-5)
        _, g_logs = model.generator_loss(batch)
        g_class = float(keras.ops.convert_to_numpy(g_logs["g_class_loss"]))
        np.testing.assert_allclose(g_class, math.log(10), 1e-5)
        restored = ganzoo.ACGAN.from_config(model.get_config())
        assert restored.classify_fakes is False
        with pytest.raises(TypeError, match="classify_fakes"):
            ganzoo.ACGAN(**TINY, classify_fakes="no")

    def test_generator_class_weight_scales_the_generators_class_loss(self):
        model = ganzoo.ACGAN(**TINY, generator_class_weight=0.25)
        batch = (fake_images(6, TINY["image_shape"]), fake_labels(6))
        total, logs = model.generator_loss(batch)
        logs = {k: float(keras.ops.convert_to_numpy(v)) for k, v in logs.items()}
        np.testing.assert_allclose(
            float(keras.ops.convert_to_numpy(total)),
            logs["g_loss"] + 0.25 * logs["g_class_loss"],
            1e-5,
        )
        d_total, d_logs = model.discriminator_loss(batch)
        np.testing.assert_allclose(
            float(keras.ops.convert_to_numpy(d_total)),
            sum(float(keras.ops.convert_to_numpy(v)) for v in d_logs.values()),
            1e-5,
        )
        restored = ganzoo.ACGAN.from_config(model.get_config())
        assert restored.generator_class_weight == 0.25
        assert ganzoo.ACGAN(**TINY).generator_class_weight == 1.0
        for bad, error in [(-1.0, ValueError), ("half", TypeError)]:
            with pytest.raises(error, match="generator_class_weight"):
                ganzoo.ACGAN(**TINY, generator_class_weight=bad)

    def test_classify(self):
        model = ganzoo.ACGAN(**dict(TINY, num_classes=4))
        images = fake_images(5, TINY["image_shape"])
        probabilities = model.classify(images, batch_size=2)
        assert probabilities.shape == (5, 4) and probabilities.dtype == np.float32
        np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, atol=1e-5)
        _, logits = model.discriminator(images, training=False)
        expected = keras.ops.convert_to_numpy(keras.ops.softmax(logits))
        np.testing.assert_allclose(probabilities, expected, atol=1e-5)
        with pytest.raises(ValueError, match="images"):
            model.classify(fake_images(2, (32, 32, 1)))
        with pytest.raises(TypeError, match="batch_size"):
            model.classify(images, batch_size=1.5)
