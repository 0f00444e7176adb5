"""The declaration a model gives the engine for one adversarial update."""

import dataclasses
from typing import Any
from typing import Callable
from typing import Optional
from typing import Sequence

from ganzoo import validation


@dataclasses.dataclass(frozen=True)
class Phase:
    """One update of one player inside a training step.

    A model's `phases()` returns these in the order they run. The engine for
    the active backend differentiates `loss` with respect to `variables` only
    and applies the gradients with `optimizer`, so the other player's weights
    and optimizer state never move during this phase.

    Args:
        name: Short name, e.g. `"discriminator"`.
        loss: Callable taking the unpacked batch and returning
            `(scalar_loss, logs)`, where `logs` maps names from `log_names`
            to scalars. Written in `keras.ops` only.
        variables: The trainable variables this phase updates.
        optimizer: The `keras.optimizers.Optimizer` that updates them.
        log_names: The keys `loss` may put in its logs. Each is averaged over
            the epoch and reported by `fit()`. `"loss"` itself is kept for
            the sum of every phase's loss in the step, which `fit()` logs
            too (so `keras.callbacks.TerminateOnNaN` sees a NaN of any
            player).
        repeat: How many times the phase runs per training step (WGAN's
            critic runs 5 times per generator update).
        after_update: Optional callable with no arguments run after every
            update of this phase, e.g. weight clipping or an EMA of the
            weights. It changes variables with `variable.assign(...)` only.
    """

    name: str
    loss: Callable[[Any], Any]
    variables: Sequence[Any]
    optimizer: Any
    log_names: Sequence[str]
    repeat: int = 1
    after_update: Optional[Callable[[], None]] = None

    def __post_init__(self):
        try:
            validation.check_positive_int(self.repeat, "repeat")
        except (TypeError, ValueError) as error:
            raise type(error)(f"Phase '{self.name}': {error}") from None
        if not self.variables:
            raise ValueError(
                f"Phase '{self.name}' has no trainable variables to update. "
                "Is the network it trains frozen (`trainable = False`)?"
            )
