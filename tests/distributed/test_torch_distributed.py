"""`fit()` under `torchrun`: two gloo processes on 127.0.0.1.

Each test launches `torch_worker.py` with `torchrun --standalone` (which
picks a free port on the loopback interface), then checks its records
against one process that computes the same steps without
`torch.distributed` (`tests/distributed/reference.py`).
"""

import json
import os

import keras
import numpy as np
import pytest

from tests.distributed.launch import python
from tests.distributed.launch import run_bounded
from tests.distributed.records import load_variables as load
from tests.distributed.reference import check_ranks_follow_reference

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


@pytest.mark.parametrize("family", ["dcgan", "wgangp"])
def test_two_ranks_train_as_one_process_on_the_whole_batch(tmp_path, family):
    launch(tmp_path, family)

    built = [load(tmp_path / f"rank{r}_built.npz") for r in range(WORLD)]
    assert any(not np.array_equal(a, b) for a, b in zip(*built, strict=True)), (
        "the ranks should be built with different weights"
    )
    start = [load(tmp_path / f"rank{r}_start.npz") for r in range(WORLD)]
    for a, b, rank0 in zip(*start, built[0], strict=True):
        np.testing.assert_array_equal(a, b)  # rank 1 starts from rank 0's
        np.testing.assert_array_equal(a, rank0)

    check_ranks_follow_reference(tmp_path, family, WORLD, BATCH)

    noise = [np.load(tmp_path / f"rank{r}_noise.npy") for r in range(WORLD)]
    assert not np.allclose(noise[0], noise[1])

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
