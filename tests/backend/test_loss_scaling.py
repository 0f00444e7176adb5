"""float16 loss scaling: each player scales its loss and skips overflowed steps."""

import keras
import numpy as np
from keras import ops

from tests.backend.test_engine import linear_reference
from tests.backend.test_engine import value
from tests.backend.toys import LinearToy
from tests.testing import dtype_policy

INITIAL_SCALE = 2.0**15  # keras.optimizers.LossScaleOptimizer's default


def float16_toy():
    with dtype_policy("mixed_float16"):
        model = LinearToy()
        model.compile()
    return model


def test_each_player_gets_its_own_loss_scale_optimizer():
    model = float16_toy()
    for optimizer in (model.d_optimizer, model.g_optimizer):
        assert isinstance(optimizer, keras.optimizers.LossScaleOptimizer)
        assert isinstance(optimizer.inner_optimizer, keras.optimizers.SGD)
    # Their scales are model state: threaded by JAX's trainer, saved, restored.
    state = {id(v) for v in model.optimizer.variables}
    assert id(model.d_optimizer.dynamic_scale) in state
    assert id(model.g_optimizer.step_counter) in state
    with dtype_policy("float32"):
        plain = LinearToy()
        plain.compile()
    assert isinstance(plain.d_optimizer, keras.optimizers.SGD)


def test_updates_are_unscaled():
    rng = np.random.default_rng(0)
    real = rng.normal(size=(8, 1, 1, 2)).astype("float32")
    model = float16_toy()
    model.fit(real, batch_size=4, epochs=1, shuffle=False, verbose=0)
    w, _, a, b, _ = linear_reference([real[:4, 0, 0], real[4:, 0, 0]], 1, None)
    critic = model.discriminator.get_layer("w")
    gen = model.generator.get_layer("ab")
    # float16 arithmetic: about three significant digits.
    np.testing.assert_allclose(value(critic.kernel)[:, 0], w, rtol=5e-3)
    np.testing.assert_allclose(value(gen.kernel)[0], a, rtol=5e-3)
    np.testing.assert_allclose(value(gen.bias), b, rtol=5e-3, atol=1e-3)
    for optimizer in (model.d_optimizer, model.g_optimizer):
        assert float(value(optimizer.dynamic_scale)) == INITIAL_SCALE
        assert int(value(optimizer.step_counter)) == 2  # two finite updates


def test_an_overflowing_player_skips_its_update_and_halves_its_scale():
    # The critic's kernel gradient is the images times the scaled loss's
    # gradient: far beyond float16's 65504. The generator's stays finite.
    real = np.full((4, 1, 1, 2), 1e4, dtype="float32")
    model = float16_toy()
    critic = model.discriminator.get_layer("w")
    gen = model.generator.get_layer("ab")
    model.fit(real, batch_size=4, epochs=1, verbose=0)
    np.testing.assert_array_equal(value(critic.kernel), np.ones((2, 1)))
    assert float(value(model.d_optimizer.dynamic_scale)) == INITIAL_SCALE / 2
    assert int(value(model.d_optimizer.step_counter)) == 0
    assert int(value(model.d_optimizer.iterations)) == 0
    np.testing.assert_allclose(value(gen.kernel)[0], [1.1, 1.1], rtol=5e-3)
    assert float(value(model.g_optimizer.dynamic_scale)) == INITIAL_SCALE
    assert int(value(model.g_optimizer.iterations)) == 1
    logs = model.get_metrics_result()
    assert np.isfinite(float(ops.convert_to_numpy(logs["g_loss"])))


def test_scale_is_saved_and_restored(tmp_path):
    model = float16_toy()
    model.fit(np.zeros((4, 1, 1, 2), "float32"), batch_size=4, verbose=0)
    model.d_optimizer.dynamic_scale.assign(512.0)
    path = str(tmp_path / "toy.keras")
    model.save(path)
    with dtype_policy("mixed_float16"):
        loaded = keras.saving.load_model(path, custom_objects={"LinearToy": LinearToy})
    assert isinstance(loaded.d_optimizer, keras.optimizers.LossScaleOptimizer)
    assert float(value(loaded.d_optimizer.dynamic_scale)) == 512.0
    assert int(value(loaded.g_optimizer.step_counter)) == 1
