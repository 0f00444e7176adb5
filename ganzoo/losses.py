"""Adversarial losses as plain functions of discriminator logits.

Each family is a pair: a discriminator (or critic) loss of the logits on
real and on generated images, and a generator loss of the logits on
generated images. `get(name)` resolves a family by name, like
`keras.losses.get`.

Example:

```python
loss = ganzoo.losses.get("hinge")
d_loss = loss.discriminator(real_logits, fake_logits)
g_loss = loss.generator(fake_logits)
```
"""

import difflib
from typing import Callable
from typing import NamedTuple

from keras import ops


class AdversarialLoss(NamedTuple):
    """A discriminator loss and the generator loss that goes with it."""

    name: str
    discriminator: Callable
    generator: Callable


def bce_discriminator_loss(real_logits, fake_logits):
    """Binary cross-entropy: real labelled 1, generated labelled 0."""
    return ops.mean(ops.softplus(-real_logits)) + ops.mean(ops.softplus(fake_logits))


def non_saturating_generator_loss(fake_logits):
    """`-log D(G(z))` (Goodfellow et al. 2014, the practical variant)."""
    return ops.mean(ops.softplus(-fake_logits))


def minimax_generator_loss(fake_logits):
    """`log(1 - D(G(z)))`, the original minimax objective; saturates early."""
    return -ops.mean(ops.softplus(fake_logits))


def least_squares_discriminator_loss(real_logits, fake_logits, a=0.0, b=1.0):
    """LSGAN (Mao et al. 2017): push real outputs to `b`, fake ones to `a`."""
    return 0.5 * ops.mean(ops.square(real_logits - b)) + 0.5 * ops.mean(
        ops.square(fake_logits - a)
    )


def least_squares_generator_loss(fake_logits, c=1.0):
    """LSGAN generator: push the discriminator's output on fakes to `c`."""
    return 0.5 * ops.mean(ops.square(fake_logits - c))


def wasserstein_critic_loss(real_logits, fake_logits):
    """WGAN (Arjovsky et al. 2017): `E[f(fake)] - E[f(real)]`."""
    return ops.mean(fake_logits) - ops.mean(real_logits)


def wasserstein_generator_loss(fake_logits):
    """WGAN and hinge generator loss: `-E[f(fake)]`."""
    return -ops.mean(fake_logits)


def hinge_discriminator_loss(real_logits, fake_logits):
    """Hinge loss (Lim & Ye 2017; Miyato et al. 2018)."""
    return ops.mean(ops.relu(1.0 - real_logits)) + ops.mean(ops.relu(1.0 + fake_logits))


_LOSSES = {
    "non_saturating": AdversarialLoss(
        "non_saturating", bce_discriminator_loss, non_saturating_generator_loss
    ),
    "minimax": AdversarialLoss(
        "minimax", bce_discriminator_loss, minimax_generator_loss
    ),
    "least_squares": AdversarialLoss(
        "least_squares",
        least_squares_discriminator_loss,
        least_squares_generator_loss,
    ),
    "wasserstein": AdversarialLoss(
        "wasserstein", wasserstein_critic_loss, wasserstein_generator_loss
    ),
    "hinge": AdversarialLoss(
        "hinge", hinge_discriminator_loss, wasserstein_generator_loss
    ),
}


def names():
    """The names `get` accepts."""
    return sorted(_LOSSES)


def get(identifier):
    """Resolves an adversarial loss by name.

    Args:
        identifier: A name from `names()`, or an `AdversarialLoss`.

    Returns:
        An `AdversarialLoss`.

    Raises:
        TypeError: `identifier` is neither a string nor an `AdversarialLoss`.
        ValueError: `identifier` is not a known name.
    """
    if isinstance(identifier, AdversarialLoss):
        return identifier
    if not isinstance(identifier, str):
        raise TypeError(
            "`loss` must be a name from `ganzoo.losses.names()` or an "
            f"`AdversarialLoss`. Received: loss={identifier!r} of type "
            f"{type(identifier).__name__}"
        )
    if isinstance(identifier, str) and identifier in _LOSSES:
        return _LOSSES[identifier]
    close = difflib.get_close_matches(str(identifier), names(), n=1)
    hint = f" Did you mean '{close[0]}'?" if close else ""
    raise ValueError(
        f"Unknown adversarial loss: `loss` must be one of {names()}.{hint} "
        f"Received: loss={identifier!r}"
    )
