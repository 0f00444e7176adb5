"""The training engine: the only package that imports a framework.

A model declares its training phases (`ganzoo.models.Phase`); the engine for
the backend that `KERAS_BACKEND` names differentiates each phase's loss with
respect to that phase's variables and applies its optimizer. Only the
engine for the active backend is imported.
"""

import keras

from ganzoo.backend.common import run_step

_BACKEND = keras.backend.backend()

_kernels = None  # faster kernels than Keras's, where the backend has them
if _BACKEND == "tensorflow":
    from ganzoo.backend import tensorflow_engine as _engine
elif _BACKEND == "jax":
    from ganzoo.backend import jax_engine as _engine
    from ganzoo.backend import jax_kernels as _kernels
elif _BACKEND == "torch":
    from ganzoo.backend import torch_engine as _engine
    from ganzoo.backend import torch_kernels as _kernels
else:
    raise ImportError(
        "ganzoo supports the 'tensorflow', 'jax' and 'torch' Keras backends. "
        f"Received: KERAS_BACKEND={_BACKEND!r}"
    )


def train_step(model, *args):
    """Runs one training step of `model` on the active backend.

    Called by `BaseGAN.train_step` with the arguments Keras's trainer passes:
    `(data,)` on TensorFlow and PyTorch, `(state, data)` on JAX.
    """
    return _engine.train_step(model, *args)


def input_gradients(fn, x):
    """Gradient of `sum(fn(x))` with respect to the input tensor `x`.

    The result can be differentiated again with respect to the weights `fn`
    uses, which is what a gradient penalty needs. Call it inside a phase's
    loss. `fn` must not update variables (for instance BatchNorm statistics
    in training mode): such updates are not kept on every backend.

    Args:
        fn: Callable mapping a batch to per-sample scalars (e.g. a critic).
        x: The input batch.

    Returns:
        A tensor with the shape of `x`.
    """
    return _engine.input_gradients(fn, keras.ops.convert_to_tensor(x))


def with_input_gradient(fn, input_gradient):
    """`fn(x, *params)`, differentiated with respect to `x` by `input_gradient`.

    `input_gradient(output_gradient, *params)` must compute what the
    backend's own differentiation of `fn` would (the vector-Jacobian
    product with respect to `x`), in differentiable `keras.ops`, so that it
    can be differentiated again. On JAX it replaces XLA's own derivative
    (a custom VJP), for layers whose derivative XLA computes, or
    differentiates, slowly; the gradients with respect to `params` stay
    XLA's. TensorFlow and PyTorch keep their own derivatives, which are
    fast, and get `fn` back unchanged.
    """
    return _engine.with_input_gradient(fn, input_gradient)


def conv2d(x, kernel, strides, padding):
    """`keras.ops.conv(x, kernel, strides, padding)` of channels-last images.

    For 4-D inputs without dilation or groups. On PyTorch, TensorFlow's
    "same" padding is left to PyTorch's symmetric `padding=` plus one
    padded row and column, where Keras pads the whole border explicitly.
    On JAX, outputs of a few pixels are one matrix product of the input's
    patches, which XLA:CPU runs and differentiates many times faster than
    its convolution (`jax_kernels`).
    """
    if _kernels is not None:
        return _kernels.conv2d(x, kernel, strides, padding)
    return keras.ops.conv(x, kernel, strides=strides, padding=padding)


def conv2d_transpose(x, kernel, strides, padding):
    """`keras.ops.conv_transpose` of channels-last images, or None.

    For 4-D inputs without dilation or `output_padding`. On PyTorch,
    PyTorch's `padding=` crops the output where Keras computes it at full
    size and slices it; None where that does not apply (a kernel smaller
    than its stride), for the caller to use Keras's own.
    """
    if _kernels is not None:
        return _kernels.conv2d_transpose(x, kernel, strides, padding)
    return keras.ops.conv_transpose(x, kernel, strides=strides, padding=padding)


def fused_batch_normalization(x, axis, gamma, beta, epsilon):
    """Training-mode batch normalization in one fused kernel, or None.

    Returns `(outputs, mean, variance)` with the batch's statistics (not
    differentiated) on PyTorch, whose fused kernel Keras does not use; None
    on TensorFlow and JAX, where Keras's own is as fast (XLA and Grappler
    fuse it).
    """
    if _kernels is not None:
        return _kernels.batch_normalization(x, axis, gamma, beta, epsilon)
    return None


def dropout(x, rate, seed_generator):
    """Training-mode dropout of `x` with a mask seeded by `seed_generator`, or None.

    Faster than Keras's on PyTorch (uniform draws below the keep
    probability from a generator seeded as Keras seeds it, where Keras
    samples a Bernoulli of a whole tensor of probabilities: three times
    faster) and on JAX (two 16-bit draws from each threefry word, where
    Keras spends a word on each unit: 1.8 times faster). None on
    TensorFlow, whose Keras dropout is as fast, for the caller to use
    Keras's.
    """
    if _kernels is not None:
        return _kernels.dropout(x, rate, seed_generator)
    return None


def shard_batch(x):
    """`x`, a batch drawn inside a training step, split as the step's data is.

    Under JAX's `keras.distribution`, a batch drawn inside the compiled step
    (the generator's noise, say) is otherwise replicated, and XLA then has
    every device compute on the whole global batch of generated images;
    this splits its first axis between the devices, as the real images
    are. `x` itself outside a compiled step and on the other backends.
    """
    return _engine.shard_batch(x)


