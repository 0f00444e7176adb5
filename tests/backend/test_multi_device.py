"""Multi-device training on this machine's CPU split into two devices.

TensorFlow: `tf.distribute.MirroredStrategy` over two logical CPUs. JAX:
`keras.distribution.DataParallel` over two host devices (XLA's
`--xla_force_host_platform_device_count`). Each check runs in a fresh
process, since devices must be split before the framework starts. PyTorch
trains one process per device instead (`tests/distributed/`).
"""

import keras
import pytest

from tests.testing import run_in_backend

BACKEND = keras.backend.backend()

pytestmark = pytest.mark.skipif(
    BACKEND == "torch", reason="PyTorch: one process per device, in tests/distributed"
)

# Starts two devices and defines `distributed()`: the context in which
# models are made for the distributed run.
_TWO_DEVICES = {
    "tensorflow": """
import contextlib, json, os, sys
import tensorflow as tf
cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(
    cpu, [tf.config.LogicalDeviceConfiguration()] * 2
)
import keras, numpy as np
strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
assert strategy.num_replicas_in_sync == 2

def distributed():
    return strategy.scope()
""",
    "jax": """
import contextlib, json, os, sys
os.environ["XLA_FLAGS"] = "--xla_force_host_platform_device_count=2"
import jax
import keras, numpy as np
assert len(jax.devices()) == 2

@contextlib.contextmanager
def distributed():
    keras.distribution.set_distribution(
        keras.distribution.DataParallel(devices=jax.devices())
    )
    try:
        yield
    finally:
        keras.distribution.set_distribution(None)
""",
}

_LINEAR_TOY = """
from tests.backend.test_engine import linear_reference
from tests.backend.toys import LinearToy
real = np.random.default_rng(0).normal(size=(16, 1, 1, 2)).astype("float32")
with distributed():
    model = LinearToy(repeat=2)
    model.compile()
model.fit(real, batch_size=8, epochs=1, shuffle=False, verbose=0)
w, c, a, b, ema = linear_reference([real[:8, 0, 0], real[8:, 0, 0]], 2, None)
critic = model.discriminator.get_layer("w").kernel
generator = model.generator.get_layer("ab")
got = [keras.ops.convert_to_numpy(v.value).ravel().tolist()
       for v in (critic, generator.kernel, generator.bias)]
print(json.dumps({"got": got, "expected": [w.tolist(), a.tolist(), b.tolist()]}))
"""


def test_gradients_are_those_of_the_whole_batch():
    """Each replica's loss covers half the batch; the update must not double."""
    result = run_in_backend(BACKEND, _TWO_DEVICES[BACKEND] + _LINEAR_TOY, fresh=True)
    for got, expected in zip(result["got"], result["expected"], strict=True):
        assert got == pytest.approx(expected, rel=1e-5)


_NOISE = """
import ganzoo
with distributed():
    model = ganzoo.DCGAN(image_shape=(8, 8, 1), latent_dim=4, filters=4, seed=1)
if keras.backend.backend() == "tensorflow":
    @tf.function
    def draw():
        return strategy.run(lambda: model.draw_latent(3))
    first, second = (r.numpy() for r in strategy.experimental_local_results(draw()))
else:  # one global batch of noise, sharded over the devices
    noise = jax.jit(lambda: model.draw_latent(6))()
    first, second = np.asarray(noise[:3]), np.asarray(noise[3:])
print(json.dumps({"different": bool(np.abs(first - second).min() > 0)}))
"""


def test_each_replica_draws_its_own_noise():
    result = run_in_backend(BACKEND, _TWO_DEVICES[BACKEND] + _NOISE, fresh=True)
    assert result["different"]


_SPLIT_DRAWS = """
import ganzoo
with distributed():
    dcgan = ganzoo.DCGAN(image_shape=(8, 8, 1), latent_dim=4, filters=4, seed=1)
    acgan = ganzoo.ACGAN(
        image_shape=(8, 8, 1), latent_dim=4, filters=4, num_classes=3, seed=1
    )
    draws = {
        "noise": jax.jit(lambda: dcgan.draw_latent(6))(),
        "labels": jax.jit(lambda: acgan.draw_labels(6))(),
    }
print(json.dumps({
    name: [shard.data.shape[0] for shard in draw.addressable_shards]
    for name, draw in draws.items()
}))
"""


@pytest.mark.skipif(BACKEND != "jax", reason="JAX's global batch draws")
def test_draws_in_the_step_are_split_between_the_devices():
    """Else every device would generate the whole global batch."""
    result = run_in_backend(BACKEND, _TWO_DEVICES[BACKEND] + _SPLIT_DRAWS, fresh=True)
    assert result == {"noise": [3, 3], "labels": [3, 3]}


_SAME_MODELS = """
import ganzoo
images = np.random.default_rng(0).uniform(-1, 1, (32, 8, 8, 1)).astype("float32")
labels = np.arange(32) % 3
runs = {
    "DCGAN": (dict(latent_dim=4, filters=4), (images,)),
    "WGANGP": (dict(latent_dim=4, filters=4), (images,)),
    "ACGAN": (dict(latent_dim=4, filters=4, num_classes=3), (images, labels)),
}
report = {}
for name, (init, data) in runs.items():
    with distributed():
        model = getattr(ganzoo, name)(image_shape=(8, 8, 1), seed=1, **init)
        model.compile()
    before = [np.array(w) for w in model.get_weights()]
    history = model.fit(*data, batch_size=16, epochs=2, verbose=0)
    moved = any(
        not np.array_equal(b, np.array(a))
        for b, a in zip(before, model.get_weights())
    )
    finite = all(np.isfinite(v[-1]) for v in history.history.values())
    report[name] = moved and finite and np.isfinite(model.generate(2, seed=0)).all()
print(json.dumps({k: bool(v) for k, v in report.items()}))
"""


def test_families_train_unchanged():
    result = run_in_backend(BACKEND, _TWO_DEVICES[BACKEND] + _SAME_MODELS, fresh=True)
    assert result == {"DCGAN": True, "WGANGP": True, "ACGAN": True}
