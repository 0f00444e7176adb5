"""The 2015-12-05 Inception graph that FID, IS and KID are computed with.

This is not `keras.applications.InceptionV3`: the original FID code (and
pytorch-fid, torch-fidelity and clean-fid's legacy mode after it) uses the
graph of TensorFlow's `inception-2015-12-05` release, which differs from the
stock network in four ways, all reproduced here:

- the average pools in the pool branches of the `Mixed_5*`, `Mixed_6b`-`e`
  and `Mixed_7b` blocks divide by the number of input pixels under the
  window, not counting the zero padding (TensorFlow's `SAME` pooling);
- the last block, `Mixed_7c`, has a 3x3 *max* pool in its pool branch;
- BatchNorm uses epsilon 1e-3;
- the classifier has 1008 outputs.

Layers are named after the modules of pytorch-fid's port, with `__` where
PyTorch has `.` (which Keras's PyTorch backend does not allow in names):
`Mixed_5b__branch1x1__conv` holds `Mixed_5b.branch1x1.conv.weight`, so the
published `state_dict` maps onto the layers by name.
"""

import keras
from keras import layers

INPUT_SHAPE = (299, 299, 3)
POOL_FEATURES = 2048
NUM_LOGITS = 1008
BATCHNORM_EPSILON = 1e-3
# A metric network always computes in float32, whatever the global policy.
_DTYPE = "float32"


def build_fid_inception(name="fid_inception"):
    """Builds the FID Inception network (2015-12-05 graph), without weights.

    The network takes images already resized to 299x299 and scaled to
    [-1, 1] (the preprocessing is not part of it) and returns the 2048-d
    pool features (the global average of the last block, which FID and KID
    use) and the 1008 logits of the classifier on them (no softmax; the
    Inception Score applies it), with and without the classifier's bias
    (the original Inception Score code uses them without it). Every layer
    computes in float32.

    Its kernels start at zero (random initialisation would only slow the
    build): load the published weights with `load_fid_inception`, or
    weights of your own with `convert_state_dict`.

    Args:
        name: Name of the `keras.Model`.

    Returns:
        A functional `keras.Model` mapping float32 images of shape
        `(N, 299, 299, 3)` to a dict `{"pool": (N, 2048), "logits":
        (N, 1008), "logits_unbiased": (N, 1008)}`.

    Example:

    ```python
    model = build_fid_inception()
    outputs = model.predict(images)  # images: (N, 299, 299, 3) in [-1, 1]
    outputs["pool"].shape  # (N, 2048)
    ```

    Reference:
        Szegedy et al., "Rethinking the Inception Architecture for Computer
        Vision", CVPR 2016 (arXiv:1512.00567); Heusel et al., "GANs Trained
        by a Two Time-Scale Update Rule Converge to a Local Nash
        Equilibrium", NeurIPS 2017 (the FID code, github.com/bioinf-jku/TTUR);
        Seitzer, pytorch-fid (github.com/mseitzer/pytorch-fid).
    """
    images = keras.Input(INPUT_SHAPE, dtype=_DTYPE, name="images")
    x = _conv(images, "Conv2d_1a_3x3", 32, 3, strides=2, padding="valid")
    x = _conv(x, "Conv2d_2a_3x3", 32, 3, padding="valid")
    x = _conv(x, "Conv2d_2b_3x3", 64, 3)
    x = _max_pool(x, "maxpool1", strides=2, padding="valid")
    x = _conv(x, "Conv2d_3b_1x1", 80, 1)
    x = _conv(x, "Conv2d_4a_3x3", 192, 3, padding="valid")
    x = _max_pool(x, "maxpool2", strides=2, padding="valid")
    x = _block_a(x, "Mixed_5b", pool_filters=32)
    x = _block_a(x, "Mixed_5c", pool_filters=64)
    x = _block_a(x, "Mixed_5d", pool_filters=64)
    x = _block_b(x, "Mixed_6a")
    x = _block_c(x, "Mixed_6b", channels_7x7=128)
    x = _block_c(x, "Mixed_6c", channels_7x7=160)
    x = _block_c(x, "Mixed_6d", channels_7x7=160)
    x = _block_c(x, "Mixed_6e", channels_7x7=192)
    x = _block_d(x, "Mixed_7a")
    x = _block_e(x, "Mixed_7b", pool="average")
    x = _block_e(x, "Mixed_7c", pool="max")
    pool = layers.GlobalAveragePooling2D(dtype=_DTYPE, name="avgpool")(x)
    # The classifier is split into its matrix and its bias: the Inception
    # Score of the original code uses the logits without the bias.
    unbiased = layers.Dense(
        NUM_LOGITS,
        use_bias=False,
        kernel_initializer="zeros",
        dtype=_DTYPE,
        name="fc",
    )(pool)
    logits = BiasAdd(dtype=_DTYPE, name="fc_bias")(unbiased)
    outputs = {"pool": pool, "logits": logits, "logits_unbiased": unbiased}
    return keras.Model(images, outputs, name=name)


