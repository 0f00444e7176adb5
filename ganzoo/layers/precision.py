"""Mixed precision: hidden layers compute in half precision, outputs in float32."""

import keras


def output_dtype():
    """The dtype policy for a network's output layers.

    Under a mixed policy (`keras.config.set_dtype_policy("mixed_bfloat16")`
    or `"mixed_float16"`) the hidden layers compute in half precision while
    output layers (images, logits, codes, features that a loss compares)
    compute in the policy's variable dtype, float32, so that losses, gradient
    penalties and comparisons with float32 data stay in float32, as Keras's
    mixed precision guide advises. Otherwise `None`: the global policy.
    """
    policy = keras.config.dtype_policy()
    if policy.compute_dtype != policy.variable_dtype:
        return policy.variable_dtype
    return None
