"""The engine's contract, proven on tiny models with known answers."""

import os

import keras
import numpy as np
import pytest
from keras import ops

from ganzoo import backend
from ganzoo.models import Phase
from tests.backend.toys import LinearToy
from tests.backend.toys import PenaltyToy
from tests.backend.toys import ThreePlayerToy
from tests.testing import BACKENDS
from tests.testing import run_in_backend


def value(variable):
    return np.array(ops.convert_to_numpy(variable.value))


def linear_reference(batches, repeat, clip, lr=0.1, decay=0.9):
    """What LinearToy's weights must be after one step per batch."""
    w, c = np.ones(2), 0.0
    a, b, ema = np.ones(2), np.zeros(2), np.zeros(2)
    for real in batches:
        for _ in range(repeat):
            fake = a + b
            w = w - lr * (fake - real.mean(axis=0))  # d/dw; d/dc is 0
            if clip:
                w, c = np.clip(w, -clip, clip), float(np.clip(c, -clip, clip))
        a, b = a + lr * w, b + lr * w  # d(-critic(fake))/da = -w
        ema = decay * ema + (1 - decay) * b
    return w, c, a, b, ema


@pytest.mark.parametrize("repeat, clip", [(1, None), (3, 0.5)])
def test_phases_run_in_order_with_repeats_and_hooks(repeat, clip):
    rng = np.random.default_rng(0)
    real = rng.normal(size=(8, 1, 1, 2)).astype("float32")
    model = LinearToy(repeat=repeat, clip=clip)
    model.compile()
    model.fit(real, batch_size=4, epochs=1, shuffle=False, verbose=0)

    w, c, a, b, ema = linear_reference([real[:4, 0, 0], real[4:, 0, 0]], repeat, clip)
    critic = model.discriminator.get_layer("w")
    gen = model.generator.get_layer("ab")
    np.testing.assert_allclose(value(critic.kernel)[:, 0], w, rtol=1e-5)
    np.testing.assert_allclose(value(critic.bias), [c], atol=1e-7)
    np.testing.assert_allclose(value(gen.kernel)[0], a, rtol=1e-5)
    np.testing.assert_allclose(value(gen.bias), b, rtol=1e-5)
    np.testing.assert_allclose(value(model.ema_bias), ema, rtol=1e-5)
    assert int(value(model.d_optimizer.iterations)) == 2 * repeat
    assert int(value(model.g_optimizer.iterations)) == 2
    if clip:
        assert np.all(np.abs(value(critic.kernel)) <= clip)


def test_input_gradients_eager():
    critic = PenaltyToy().critic
    critic.w.assign([1.0, 2.0, 3.0])
    x = np.array([[1.0, -1.0, 0.5], [0.0, 2.0, 1.0]], "float32")
    grads = backend.input_gradients(critic, ops.convert_to_tensor(x))
    np.testing.assert_allclose(
        ops.convert_to_numpy(grads), 2 * np.array([1.0, 2.0, 3.0]) * x, rtol=1e-6
    )


def test_gradient_penalty_is_differentiated_again():
    rng = np.random.default_rng(1)
    real = rng.normal(size=(6, 1, 1, 3)).astype("float32")
    model = PenaltyToy()
    model.compile()
    model.fit(real, batch_size=6, epochs=1, verbose=0)
    x = real.reshape(6, 3)
    w = np.ones(3)
    expected = w - 0.01 * 8 * w * np.mean(x**2, axis=0)
    np.testing.assert_allclose(value(model.critic.w), expected, rtol=1e-5)


_THREE_PLAYERS = """
import json, sys
import numpy as np
from keras import ops
sys.path.insert(0, sys.argv[1])
from tests.backend.toys import ThreePlayerToy
real = np.linspace(-1, 1, 32, dtype="float32").reshape(8, 2, 2, 1) ** 3
model = ThreePlayerToy(seed=0)
model.compile()
model.fit(real, batch_size=4, epochs=2, shuffle=False, verbose=0)
values = {v.path: ops.convert_to_numpy(v.value).tolist()
          for v in model.variables + model.optimizer.variables}
print(json.dumps(values))
"""


def run_three_players(backend_name):
    root = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))
    return run_in_backend(backend_name, _THREE_PLAYERS, root, fresh=True)


@pytest.mark.skipif(
    keras.backend.backend() != "tensorflow",
    reason="runs all three backends in subprocesses: once, in the TF suite",
)
def test_three_optimizers_batchnorm_state_agree_across_backends():
    """Same weights, BatchNorm statistics and Adam slots on every backend."""
    results = {name: run_three_players(name) for name in BACKENDS}
    reference = results["tensorflow"]
    moving = [p for p in reference if "moving" in p]
    assert len(moving) == 6  # mean and variance in each of three networks
    for name, values in results.items():
        assert values.keys() == reference.keys(), name
        for path in reference:
            np.testing.assert_allclose(
                values[path],
                reference[path],
                rtol=2e-4,
                atol=1e-6,
                err_msg=f"{name}: {path}",
            )


def test_three_optimizers_each_count_their_own_updates():
    model = ThreePlayerToy()
    model.compile()
    real = np.linspace(-1, 1, 32, dtype="float32").reshape(8, 2, 2, 1)
    stats = [v for v in model.non_trainable_variables if "moving" in v.path]
    before = [value(v) for v in stats]
    model.fit(real, batch_size=4, epochs=1, verbose=0)
    counts = [int(value(getattr(model, n).iterations)) for n in model.optimizer_names]
    assert counts == [2, 4, 2]
    after = [value(v) for v in stats]
    assert len(stats) == 6 and all(
        not np.array_equal(x, y) for x, y in zip(before, after, strict=True)
    )


def test_phase_validation():
    toy = LinearToy()
    with pytest.raises(ValueError, match="repeat"):
        Phase("critic", toy.d_loss, toy.trainable_variables, None, ("d",), repeat=0)
    with pytest.raises(ValueError, match="no trainable variables"):
        Phase("critic", toy.d_loss, [], None, ("d",))


def test_undeclared_log_is_an_error():
    class Sloppy(LinearToy):
        def g_loss(self, real):
            loss, _ = super().g_loss(real)
            return loss, {"g_loss": loss, "extra": loss}

    model = Sloppy()
    model.compile(run_eagerly=True)
    with pytest.raises(ValueError, match="extra"):
        model.fit(np.zeros((2, 1, 1, 2), "float32"), verbose=0)


def test_same_optimizer_for_two_players_is_refused():
    adam = keras.optimizers.Adam()
    with pytest.raises(ValueError, match="same optimizer instance"):
        LinearToy().compile(d_optimizer=adam, g_optimizer=adam)