class BiasAdd(layers.Layer):
    """Adds a learned bias to the last axis (the classifier's `fc.bias`)."""

    def build(self, input_shape):
        self.bias = self.add_weight(
            shape=(input_shape[-1],), initializer="zeros", name="bias"
        )

    def call(self, inputs):
        return inputs + self.bias


def _conv(x, name, filters, kernel_size, strides=1, padding="same"):
    """Conv (no bias), BatchNorm (epsilon 1e-3), ReLU: a `BasicConv2d`.

    Every padded convolution of the graph has an odd kernel, stride 1 and
    half-kernel padding, which is Keras's `"same"`.
    """
    x = layers.Conv2D(
        filters,
        kernel_size,
        strides=strides,
        padding=padding,
        use_bias=False,
        kernel_initializer="zeros",
        dtype=_DTYPE,
        name=f"{name}__conv",
    )(x)
    x = layers.BatchNormalization(
        epsilon=BATCHNORM_EPSILON, dtype=_DTYPE, name=f"{name}__bn"
    )(x)
    return layers.ReLU(dtype=_DTYPE, name=f"{name}__relu")(x)


def _max_pool(x, name, strides=1, padding="same"):
    return layers.MaxPooling2D(
        3, strides=strides, padding=padding, dtype=_DTYPE, name=name
    )(x)


def _average_pool(x, name):
    """3x3 stride-1 average over the pixels inside the image.

    Keras's `"same"` average pooling leaves the padding out of the count on
    every backend (TensorFlow's semantics), as the reference graph does;
    `tests/metrics/test_inception_network.py` checks it on each backend.
    """
    return layers.AveragePooling2D(
        3, strides=1, padding="same", dtype=_DTYPE, name=name
    )(x)


def _concat(tensors, name):
    return layers.Concatenate(axis=-1, dtype=_DTYPE, name=name)(tensors)


def _block_a(x, name, pool_filters):
    branch1x1 = _conv(x, f"{name}__branch1x1", 64, 1)
    branch5x5 = _conv(x, f"{name}__branch5x5_1", 48, 1)
    branch5x5 = _conv(branch5x5, f"{name}__branch5x5_2", 64, 5)
    branch3x3dbl = _conv(x, f"{name}__branch3x3dbl_1", 64, 1)
    branch3x3dbl = _conv(branch3x3dbl, f"{name}__branch3x3dbl_2", 96, 3)
    branch3x3dbl = _conv(branch3x3dbl, f"{name}__branch3x3dbl_3", 96, 3)
    branch_pool = _average_pool(x, f"{name}__avgpool")
    branch_pool = _conv(branch_pool, f"{name}__branch_pool", pool_filters, 1)
    return _concat([branch1x1, branch5x5, branch3x3dbl, branch_pool], name)


def _block_b(x, name):
    branch3x3 = _conv(x, f"{name}__branch3x3", 384, 3, strides=2, padding="valid")
    branch3x3dbl = _conv(x, f"{name}__branch3x3dbl_1", 64, 1)
    branch3x3dbl = _conv(branch3x3dbl, f"{name}__branch3x3dbl_2", 96, 3)
    branch3x3dbl = _conv(
        branch3x3dbl, f"{name}__branch3x3dbl_3", 96, 3, strides=2, padding="valid"
    )
    branch_pool = _max_pool(x, f"{name}__maxpool", strides=2, padding="valid")
    return _concat([branch3x3, branch3x3dbl, branch_pool], name)


