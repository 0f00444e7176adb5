"""The players' optimizers: resolution, loss scaling, one optimizer for Keras."""

import keras


class PlayersOptimizer(keras.optimizers.MultiOptimizer):
    """Every player's optimizer behind the one `model.optimizer` Keras expects.

    Keras's trainers (JAX's state threading in particular), checkpoints and
    saving see `model.optimizer.variables`; this `MultiOptimizer` routes each
    variable to its player's optimizer and, under `mixed_float16`, also lists
    the state of each player's `LossScaleOptimizer` (its dynamic scale and
    step counter), which `MultiOptimizer` itself cannot hold.

    Args:
        optimizer_map: `keras.optimizers.OptimizerMap` from variable paths to
            the players' (unwrapped) optimizers.
        loss_scalers: The players' `LossScaleOptimizer`s, if any.
    """

    def __init__(self, optimizer_map, loss_scalers=()):
        super().__init__(optimizer_map)
        self._loss_scalers = tuple(loss_scalers)

    @property
    def variables(self):
        scaler_state = [v for scaler in self._loss_scalers for v in scaler._variables]
        return super().variables + scaler_state


def with_loss_scaling(optimizer):
    """`optimizer` wrapped in a `LossScaleOptimizer` (unless it is one)."""
    if isinstance(optimizer, keras.optimizers.LossScaleOptimizer):
        return optimizer
    return keras.optimizers.LossScaleOptimizer(
        optimizer, name=f"{optimizer.name}_loss_scale"
    )


def unwrapped(optimizer):
    """The optimizer that updates the weights (inside any loss scaling)."""
    if isinstance(optimizer, keras.optimizers.LossScaleOptimizer):
        return optimizer.inner_optimizer
    return optimizer


def resolve_optimizer(value, name, default):
    """An optimizer from what `compile` received for `name`.

    Args:
        value: A `keras.optimizers.Optimizer`, a Keras optimizer name, its
            config dict, or `None`.
        name: The `compile` argument, for error messages.
        default: `default(name)` returns the paper's optimizer.
    """
    if value is None:
        return default(name)
    if isinstance(value, keras.optimizers.Optimizer):
        return value
    if isinstance(value, (str, dict)):
        try:
            return keras.optimizers.get(value)
        except ValueError as error:
            raise ValueError(
                f"Unknown optimizer for `{name}`. Expected a "
                "keras.optimizers.Optimizer, the name of a Keras optimizer "
                f"(e.g. 'adam') or its config dict. Received: {name}={value!r}"
            ) from error
    raise TypeError(
        f"`{name}` must be a keras.optimizers.Optimizer, a name, a config "
        f"dict or None. Received: {name}={value!r}"
    )
