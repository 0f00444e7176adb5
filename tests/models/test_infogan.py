import keras
import numpy as np
import pytest

import ganzoo
from tests.testing import GANTestCase
from tests.testing import fake_images

TINY = {
    "image_shape": (28, 28, 1),
    "latent_dim": 8,
    "num_categories": 3,
    "num_continuous": 2,
    "filters": 4,
    "seed": 2,
}


class TestInfoGAN(GANTestCase):
    def test_output_shape(self):
        model = self.run_output_shape_test(ganzoo.InfoGAN, TINY)
        assert model.generator.input.shape == (None, 8 + 3 + 2)
        assert model.d_head.output.shape == (None, 1)
        assert model.q_head.output.shape == (None, 3 + 2)

    def test_phases_split_trunk_and_q_as_documented(self):
        model = ganzoo.InfoGAN(**TINY)
        model.compile()
        d_phase, g_phase = model.phases()
        ids = lambda variables: {id(v) for v in variables}  # noqa: E731
        assert ids(d_phase.variables) == ids(
            model.trunk.trainable_variables + model.d_head.trainable_variables
        )
        assert ids(g_phase.variables) == ids(
            model.generator.trainable_variables + model.q_head.trainable_variables
        )
        assert float(model.d_optimizer.learning_rate) == pytest.approx(2e-4)
        assert float(model.g_optimizer.learning_rate) == pytest.approx(1e-3)

    def test_codes_change_only_what_they_name(self):
        model = ganzoo.InfoGAN(**TINY)
        drawn = model.generator_inputs(4, seed=0)
        chosen = model.generator_inputs(4, seed=0, categorical=[2, 2, 0, 1])
        np.testing.assert_array_equal(chosen[:, :8], drawn[:, :8])
        np.testing.assert_array_equal(chosen[:, 8:11], np.eye(3)[[2, 2, 0, 1]])
        np.testing.assert_array_equal(chosen[:, 11:], drawn[:, 11:])
        same = model.generator_inputs(4, seed=0, categorical=1, continuous=[0.5, -2])
        np.testing.assert_array_equal(same[:, 8:11], np.eye(3)[[1, 1, 1, 1]])
        np.testing.assert_allclose(same[:, 11:], [[0.5, -2.0]] * 4)
        images = model.generate(4, seed=0, categorical=[2, 2, 0, 1])
        assert not np.allclose(images, model.generate(4, seed=0, categorical=0))

    def test_shared_noise(self):
        model = ganzoo.InfoGAN(**TINY)
        noise = np.linspace(-1, 1, 8)
        inputs = model.generator_inputs(3, seed=0, noise=noise)
        np.testing.assert_allclose(inputs[:, :8], [noise] * 3, rtol=1e-6)
        drawn = model.generator_inputs(3, seed=0)
        np.testing.assert_array_equal(inputs[:, 8:], drawn[:, 8:])
        images = model.generate(3, seed=0, categorical=1, continuous=0.0, noise=noise)
        np.testing.assert_allclose(images[0], images[2], atol=1e-6)

    def test_info_losses_are_the_codes_negative_log_likelihoods(self):
        model = ganzoo.InfoGAN(**TINY)
        features = np.random.default_rng(0).normal(size=(5, 64)).astype("float32")
        categories = np.array([0, 1, 2, 0, 1], "int32")
        continuous = np.linspace(-1, 1, 10).reshape(5, 2).astype("float32")
        codes = keras.ops.convert_to_numpy(model.q_head(features, training=True))
        categorical, gaussian = model.info_losses(features, categories, continuous)
        logits = codes[:, :3].astype("float64")
        log_softmax = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
        np.testing.assert_allclose(
            keras.ops.convert_to_numpy(categorical),
            -log_softmax[np.arange(5), categories].mean(),
            rtol=1e-5,
        )
        np.testing.assert_allclose(
            keras.ops.convert_to_numpy(gaussian),
            (0.5 * (continuous - codes[:, 3:]) ** 2).sum(axis=1).mean(),
            rtol=1e-5,
        )

    def test_infer_codes(self):
        model = ganzoo.InfoGAN(**TINY)
        codes = model.infer_codes(model.generate(5, seed=0), batch_size=2)
        assert codes["categorical"].shape == (5, 3)
        assert codes["continuous"].shape == (5, 2)
        np.testing.assert_allclose(codes["categorical"].sum(axis=1), 1.0, atol=1e-5)

    @pytest.mark.parametrize(
        "kwargs, match",
        [
            ({"categorical": 3}, r"categorical.*\[0, 3\)"),
            ({"categorical": [0, 1]}, "one label per image"),
            ({"continuous": [0.1, 0.2, 0.3]}, "continuous"),
            ({"continuous": np.nan}, "finite"),
            ({"noise": np.zeros(7)}, "noise.*8 values"),
        ],
    )
    def test_bad_codes(self, kwargs, match):
        model = ganzoo.InfoGAN(**TINY)
        with pytest.raises(ValueError, match=match):
            model.generate(4, seed=0, **kwargs)

    @pytest.mark.parametrize(
        "kwargs, match",
        [
            ({"num_categories": 1}, "num_categories"),
            ({"num_continuous": 0}, "num_continuous"),
            ({"continuous_weight": -1.0}, "continuous_weight"),
            ({"image_shape": (30, 30, 1)}, "image_shape"),
        ],
    )
    def test_bad_arguments(self, kwargs, match):
        with pytest.raises(ValueError, match=match):
            ganzoo.InfoGAN(**dict(TINY, **kwargs))

    def test_bad_images(self):
        model = ganzoo.InfoGAN(**TINY)
        model.compile()
        with pytest.raises(ValueError, match="image_shape"):
            model.fit(fake_images(8, (32, 32, 1)), batch_size=4, verbose=0)
