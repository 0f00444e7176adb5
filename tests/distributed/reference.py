"""What a data-parallel run over several ranks computes, in one process.

Each phase's gradient is the mean of the gradients of the ranks' shares of
the global batch, each share with its rank's noise and its own BatchNorm
statistics, and the moving statistics are averaged after each step: the
steps of `torch.distributed` (PyTorch) and of `tf.distribute`'s mirrored
strategies (TensorFlow) under ganzoo's engines, computed here without
either, with the framework's own differentiation.
"""

import contextlib
import os

import keras
import numpy as np

from ganzoo.models.full_batches import FullBatches
from tests.distributed.records import load_variables as load
from tests.distributed.tiny import build
from tests.distributed.tiny import training_images


@contextlib.contextmanager
def as_rank(rank):
    """Draws noise as replica (rank) `rank` of a distributed run would."""
    from ganzoo import backend

    original = backend.replica_id
    backend.replica_id = lambda: rank
    try:
        yield
    finally:
        backend.replica_id = original


def gradients(loss_fn, variables):
    """`(loss_fn(), d loss / d variables)` with the active backend."""
    if keras.backend.backend() == "torch":
        import torch

        return torch.autograd.grad(loss_fn(), [v.value for v in variables])
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        with tf.GradientTape() as tape:
            loss = loss_fn()
        return tape.gradient(loss, [v.value for v in variables])
    raise NotImplementedError(keras.backend.backend())


def reference_steps(model, num_steps, world, batch):
    """Yields `model.variables` as arrays after each step of `world` ranks.

    `batch` is each rank's share of a step; the global batches are those
    that ganzoo's `FullBatches` cuts from `training_images()`.
    """
    batches = FullBatches(
        training_images(), None, batch * world, seed=model.seed, shuffle=True
    )
    states = list(model.non_trainable_variables)

    def snapshot():
        return [keras.ops.copy(v.value) for v in states]

    def restore(values):
        for v, value in zip(states, values, strict=True):
            v.assign(value)

    for step in range(num_steps):
        (images,) = batches[step]
        shares = np.split(images, world)
        local = [snapshot() for _ in range(world)]
        for phase in model.training_phases():
            for _ in range(phase.repeat):
                variables = list(phase.variables)
                total = None
                for rank in range(world):
                    restore(local[rank])
                    with as_rank(rank):
                        share = model.unpack_batch(
                            (keras.ops.convert_to_tensor(shares[rank]),)
                        )
                        grads = gradients(
                            lambda p=phase, s=share: p.loss(s)[0], variables
                        )
                    local[rank] = snapshot()
                    total = (
                        grads
                        if total is None
                        else [a + b for a, b in zip(total, grads, strict=True)]
                    )
                phase.optimizer.apply([g / world for g in total], variables)
                for rank in range(world):
                    restore(local[rank])
                    if phase.after_update is not None:
                        phase.after_update()
                    local[rank] = snapshot()
        averaged = []
        for values in zip(*local, strict=True):
            floating = keras.backend.is_float_dtype(
                keras.backend.standardize_dtype(values[0].dtype)
            )
            averaged.append(
                keras.ops.mean(keras.ops.stack(values), 0) if floating else values[0]
            )
        restore(averaged)
        model.optimizer.iterations.assign_add(1)
        yield [keras.ops.convert_to_numpy(v.value) for v in model.variables]


def check_ranks_follow_reference(out, family, world, batch):
    """Checks the records the ranks' workers wrote into `out`.

    After every step the ranks hold identical weights that equal, within
    1e-5, `reference_steps` from rank 0's weights at the start, and their
    logs agree; only rank 0 wrote a sample grid and a preset.
    """
    start = load(os.path.join(out, "rank0_start.npz"))
    model = build(family)
    model.compile()
    for v, value in zip(model.variables, start, strict=True):
        v.assign(value)
    num_steps = len(training_images()) // (batch * world)
    reference = reference_steps(model, num_steps, world, batch)
    for step, expected in enumerate(reference):
        ranks = [
            load(os.path.join(out, f"rank{r}_step{step}.npz")) for r in range(world)
        ]
        for first, *others in zip(*ranks, strict=True):
            for other in others:
                np.testing.assert_array_equal(other, first)
        for got, want in zip(ranks[0], expected, strict=True):
            np.testing.assert_allclose(got, want, atol=1e-5, rtol=0)
        logs = set()
        for r in range(world):
            with open(os.path.join(out, f"rank{r}_logs{step}.json")) as f:
                logs.add(f.read())
        assert len(logs) == 1, logs

    assert len(os.listdir(os.path.join(out, "grid_rank0"))) == 1
    assert os.path.exists(os.path.join(out, "preset_rank0", "config.json"))
    for r in range(1, world):
        assert not os.path.exists(os.path.join(out, f"grid_rank{r}"))
        assert not os.path.exists(os.path.join(out, f"preset_rank{r}"))
