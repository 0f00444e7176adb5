"""`fit()` under `torchrun`: two gloo processes on 127.0.0.1.

Each test launches `torch_worker.py` with `torchrun --standalone` (which
picks a free port on the loopback interface), then checks its records
against one process that computes the same steps without
`torch.distributed`: each phase's gradient is the mean of the gradients of
the two ranks' halves of the global batch, each half with its rank's noise
and its own BatchNorm statistics, and the moving statistics are averaged
after each step.
"""

import contextlib
import json
import os

import keras
import numpy as np
import pytest

from tests.distributed.launch import python
from tests.distributed.launch import run_bounded
from tests.distributed.records import load_variables as load
from tests.distributed.tiny import build
from tests.distributed.tiny import training_images

pytestmark = [
    pytest.mark.distributed,
    pytest.mark.skipif(
        keras.backend.backend() != "torch", reason="torch.distributed is PyTorch's"
    ),
]

WORLD = 2
BATCH = 4  # per rank
TORCHRUN = [
    python(),
    "-m",
    "torch.distributed.run",
    "--standalone",
    f"--nproc-per-node={WORLD}",
]


def launch(out, family):
    run_bounded(
        TORCHRUN
        + [
            "tests/distributed/torch_worker.py",
            str(out),
            family,
        ],
        env={"KERAS_BACKEND": "torch", "OMP_NUM_THREADS": "1"},
    )


@contextlib.contextmanager
def as_rank(rank):
    """Draws noise as rank `rank` of a process group would."""
    from ganzoo import backend

    original = backend.replica_id
    backend.replica_id = lambda: rank
    try:
        yield
    finally:
        backend.replica_id = original


def reference_steps(model, num_steps):
    """Yields `model.variables` after each step, computed in one process."""
    import torch

    from ganzoo.models.full_batches import FullBatches

    batches = FullBatches(
        training_images(), None, BATCH * WORLD, seed=model.seed, shuffle=True
    )
    states = list(model.non_trainable_variables)

    def snapshot():
        return [v.value.detach().clone() for v in states]

    def restore(values):
        for v, value in zip(states, values, strict=True):
            v.assign(value)

    for step in range(num_steps):
        (images,) = batches[step]
        halves = np.split(images, WORLD)
        local = [snapshot() for _ in range(WORLD)]
        for phase in model.training_phases():
            for _ in range(phase.repeat):
                variables = list(phase.variables)
                total = None
                for rank in range(WORLD):
                    restore(local[rank])
                    with as_rank(rank):
                        batch = model.unpack_batch((torch.as_tensor(halves[rank]),))
                        loss, _ = phase.loss(batch)
                    grads = torch.autograd.grad(loss, [v.value for v in variables])
                    local[rank] = snapshot()
                    total = (
                        grads
                        if total is None
                        else [a + b for a, b in zip(total, grads, strict=True)]
                    )
                with torch.no_grad():
                    phase.optimizer.apply([g / WORLD for g in total], variables)
                for rank in range(WORLD):
                    restore(local[rank])
                    if phase.after_update is not None:
                        phase.after_update()
                    local[rank] = snapshot()
        averaged = []
        for values in zip(*local, strict=True):
            floating = values[0].is_floating_point()
            averaged.append(torch.stack(values).mean(0) if floating else values[0])
        restore(averaged)
        model.optimizer.iterations.assign_add(1)
        yield [keras.ops.convert_to_numpy(v.value) for v in model.variables]


@pytest.mark.parametrize("family", ["dcgan", "wgangp"])
def test_two_ranks_train_as_one_process_on_the_whole_batch(tmp_path, family):
    launch(tmp_path, family)
    num_steps = len(training_images()) // (BATCH * WORLD)

    built = [load(tmp_path / f"rank{r}_built.npz") for r in range(WORLD)]
    assert any(not np.array_equal(a, b) for a, b in zip(*built, strict=True)), (
        "the ranks should be built with different weights"
    )
    start = [load(tmp_path / f"rank{r}_start.npz") for r in range(WORLD)]
    for a, b, rank0 in zip(*start, built[0], strict=True):
        np.testing.assert_array_equal(a, b)  # rank 1 starts from rank 0's
        np.testing.assert_array_equal(a, rank0)

    model = build(family)
    model.compile()
    for v, value in zip(model.variables, start[0], strict=True):
        v.assign(value)
    reference = reference_steps(model, num_steps)
    for step, expected in enumerate(reference):
        ranks = [load(tmp_path / f"rank{r}_step{step}.npz") for r in range(WORLD)]
        for a, b in zip(*ranks, strict=True):
            np.testing.assert_array_equal(a, b)
        for got, want in zip(ranks[0], expected, strict=True):
            np.testing.assert_allclose(got, want, atol=1e-5, rtol=0)
        logs = [
            (tmp_path / f"rank{r}_logs{step}.json").read_text() for r in range(WORLD)
        ]
        assert logs[0] == logs[1]

    noise = [np.load(tmp_path / f"rank{r}_noise.npy") for r in range(WORLD)]
    assert not np.allclose(noise[0], noise[1])

    assert len(os.listdir(tmp_path / "grid_rank0")) == 1
    assert not (tmp_path / "grid_rank1").exists()
    assert (tmp_path / "preset_rank0" / "config.json").exists()
    assert not (tmp_path / "preset_rank1").exists()

    for rank in range(WORLD):
        error = (tmp_path / f"rank{rank}_loader_error.txt").read_text()
        assert f"rank {rank} of 2" in error and "DistributedSampler" in error


def test_the_guides_torchrun_command_runs(tmp_path):
    run_bounded(
        TORCHRUN
        + [
            "examples/distributed_dcgan.py",
            "--quick",
            "--out",
            str(tmp_path),
        ],
        env={"KERAS_BACKEND": "torch"},
    )
    assert os.listdir(tmp_path / "grids") == ["epoch_0001.png"]
    assert (tmp_path / "preset" / "model.weights.h5").exists()


def test_ganzoo_train_runs_under_torchrun(tmp_path):
    out = tmp_path / "preset"
    run_bounded(
        TORCHRUN
        + [
            "-m",
            "ganzoo.cli",
            "train",
            "dcgan",
            "--dataset",
            "mnist_5k",
            "--epochs",
            "1",
            "--batch-size",
            "500",
            "--latent-dim",
            "4",
            "--filters",
            "4",
            "--out",
            str(out),
        ],
        env={"KERAS_BACKEND": "torch"},
    )
    metadata = json.loads((out / "metadata.json").read_text())
    assert metadata["training_steps"] == 4  # 4,000 digits, 2 x 500 a step
    assert not (tmp_path / "preset_checkpoint").exists()
    assert os.listdir(tmp_path / "preset_samples") == ["epoch_0001.png"]
