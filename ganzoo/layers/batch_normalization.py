"""`FusedBatchNormalization`: Keras's layer, trained with a fused kernel."""

import keras
from keras import layers
from keras import ops

from ganzoo import backend


@keras.saving.register_keras_serializable(
    package="ganzoo", name="FusedBatchNormalization"
)
class FusedBatchNormalization(layers.BatchNormalization):
    """`keras.layers.BatchNormalization`, trained with the framework's fused kernel.

    Same arguments, variables, saved weights, outputs, gradients and moving
    statistics as `BatchNormalization` (to float rounding). In training mode
    on PyTorch, Keras builds the normalization from about ten separate
    operations, each with its own autograd node; this layer runs PyTorch's
    one fused `native_batch_norm` instead, about twice as fast forward and
    backward (`bench/torch_layers.py`). On TensorFlow and JAX, whose
    compilers fuse Keras's own computation, and for masks,
    `synchronized=True` or `renorm=True`, it is `BatchNormalization`
    exactly.

    Args:
        *args, **kwargs: As for `keras.layers.BatchNormalization`.

    Example:

    ```python
    bn = ganzoo.layers.FusedBatchNormalization(name="up_0_bn")
    outputs = bn(keras.random.normal((8, 14, 14, 64)), training=True)
    ```
    """

    def call(self, inputs, training=None, mask=None):
        if not (
            training
            and self.trainable
            and mask is None
            and not self.synchronized
            and not self.renorm
        ):
            return super().call(inputs, training=training, mask=mask)
        compute_dtype = keras.backend.result_type(inputs.dtype, "float32")
        inputs = ops.cast(inputs, compute_dtype)
        gamma = ops.cast(self.gamma, compute_dtype) if self.scale else None
        beta = ops.cast(self.beta, compute_dtype) if self.center else None
        fused = backend.fused_batch_normalization(
            inputs, self.axis, gamma, beta, self.epsilon
        )
        if fused is None:
            return super().call(inputs, training=training, mask=mask)
        outputs, mean, variance = fused
        for moving, batch in [
            (self.moving_mean, mean),
            (self.moving_variance, variance),
        ]:
            moving.assign(
                ops.cast(moving, compute_dtype) * self.momentum
                + batch * (1.0 - self.momentum)
            )
        return ops.cast(outputs, self.compute_dtype)


# Keras files address a layer's weights by its class name (snake-cased and
# counted within its model), not by its `name`: answering to
# `BatchNormalization`'s keeps every weights file written with that layer,
# shipped presets included, loading into models built with this one.
FusedBatchNormalization.__name__ = "BatchNormalization"
