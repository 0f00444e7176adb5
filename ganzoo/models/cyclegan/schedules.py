"""CycleGAN's learning rate: constant, then linearly down to zero."""

import keras
from keras import ops

from ganzoo import validation


@keras.saving.register_keras_serializable(package="ganzoo")
class ConstantThenLinearDecay(keras.optimizers.schedules.LearningRateSchedule):
    """Keeps the learning rate for `constant_steps`, then decays it to zero.

    `lr(step) = initial_learning_rate * (1 - clip((step - constant_steps) /
    decay_steps, 0, 1))`: constant for the first `constant_steps` updates,
    falling linearly over the next `decay_steps` and zero from then on. The
    CycleGAN and pix2pix papers train 100 epochs at the initial rate and 100
    more decaying it (`constant_steps = decay_steps = 100 * steps_per_epoch`);
    the reference code lowers the rate once per epoch (by `1 / (n + 1)` of
    it, over `n` decay epochs, so its last epoch still trains), this
    schedule once per update, reaching zero after `decay_steps`.

    Args:
        initial_learning_rate: The rate of the constant part.
        constant_steps: Updates at the initial rate (non-negative integer).
        decay_steps: Updates over which the rate falls to zero (positive
            integer).
        name: Optional name.

    Example:

    ```python
    schedule = ConstantThenLinearDecay(2e-4, constant_steps=1000, decay_steps=1000)
    optimizer = keras.optimizers.Adam(schedule, beta_1=0.5)
    ```

    Reference:
        Zhu et al., "Unpaired Image-to-Image Translation using
        Cycle-Consistent Adversarial Networks", ICCV 2017, section 4.
    """

    def __init__(self, initial_learning_rate, constant_steps, decay_steps, name=None):
        self.initial_learning_rate = validation.check_number(
            initial_learning_rate, "initial_learning_rate"
        )
        self.constant_steps = validation.check_int(
            constant_steps, "constant_steps", minimum=0
        )
        self.decay_steps = validation.check_positive_int(decay_steps, "decay_steps")
        self.name = name

    def __call__(self, step):
        step = ops.cast(step, "float32")
        progress = ops.clip(
            (step - float(self.constant_steps)) / float(self.decay_steps), 0.0, 1.0
        )
        return self.initial_learning_rate * (1.0 - progress)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "constant_steps": self.constant_steps,
            "decay_steps": self.decay_steps,
            "name": self.name,
        }
