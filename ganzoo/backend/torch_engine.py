"""PyTorch engine: `torch.autograd.grad` per phase.

`autograd.grad` computes gradients for the phase's variables only, so the
other player's `.grad` fields are never touched or accumulated.
"""

import contextlib

import torch

from ganzoo.backend.common import run_step


def _update(phase, batch):
    variables = list(phase.variables)
    loss, logs = phase.loss(batch)
    scaled = phase.optimizer.scale_loss(loss)
    grads = torch.autograd.grad(scaled, [v.value for v in variables])
    with torch.no_grad():
        phase.optimizer.apply(list(grads), variables)
    # Logs are reported, never differentiated: free their graphs now.
    return loss.detach(), {name: value.detach() for name, value in logs.items()}


def keep_state_on_error(model):
    # Variables keep their values when a step fails on this backend.
    return contextlib.nullcontext()


def replica_id():
    return 0  # no per-replica code: one device, or one global SPMD program


def train_step(model, data):
    return run_step(model, data, _update)


def input_gradients(fn, x):
    if not x.requires_grad:
        x = x.detach().requires_grad_(True)
    y = fn(x).sum()
    (grad,) = torch.autograd.grad(y, x, create_graph=True)
    return grad
