"""Spectral normalisation (Miyato et al. 2018), the same on every backend."""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="ganzoo")
class SpectralNorm(keras.layers.Wrapper):
    """Divides a layer's kernel by its largest singular value in the forward pass.

    The largest singular value `sigma` of the kernel (reshaped to a matrix
    with one column per output unit) is estimated by power iteration, whose
    vector `u` is a non-trainable variable updated once per call in training
    mode, as in the paper. The kernel itself is never overwritten: the layer
    computes `W / sigma` on the fly, so the result is a pure function of the
    weights and the state, identical on TensorFlow, JAX and PyTorch, and
    gradients flow through `sigma` as in the reference implementation.

    Works with any layer whose output is affine in its `kernel` (`Dense`,
    `Conv1D`/`Conv2D`/`Conv3D`, `Conv2DTranspose`, ...) and whose
    activation is linear: put the non-linearity in its own layer.

    Args:
        layer: The layer to normalise, e.g. `keras.layers.Conv2D(64, 4)`.
        power_iterations: Power-iteration steps per training call.
        epsilon: Added to norms to avoid division by zero.
        **kwargs: Passed on to `keras.layers.Wrapper`.

    Example:

    ```python
    conv = ganzoo.layers.SpectralNorm(keras.layers.Conv2D(64, 4, strides=2))
    ```

    Reference:
        Miyato et al., "Spectral Normalization for Generative Adversarial
        Networks", ICLR 2018.
    """

    def __init__(self, layer, power_iterations=1, epsilon=1e-12, **kwargs):
        # The wrapper computes in the wrapped layer's dtype (float32 for an
        # output layer under a mixed precision policy).
        kwargs.setdefault("dtype", layer.dtype_policy)
        super().__init__(layer, **kwargs)
        if not isinstance(power_iterations, int) or power_iterations < 1:
            raise ValueError(
                "`power_iterations` must be a positive integer. "
                f"Received: power_iterations={power_iterations!r}"
            )
        activation = getattr(layer, "activation", None)
        if activation is not None and activation is not keras.activations.linear:
            raise ValueError(
                f"SpectralNorm needs a layer with a linear activation; "
                f"'{layer.name}' has activation "
                f"{keras.activations.serialize(activation)!r}. Apply the "
                "activation in a separate layer after the SpectralNorm."
            )
        self.power_iterations = power_iterations
        self.epsilon = epsilon

    def build(self, input_shape):
        if not self.layer.built:
            self.layer.build(input_shape)
        if not hasattr(self.layer, "kernel"):
            raise ValueError(
                f"SpectralNorm needs a layer with a `kernel`; '{self.layer.name}' "
                f"({type(self.layer).__name__}) has none."
            )
        if getattr(self.layer, "data_format", None) == "channels_first":
            raise ValueError(
                "SpectralNorm supports channels-last layers only; "
                f"'{self.layer.name}' has data_format='channels_first'."
            )
        kernel = self.layer.kernel
        self.units = kernel.shape[self._output_axis()]
        self.u = self.add_weight(
            shape=(1, self.units),
            initializer=keras.initializers.RandomNormal(stddev=1.0),
            trainable=False,
            name="u",
        )
        self.built = True

    def _output_axis(self):
        # Conv2DTranspose stores (kh, kw, out, in); every other layer keeps
        # output units on the last axis.
        if isinstance(self.layer, keras.layers.Conv2DTranspose):
            return -2
        return -1

    def kernel_matrix(self):
        """The kernel as a `(fan_in, units)` matrix."""
        kernel = ops.convert_to_tensor(self.layer.kernel)
        if self._output_axis() == -2:
            kernel = ops.swapaxes(kernel, -1, -2)
        return ops.reshape(kernel, (-1, self.units))

    def power_iteration(self, matrix):
        """Returns `(sigma, u)`: the singular value estimate and new `u`."""
        u = ops.convert_to_tensor(self.u)
        for _ in range(self.power_iterations):
            v = _normalize(ops.matmul(u, ops.transpose(matrix)), self.epsilon)
            u = _normalize(ops.matmul(v, matrix), self.epsilon)
        u = ops.stop_gradient(u)
        v = ops.stop_gradient(v)
        sigma = ops.sum(ops.matmul(v, matrix) * u)
        return sigma, u

    def call(self, inputs, training=False):
        sigma, u = self.power_iteration(self.kernel_matrix())
        if training:
            self.u.assign(ops.cast(u, self.u.dtype))
        outputs = self.layer(inputs)
        # Under a mixed precision policy the wrapped layer may compute in half
        # precision while sigma and the bias variable are float32.
        sigma = ops.cast(sigma, outputs.dtype)
        bias = getattr(self.layer, "bias", None)
        if bias is None:
            return outputs / sigma
        # The wrapped layer is affine in its kernel: (x W + b) with W / sigma
        # equals (output - b) / sigma + b.
        bias = ops.cast(bias, outputs.dtype)
        return (outputs - bias) / sigma + bias

    def compute_output_shape(self, input_shape):
        return self.layer.compute_output_shape(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update(power_iterations=self.power_iterations, epsilon=self.epsilon)
        return config


def _normalize(x, epsilon):
    return x / (ops.sqrt(ops.sum(ops.square(x))) + epsilon)
