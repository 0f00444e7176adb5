"""Data-parallel training over a `torch.distributed` process group.

When a process group is initialised (by `torchrun`, or by the user's own
`torch.distributed.init_process_group`), every rank runs the same `fit()`:
the engine averages each phase's gradients across ranks before its
optimizer applies them (as `DistributedDataParallel` does), so the ranks'
weights stay equal; the logs of each step are averaged too. BatchNorm
normalises each rank's batch with that rank's statistics, as DDP does, and
the moving statistics are averaged over the ranks after every step, so
they stay equal too.
Any backend that `torch.distributed` offers works (gloo on CPUs, NCCL on
GPUs): tensors travel on the device they live on.
"""

import os

import torch
import torch.distributed as dist


def world():
    """`(rank, world_size)` of this process; `(0, 1)` without a group."""
    if dist.is_available() and dist.is_initialized():
        return dist.get_rank(), dist.get_world_size()
    return 0, 1


def join_from_environment():
    """Joins the process group `torchrun` describes, if any and not yet joined.

    `torchrun` (and other launchers that follow its convention) sets
    `RANK`, `WORLD_SIZE`, `MASTER_ADDR` and `MASTER_PORT`; with more than
    one process, this initialises the group with NCCL where CUDA is
    available and gloo otherwise. Returns `(rank, world_size)`.
    """
    size = int(os.environ.get("WORLD_SIZE", "1"))
    launched = size > 1 and "MASTER_ADDR" in os.environ and "RANK" in os.environ
    if launched and dist.is_available() and not dist.is_initialized():
        dist.init_process_group("nccl" if torch.cuda.is_available() else "gloo")
    return world()


def is_distributed():
    return world()[1] > 1


def average(tensors):
    """The mean of each tensor over the ranks (one collective for all)."""
    tensors = list(tensors)
    if not is_distributed() or not tensors:
        return tensors
    flat = torch.cat([t.reshape(-1).to(torch.float32) for t in tensors])
    dist.all_reduce(flat)
    flat /= dist.get_world_size()
    out, start = [], 0
    for t in tensors:
        size = t.numel()
        out.append(flat[start : start + size].view(t.shape).to(t.dtype))
        start += size
    return out


def average_logs(logs):
    """`logs` (name -> scalar tensor) averaged over the ranks."""
    if not is_distributed():
        return logs
    names = sorted(logs)
    values = average([torch.as_tensor(logs[n]).reshape(()) for n in names])
    return dict(zip(names, values, strict=True))


def average_states(variables):
    """Replaces each floating-point variable by its mean over the ranks."""
    if not is_distributed():
        return
    floats = [v for v in variables if v.value.is_floating_point()]
    with torch.no_grad():
        for variable, value in zip(
            floats, average([v.value for v in floats]), strict=True
        ):
            variable.assign(value)


def broadcast_variables(variables):
    """Gives every rank rank 0's values of `variables` (Keras variables)."""
    if not is_distributed():
        return
    with torch.no_grad():
        for variable in variables:
            value = variable.value.detach().clone()
            dist.broadcast(value, src=0)
            variable.assign(value)


def agree(value):
    """Rank 0's `value` (any picklable object), on every rank."""
    if not is_distributed():
        return value
    box = [value]
    dist.broadcast_object_list(box, src=0)
    return box[0]


def check_sharded(data):
    """Refuses a map-style torch `DataLoader` that every rank reads whole."""
    if not is_distributed() or not isinstance(data, torch.utils.data.DataLoader):
        return
    if isinstance(data.dataset, torch.utils.data.IterableDataset):
        return  # an iterable dataset shards itself, if at all
    sampler = getattr(data.batch_sampler, "sampler", data.sampler)
    if not isinstance(sampler, torch.utils.data.distributed.DistributedSampler):
        rank, size = world()
        raise ValueError(
            f"This process is rank {rank} of {size}, and `x` is a torch "
            "DataLoader without a `DistributedSampler`, so every rank would "
            "train on the same batches. Build it with "
            "`sampler=torch.utils.data.distributed.DistributedSampler(dataset)` "
            "(and call `sampler.set_epoch(epoch)` each epoch for new orders), "
            "or pass arrays, which ganzoo splits between the ranks. "
            f"Received: sampler={type(sampler).__name__}"
        )
