"""PyTorch engine: `torch.autograd.grad` per phase.

`autograd.grad` computes gradients for the phase's variables only, so the
other player's `.grad` fields are never touched or accumulated. Under a
`torch.distributed` process group (`torchrun`), gradients, moving
statistics and logs are averaged over the ranks
(`ganzoo.backend.torch_distributed`).
"""

import contextlib

import torch

from ganzoo.backend import torch_distributed
from ganzoo.backend.common import run_step


def _update(phase, batch):
    variables = list(phase.variables)
    loss, logs = phase.loss(batch)
    scaled = phase.optimizer.scale_loss(loss)
    grads = torch.autograd.grad(scaled, [v.value for v in variables])
    grads = torch_distributed.average(grads)
    with torch.no_grad():
        phase.optimizer.apply(list(grads), variables)
    # Logs are reported, never differentiated: free their graphs now.
    return loss.detach(), {name: value.detach() for name, value in logs.items()}


def keep_state_on_error(model):
    # Variables keep their values when a step fails on this backend.
    return contextlib.nullcontext()


def replica_id():
    # Each rank of a process group draws its own noise; 0 without one.
    return torch_distributed.world()[0]


def process_shard():
    return torch_distributed.world()


def join_launched_processes():
    return torch_distributed.join_from_environment()


def shard_batch(x):
    return x  # each replica or rank draws its own share


def processes():
    return process_shard()


def fit_batch_size(batch_size):
    return batch_size  # each process's share


def is_chief():
    return process_shard()[0] == 0


def distribution_scope(model):
    return contextlib.nullcontext()  # agree() needs no scope here


def agree(value):
    return torch_distributed.agree(value)


def start_fit(model, data):
    torch_distributed.check_sharded(data)
    torch_distributed.broadcast_variables(
        list(model.variables) + list(model.optimizer.variables)
    )


def on_this_process():
    return contextlib.nullcontext()  # every process computes on its own


def predict(model, inputs, batch_size):
    return model.predict(inputs, batch_size=batch_size, verbose=0)


def train_step(model, data):
    logs = run_step(model, data, _update)
    torch_distributed.average_states(model.non_trainable_variables)
    return torch_distributed.average_logs(logs)


def input_gradients(fn, x):
    if not x.requires_grad:
        x = x.detach().requires_grad_(True)
    y = fn(x).sum()
    (grad,) = torch.autograd.grad(y, x, create_graph=True)
    return grad


def with_input_gradient(fn, input_gradient):
    return fn  # the framework's own derivative is fast
