"""The recipes' shared training steps (`weights/recipe_tools.py`).

Presets are made by these recipes; a run that is taken further in stages or
cooled down must train exactly as its metadata says.
"""

import json
import os
import sys

import keras
import numpy as np

import ganzoo

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "weights"))
import recipe_tools  # noqa: E402

IMAGES = np.random.default_rng(0).uniform(-1, 1, (8, 4, 4, 1)).astype("float32")


def _build():
    model = ganzoo.GAN(image_shape=(4, 4, 1), latent_dim=2, seed=0)
    model.compile()
    return model


def _iterations(model):
    return int(keras.ops.convert_to_numpy(model.g_optimizer.iterations))


def test_cooldown_decays_every_rate_linearly_to_zero_at_the_end():
    model = _build()
    rates = []

    class Record(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            # `self.model` (on JAX: with the trainer's state written back).
            for name in self.model.optimizer_names:
                rate = getattr(self.model, name).learning_rate
                rates.append((name, float(keras.ops.convert_to_numpy(rate))))

    cooldown = recipe_tools.Cooldown(epochs=3, cooldown_epochs=1, steps_per_epoch=4)
    model.fit(IMAGES, batch_size=2, epochs=3, verbose=0, callbacks=[cooldown, Record()])
    for name in model.optimizer_names:
        seen = [rate for n, rate in rates if n == name]
        expected = [2e-4] * 8 + [2e-4, 1.5e-4, 1e-4, 0.5e-4]
        np.testing.assert_allclose(seen, expected, rtol=1e-5)


def test_a_larger_epochs_goes_on_from_the_saved_model(tmp_path):
    work_dir = str(tmp_path / "run")
    first = recipe_tools.fit_once(work_dir, _build, IMAGES, epochs=1, batch_size=4)
    assert _iterations(first) == 2
    assert recipe_tools.training_stages(work_dir) == [1]
    weights = [w.copy() for w in first.generator.get_weights()]

    def must_not_build():
        raise AssertionError("a finished run must be reused, not rebuilt")

    later = recipe_tools.fit_once(
        work_dir, must_not_build, IMAGES, epochs=3, batch_size=4
    )
    # Optimizer state came along: the step count goes on from 2.
    assert _iterations(later) == 6
    assert recipe_tools.training_stages(work_dir) == [1, 3]
    moved = later.generator.get_weights()
    assert any(not np.allclose(a, b) for a, b in zip(weights, moved, strict=True))
    # Asked again for 3 epochs (or fewer), the finished model is reused.
    again = recipe_tools.fit_once(
        work_dir, must_not_build, IMAGES, epochs=3, batch_size=4
    )
    assert _iterations(again) == 6
    assert recipe_tools.training_stages(work_dir) == [1, 3]
    with open(os.path.join(work_dir, "stages")) as f:
        assert json.load(f) == [1, 3]
