"""The backend-independent half of a training step."""


def run_step(model, data, update):
    """Runs every phase of `model` once (or `repeat` times) on one batch.

    Args:
        model: A `ganzoo.models.BaseGAN`.
        data: The batch as Keras's trainer hands it over.
        update: The backend's `update(phase, batch) -> logs`, which computes
            the phase's loss and gradients and applies its optimizer.

    Returns:
        The model's logs: each tracked value averaged over the epoch so far.
    """
    batch = model.unpack_batch(data)
    trackers = model.log_trackers
    for phase in model.training_phases():
        for _ in range(phase.repeat):
            logs = update(phase, batch)
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
    model.optimizer.iterations.assign_add(1)
    return {name: tracker.result() for name, tracker in trackers.items()}
