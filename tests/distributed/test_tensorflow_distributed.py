"""`fit()` under `tf.distribute.MultiWorkerMirroredStrategy`: two workers.

Each test starts two `tf_worker.py` processes that join over gRPC on free
loopback ports, then checks their records against one process that
computes the same steps without `tf.distribute`
(`tests/distributed/reference.py`).
"""

import json
import os

import keras
import numpy as np
import pytest

from tests.distributed.launch import free_ports
from tests.distributed.launch import python
from tests.distributed.launch import run_together
from tests.distributed.records import load_variables as load
from tests.distributed.reference import check_ranks_follow_reference

pytestmark = [
    pytest.mark.distributed,
    pytest.mark.skipif(
        keras.backend.backend() != "tensorflow",
        reason="runs TensorFlow's multi-worker strategy",
    ),
]

WORLD = 2
BATCH = 4  # per worker


@pytest.mark.parametrize("family", ["dcgan", "wgangp"])
def test_two_workers_train_as_one_process_on_the_whole_batch(tmp_path, family):
    ports = [str(p) for p in free_ports(WORLD)]
    command = [python(), "tests/distributed/tf_worker.py", str(tmp_path), family]
    run_together(
        [command + [str(index), *ports] for index in range(WORLD)], [{}] * WORLD
    )

    built = [load(tmp_path / f"rank{r}_built.npz") for r in range(WORLD)]
    start = [load(tmp_path / f"rank{r}_start.npz") for r in range(WORLD)]
    # The strategy gives every worker the chief's initial values.
    for a, b, rank0 in zip(*start, built[0], strict=True):
        np.testing.assert_array_equal(a, b)
        np.testing.assert_array_equal(a, rank0)

    check_ranks_follow_reference(tmp_path, family, WORLD, BATCH)

    noise = [np.load(tmp_path / f"rank{r}_noise.npy") for r in range(WORLD)]
    assert not np.allclose(noise[0], noise[1])
    agreed = [
        json.loads((tmp_path / f"rank{r}_agreed.json").read_text())
        for r in range(WORLD)
    ]
    assert agreed == [100, 100]  # the chief's value


def tf_config(workers, index):
    """The environment of worker `index` of `workers` (their addresses)."""
    task = {"type": "worker", "index": index}
    return {"TF_CONFIG": json.dumps({"cluster": {"worker": workers}, "task": task})}


def test_the_guides_tf_config_commands_run(tmp_path):
    workers = [f"127.0.0.1:{p}" for p in free_ports(WORLD)]

    command = [python(), "examples/distributed_dcgan.py", "--quick", "--out"]
    run_together(
        [command + [str(tmp_path)]] * WORLD,
        [dict(tf_config(workers, i), KERAS_BACKEND="tensorflow") for i in range(WORLD)],
    )
    assert os.listdir(tmp_path / "grids") == ["epoch_0001.png"]
    assert (tmp_path / "preset" / "model.weights.h5").exists()


def test_ganzoo_train_runs_with_tf_config(tmp_path):
    out = tmp_path / "preset"
    workers = [f"127.0.0.1:{p}" for p in free_ports(WORLD)]
    command = [python(), "-m", "ganzoo.cli", "train", "dcgan", "--dataset"]
    command += ["mnist_5k", "--epochs", "1", "--batch-size", "500"]
    command += ["--latent-dim", "4", "--filters", "4", "--out", str(out)]
    run_together(
        [command] * WORLD,
        [dict(tf_config(workers, i), KERAS_BACKEND="tensorflow") for i in range(WORLD)],
    )
    metadata = json.loads((out / "metadata.json").read_text())
    assert metadata["training_steps"] == 4  # 4,000 digits, 2 x 500 a step
    assert not (tmp_path / "preset_checkpoint").exists()
    assert os.listdir(tmp_path / "preset_samples") == ["epoch_0001.png"]
