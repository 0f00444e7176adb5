"""WGAN, WGAN-GP, LSGAN and SNGAN: step counts, clipping, penalty, losses."""

import os

import keras
import numpy as np
import pytest

import ganzoo
from tests.testing import GANTestCase
from tests.testing import fake_images
from tests.testing import other_backends
from tests.testing import run_in_backend

TINY = {"image_shape": (28, 28, 1), "latent_dim": 8, "filters": 8, "seed": 2}
FAMILIES = [ganzoo.WGAN, ganzoo.WGANGP, ganzoo.LSGAN, ganzoo.SNGAN]


class TestLossFamilies(GANTestCase):
    @pytest.mark.parametrize("cls", FAMILIES, ids=lambda c: c.__name__)
    def test_critic_steps_per_generator_step(self, cls):
        # That fit takes them (d_optimizer.iterations == n_critic * steps,
        # g_optimizer.iterations == steps) is checked with every family in
        # test_families.py.
        model = self.make_model(cls, TINY)
        expected = {ganzoo.WGAN: 5, ganzoo.WGANGP: 5}.get(cls, 1)
        assert model.phases()[0].repeat == expected

    def test_wgangp_trains_on_after_loading_on_another_backend(self, tmp_path):
        # RMSprop's and Adam's state, critic repeats. Saving, presets and
        # loading elsewhere are checked with every family in test_families.py.
        data = fake_images(16, (28, 28, 1))
        model = self.make_model(ganzoo.WGANGP, TINY)
        model.fit(data, batch_size=8, verbose=0)
        self.run_cross_backend_training_test(model, tmp_path, data)

    def test_wgan_defaults_follow_the_paper(self):
        model = self.make_model(ganzoo.WGAN, TINY)
        assert model.n_critic == 5 and model.clip_value == 0.01
        assert isinstance(model.d_optimizer, keras.optimizers.RMSprop)
        assert model.d_optimizer.get_config()["learning_rate"] == pytest.approx(5e-5)
        assert model.adversarial_loss.name == "wasserstein"
        layers = model.discriminator.layers
        assert not any(isinstance(layer, keras.layers.Dropout) for layer in layers)

    def test_wgan_critic_weights_stay_clipped_after_every_step(self):
        model = self.make_model(ganzoo.WGAN, dict(TINY, clip_value=0.02))
        initial = max(np.abs(w).max() for w in model.discriminator.get_weights())
        assert initial > 0.02  # so clipping has work to do
        seen = []

        class CheckClip(keras.callbacks.Callback):
            def on_train_batch_end(self, batch, logs=None):
                weights = self.model.discriminator.get_weights()
                seen.append(max(np.abs(w).max() for w in weights))

        model.fit(
            fake_images(24, (28, 28, 1)),
            batch_size=8,
            verbose=0,
            callbacks=[CheckClip()],
        )
        assert len(seen) == 3
        assert max(seen) <= 0.02 + 1e-7

    def test_wgangp_defaults_follow_the_paper(self):
        model = self.make_model(ganzoo.WGANGP, TINY)
        assert model.n_critic == 5 and model.gp_weight == 10.0
        config = model.d_optimizer.get_config()
        assert isinstance(model.d_optimizer, keras.optimizers.Adam)
        assert (config["learning_rate"], config["beta_1"], config["beta_2"]) == (
            pytest.approx(1e-4),
            0.5,
            0.9,
        )
        batch_norm = keras.layers.BatchNormalization
        assert not any(isinstance(x, batch_norm) for x in model.discriminator.layers)

    def test_gradient_penalty_matches_finite_differences(self):
        keras.utils.set_random_seed(0)
        model = ganzoo.WGANGP(image_shape=(8, 8, 1), latent_dim=4, filters=4, seed=0)
        real, fake, alpha = _penalty_inputs()
        penalty = model.gradient_penalty(real, fake, alpha)

        mixed = real + alpha * (fake - real)
        size = mixed[0].size
        # The critic is piecewise linear: central differences are exact unless
        # a step crosses a kink, which a small step makes rare.
        step = 2e-3
        deltas = step * np.eye(size, dtype="float32").reshape((size, 8, 8, 1))
        probes = np.concatenate([mixed[:, None] + deltas, mixed[:, None] - deltas], 1)
        scores = model.discriminator.predict(
            probes.reshape((-1,) + mixed.shape[1:]), verbose=0
        ).reshape(len(mixed), 2, size)
        grads = (scores[:, 0].astype("float64") - scores[:, 1]) / (2 * step)
        norms = np.linalg.norm(grads, axis=1)
        expected = np.mean((norms - 1.0) ** 2)
        np.testing.assert_allclose(_to_float(penalty), expected, rtol=2e-3)

    def test_gradient_penalty_agrees_across_backends(self, tmp_path):
        model = ganzoo.WGANGP(image_shape=(8, 8, 1), latent_dim=4, filters=4, seed=0)
        path = os.path.join(tmp_path, "critic.keras")
        model.save(path)
        here = _to_float(model.gradient_penalty(*_penalty_inputs()))
        for other in other_backends():
            there = run_in_backend(other, _PENALTY_SCRIPT, path)
            np.testing.assert_allclose(there, here, rtol=1e-5, err_msg=other)

    def test_lsgan_targets(self):
        model = ganzoo.LSGAN(**TINY, targets=(-1, 1, 0))
        real = keras.ops.convert_to_tensor([[0.5], [2.0]])
        fake = keras.ops.convert_to_tensor([[-0.5], [0.0]])
        d_loss = model.adversarial_loss.discriminator(real, fake)
        g_loss = model.adversarial_loss.generator(fake)
        # D: 0.5 mean((D(x) - b)^2) + 0.5 mean((D(G(z)) - a)^2)
        assert _to_float(d_loss) == pytest.approx(0.5 * 0.625 + 0.5 * 0.625)
        # G: 0.5 mean((D(G(z)) - c)^2)
        assert _to_float(g_loss) == pytest.approx(0.5 * 0.125)
        assert ganzoo.LSGAN.from_config(model.get_config()).targets == (-1.0, 1.0, 0.0)

    def test_sngan_discriminator_is_spectrally_normalised(self):
        model = ganzoo.SNGAN(**TINY)
        wrapped = [
            layer
            for layer in model.discriminator.layers
            if isinstance(layer, ganzoo.layers.SpectralNorm)
        ]
        assert len(wrapped) == 3  # two strided convs and the logit
        assert model.adversarial_loss.name == "hinge"

    @pytest.mark.parametrize(
        "cls, kwargs, match",
        [
            (ganzoo.WGAN, {"n_critic": 0}, "n_critic"),
            (ganzoo.WGAN, {"clip_value": -1}, "clip_value"),
            (ganzoo.WGANGP, {"gp_weight": -1.0}, "gp_weight"),
            (ganzoo.LSGAN, {"targets": (1, 1, 1)}, "targets"),
            (ganzoo.LSGAN, {"targets": (0, 1)}, "targets"),
            (ganzoo.SNGAN, {"n_critic": 1.5}, "n_critic"),
        ],
    )
    def test_bad_arguments(self, cls, kwargs, match):
        with pytest.raises((TypeError, ValueError), match=match):
            cls(**dict(TINY, **kwargs))


def _to_float(tensor):
    return float(keras.ops.convert_to_numpy(tensor))


def _penalty_inputs():
    rng = np.random.default_rng(0)
    real = np.tanh(rng.normal(size=(3, 8, 8, 1))).astype("float32")
    fake = np.tanh(rng.normal(size=(3, 8, 8, 1))).astype("float32")
    alpha = rng.uniform(size=(3, 1, 1, 1)).astype("float32")
    return real, fake, alpha


_PENALTY_SCRIPT = """
import sys
import keras, numpy as np, ganzoo
from tests.models.test_loss_families import _penalty_inputs
model = keras.saving.load_model(sys.argv[1])
print(float(keras.ops.convert_to_numpy(model.gradient_penalty(*_penalty_inputs()))))
"""