def _block_c(x, name, channels_7x7):
    c7 = channels_7x7
    branch1x1 = _conv(x, f"{name}__branch1x1", 192, 1)
    branch7x7 = _conv(x, f"{name}__branch7x7_1", c7, 1)
    branch7x7 = _conv(branch7x7, f"{name}__branch7x7_2", c7, (1, 7))
    branch7x7 = _conv(branch7x7, f"{name}__branch7x7_3", 192, (7, 1))
    branch7x7dbl = _conv(x, f"{name}__branch7x7dbl_1", c7, 1)
    branch7x7dbl = _conv(branch7x7dbl, f"{name}__branch7x7dbl_2", c7, (7, 1))
    branch7x7dbl = _conv(branch7x7dbl, f"{name}__branch7x7dbl_3", c7, (1, 7))
    branch7x7dbl = _conv(branch7x7dbl, f"{name}__branch7x7dbl_4", c7, (7, 1))
    branch7x7dbl = _conv(branch7x7dbl, f"{name}__branch7x7dbl_5", 192, (1, 7))
    branch_pool = _average_pool(x, f"{name}__avgpool")
    branch_pool = _conv(branch_pool, f"{name}__branch_pool", 192, 1)
    return _concat([branch1x1, branch7x7, branch7x7dbl, branch_pool], name)


def _block_d(x, name):
    branch3x3 = _conv(x, f"{name}__branch3x3_1", 192, 1)
    branch3x3 = _conv(
        branch3x3, f"{name}__branch3x3_2", 320, 3, strides=2, padding="valid"
    )
    branch7x7x3 = _conv(x, f"{name}__branch7x7x3_1", 192, 1)
    branch7x7x3 = _conv(branch7x7x3, f"{name}__branch7x7x3_2", 192, (1, 7))
    branch7x7x3 = _conv(branch7x7x3, f"{name}__branch7x7x3_3", 192, (7, 1))
    branch7x7x3 = _conv(
        branch7x7x3, f"{name}__branch7x7x3_4", 192, 3, strides=2, padding="valid"
    )
    branch_pool = _max_pool(x, f"{name}__maxpool", strides=2, padding="valid")
    return _concat([branch3x3, branch7x7x3, branch_pool], name)


def _block_e(x, name, pool):
    """The 8x8 block; `pool` is `"average"` (Mixed_7b) or `"max"` (Mixed_7c)."""
    branch1x1 = _conv(x, f"{name}__branch1x1", 320, 1)
    branch3x3 = _conv(x, f"{name}__branch3x3_1", 384, 1)
    branch3x3 = _concat(
        [
            _conv(branch3x3, f"{name}__branch3x3_2a", 384, (1, 3)),
            _conv(branch3x3, f"{name}__branch3x3_2b", 384, (3, 1)),
        ],
        f"{name}__branch3x3",
    )
    branch3x3dbl = _conv(x, f"{name}__branch3x3dbl_1", 448, 1)
    branch3x3dbl = _conv(branch3x3dbl, f"{name}__branch3x3dbl_2", 384, 3)
    branch3x3dbl = _concat(
        [
            _conv(branch3x3dbl, f"{name}__branch3x3dbl_3a", 384, (1, 3)),
            _conv(branch3x3dbl, f"{name}__branch3x3dbl_3b", 384, (3, 1)),
        ],
        f"{name}__branch3x3dbl",
    )
    if pool == "max":
        branch_pool = _max_pool(x, f"{name}__maxpool")
    else:
        branch_pool = _average_pool(x, f"{name}__avgpool")
    branch_pool = _conv(branch_pool, f"{name}__branch_pool", 192, 1)
    return _concat([branch1x1, branch3x3, branch3x3dbl, branch_pool], name)
