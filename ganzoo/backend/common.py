"""What the engines and kernels share: the backend-independent half of a
training step, and TensorFlow's "same" padding rule."""

from keras import ops

#: The log entry holding the sum of every phase's loss in a step.
TOTAL_LOSS = "loss"


def run_step(model, data, update):
    """Runs every phase of `model` once (or `repeat` times) on one batch.

    Besides each phase's own logs, the step logs `loss`: the sum of the
    losses of every phase update in the step. It means little for a GAN on
    its own, but it is NaN as soon as any player's loss is, which is what
    Keras's `TerminateOnNaN` and other callbacks watching `loss` read.

    Args:
        model: A `ganzoo.models.BaseGAN`.
        data: The batch as Keras's trainer hands it over.
        update: The backend's `update(phase, batch) -> (loss, logs)`, which
            computes the phase's loss and gradients and applies its
            optimizer; `loss` is the unscaled loss, not differentiable.

    Returns:
        The model's logs: each tracked value averaged over the epoch so far.
    """
    batch = model.unpack_batch(data)
    trackers = model.log_trackers
    for name, value in model.batch_checks(data).items():
        trackers[name].update_state(value)
    total = 0.0
    for phase in model.training_phases():
        for _ in range(phase.repeat):
            loss, logs = update(phase, batch)
            total = total + ops.cast(loss, "float32")
            unknown = set(logs) - set(phase.log_names)
            if unknown:
                raise ValueError(
                    f"Phase '{phase.name}' returned logs {sorted(unknown)} "
                    f"that it does not declare in `log_names` "
                    f"({list(phase.log_names)})."
                )
            for name, value in logs.items():
                trackers[name].update_state(value)
            if phase.after_update is not None:
                phase.after_update()
    trackers[TOTAL_LOSS].update_state(total)
    model.optimizer.iterations.assign_add(1)
    return {name: tracker.result() for name, tracker in trackers.items()}


def same_padding(size, kernel, stride):
    """`(before, after)` of TensorFlow's "same" padding along one axis."""
    out = -(-size // stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2
