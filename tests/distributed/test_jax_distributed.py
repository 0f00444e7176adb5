"""`fit()` over two JAX processes on 127.0.0.1 (`keras.distribution`).

Each test starts two `jax_worker.py` processes that join on a free
loopback port and train with `DataParallel` over both processes' devices
(JAX's CPU collectives over gloo), then checks their records against this
process training the same model on the concatenated batches: a global
batch is one SPMD program, so its BatchNorm statistics and noise are those
of the whole batch.
"""

import os

import keras
import numpy as np
import pytest

from tests.distributed.launch import free_ports
from tests.distributed.launch import python
from tests.distributed.launch import run_together
from tests.distributed.records import RecordSteps
from tests.distributed.records import load_variables as load
from tests.distributed.tiny import build
from tests.distributed.tiny import training_images

pytestmark = [
    pytest.mark.distributed,
    pytest.mark.skipif(
        keras.backend.backend() != "jax", reason="runs JAX's multi-process fit"
    ),
]

WORLD = 2
BATCH = 4  # per process


def launch(out, family):
    (port,) = free_ports(1)
    command = [python(), "tests/distributed/jax_worker.py", str(out), family]
    run_together(
        [command + [str(rank), str(port)] for rank in range(WORLD)], [{}] * WORLD
    )


@pytest.mark.parametrize("family", ["dcgan", "wgangp"])
def test_two_processes_train_as_one_on_the_whole_batch(tmp_path, family):
    launch(tmp_path, family)

    keras.utils.set_random_seed(100)  # as every worker does
    model = build(family)
    model.compile()
    reference = tmp_path / "reference"
    reference.mkdir()
    model.fit(
        training_images(),
        batch_size=BATCH * WORLD,
        epochs=1,
        verbose=0,
        callbacks=[RecordSteps(reference, 0)],
    )
    num_steps = len(training_images()) // (BATCH * WORLD)
    for step in range(num_steps):
        ranks = [load(tmp_path / f"rank{r}_step{step}.npz") for r in range(WORLD)]
        expected = load(reference / f"rank0_step{step}.npz")
        for a, b, want in zip(*ranks, expected, strict=True):
            np.testing.assert_array_equal(a, b)
            np.testing.assert_allclose(a, want, atol=1e-5, rtol=0)

    assert len(os.listdir(tmp_path / "grid_rank0")) == 1
    assert not (tmp_path / "grid_rank1").exists()
    assert (tmp_path / "preset_rank0" / "config.json").exists()
    assert not (tmp_path / "preset_rank1").exists()


def test_the_guides_commands_run(tmp_path):
    (port,) = free_ports(1)
    command = [python(), "examples/distributed_dcgan.py", "--quick", "--out"]
    command += [str(tmp_path), "--coordinator", f"127.0.0.1:{port}"]
    command += ["--num-processes", str(WORLD), "--process-id"]
    run_together(
        [command + [str(rank)] for rank in range(WORLD)],
        [{"KERAS_BACKEND": "jax"}] * WORLD,
    )
    assert os.listdir(tmp_path / "grids") == ["epoch_0001.png"]
    assert (tmp_path / "preset" / "model.weights.h5").exists()