def replica_id():
    """Index of the replica running this code under a distribution strategy.

    A tensor inside a `tf.distribute` replica context with more than one
    replica; the int 0 otherwise (one device, JAX's `keras.distribution`,
    PyTorch).
    """
    return _engine.replica_id()


def process_shard():
    """`(index, count)`: this process's share of the training data.

    `(rank, world_size)` under a `torch.distributed` process group, `(process
    index, process count)` under JAX's multi-process `keras.distribution`,
    `(0, 1)` otherwise (TensorFlow's strategies shard data themselves).
    Arrays given to `fit` are split accordingly: each process trains on a
    disjoint share of every epoch.
    """
    return _engine.process_shard()


def processes():
    """`(index, count)`: this process among those that train together.

    `process_shard()` on PyTorch and JAX. On TensorFlow, under a
    `MultiWorkerMirroredStrategy` (in scope, or set as the default), this
    worker's task index and the number of tasks in `TF_CONFIG` (where
    `process_shard()` is `(0, 1)`, since `tf.distribute` splits the data
    itself); `(0, 1)` otherwise.
    """
    return _engine.processes()


def join_launched_processes():
    """Joins the processes a launcher started, where the backend can tell.

    On PyTorch, a process started by `torchrun` (several processes, its
    `RANK`/`WORLD_SIZE`/`MASTER_ADDR` environment) joins their
    `torch.distributed` process group, unless one is already initialised.
    On TensorFlow, a process whose `TF_CONFIG` names several tasks makes a
    `MultiWorkerMirroredStrategy` and sets it as the default strategy, so
    that models made next are made under it; call it before TensorFlow
    runs anything. JAX's runtime is started by the user's own script. The
    command line calls this, so `torchrun ... $(which ganzoo) train ...`,
    or one `ganzoo train` per `TF_CONFIG` task, trains over every process.
    Returns `processes()`.
    """
    return _engine.join_launched_processes()


def fit_batch_size(batch_size):
    """`fit`'s `batch_size` for `batch_size` samples per process and step.

    Under a TensorFlow strategy, `fit` takes the global batch of all the
    replicas (TensorFlow's convention): `batch_size` times their number.
    `batch_size` itself elsewhere.
    """
    return _engine.fit_batch_size(batch_size)


def is_chief():
    """Whether this process writes files: the first of a distributed run.

    Rank 0 under `torch.distributed`, process 0 under JAX's multi-process
    `keras.distribution`, and under TensorFlow the chief that `TF_CONFIG`
    names (the task "chief", or else the first worker).
    """
    return _engine.is_chief()


def agree(value):
    """The first process's `value` (an int) on every process.

    On TensorFlow, inside `distribution_scope(model)` of a model made under
    a `MultiWorkerMirroredStrategy`; elsewhere `value` itself.
    """
    return _engine.agree(value)


def distribution_scope(model):
    """Context manager: the scope of the strategy `model` was made under.

    TensorFlow's `model.distribute_strategy.scope()`, in which `agree`
    reaches the other workers; nothing on JAX and PyTorch.
    """
    return _engine.distribution_scope(model)


def maybe_symbolic_build(model, iterator, data_batch):
    """Keras's TensorFlow trainer's build of `model` before `fit`.

    Called (through `BaseGAN._maybe_symbolic_build`) by Keras's TensorFlow
    trainer only. Builds from this worker's share of the first batch, so
    that `fit` runs under `tf.distribute.MultiWorkerMirroredStrategy`.
    """
    _engine.maybe_symbolic_build(model, iterator, data_batch)


def start_fit(model, data):
    """Prepares a distributed `fit`: every process starts from the first's
    weights, and a data loader that is not split between processes is
    refused. Does nothing in a single process."""
    _engine.start_fit(model, data)


def predict(model, inputs, batch_size):
    """`model.predict(inputs)` in inference mode, on this process alone.

    Under JAX's multi-process `keras.distribution`, `model.predict` needs
    every process to take part; this runs on the calling process's own
    devices, so that the first process can sample (say, for `SampleGrid`)
    while the others wait.
    """
    return _engine.predict(model, inputs, batch_size)


def on_this_process():
    """Context manager: models made inside live on this process alone.

    Under JAX's multi-process `keras.distribution` a new variable is placed
    on every process's devices, and under TensorFlow's
    `MultiWorkerMirroredStrategy` (set as the default strategy) its value
    is broadcast from the chief: both need every process to take part.
    Inside this context they do not, so that the first process can build
    what it writes (a preset's copy of the model) by itself.
    """
    return _engine.on_this_process()


def keep_state_on_error(model):
    """Context manager: a failed `fit()` leaves `model` usable."""
    return _engine.keep_state_on_error(model)


__all__ = [
    "agree",
    "conv2d",
    "conv2d_transpose",
    "distribution_scope",
    "fit_batch_size",
    "fused_batch_normalization",
    "input_gradients",
    "is_chief",
    "join_launched_processes",
    "keep_state_on_error",
    "maybe_symbolic_build",
    "on_this_process",
    "predict",
    "process_shard",
    "processes",
    "replica_id",
    "run_step",
    "shard_batch",
    "start_fit",
    "train_step",
    "with_input_gradient",
]
