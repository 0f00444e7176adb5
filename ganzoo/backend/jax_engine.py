"""JAX engine: pure functions over the state that Keras's trainer threads.

Keras's JAX trainer calls `train_step(state, data)` inside `jax.jit`, with
`state = (trainable, non_trainable, optimizer, metrics)` variable values in
the order of `model.trainable_variables`, `model.non_trainable_variables`,
`model.optimizer.variables` and `model.metrics_variables`. The step runs
under one `keras.StatelessScope` holding every one of those values; each
phase differentiates a pure function of its own variables' values, so
BatchNorm statistics, the seed generator, optimizer slots and metrics are
all read from and written back to that scope in order, as TensorFlow and
PyTorch would do in place.
"""

import contextlib

import jax
import keras
import numpy as np

from ganzoo.backend.common import run_step


def _scope():
    return keras.src.backend.common.stateless_scope.get_stateless_scope()


def _update(phase, batch):
    scope = _scope()
    variables = list(phase.variables)
    own = {id(v) for v in variables}

    def loss_fn(values):
        before = dict(scope.state_mapping)
        for v, value in zip(variables, values, strict=True):
            scope.state_mapping[id(v)] = value
        try:
            loss, logs = phase.loss(batch)
            scaled = phase.optimizer.scale_loss(loss)
            # Other state written during the forward pass (BatchNorm moving
            # statistics, seed generator): carried out of the trace as aux.
            updates = {
                key: value
                for key, value in scope.state_mapping.items()
                if key not in own and value is not before.get(key)
            }
        finally:
            scope.state_mapping.clear()
            scope.state_mapping.update(before)
        return scaled, (loss, logs, updates)

    values = [scope.get_current_value(v) for v in variables]
    (_, (loss, logs, updates)), grads = jax.value_and_grad(loss_fn, has_aux=True)(
        values
    )
    scope.state_mapping.update(updates)
    if isinstance(phase.optimizer, keras.optimizers.LossScaleOptimizer):
        _apply_loss_scaled(phase, grads, variables)
    else:
        # Inside the scope, `apply` reads and writes the scope's values;
        # unlike `stateless_apply` it accepts any subset of the variables the
        # optimizer was built on, so one optimizer may serve several phases.
        phase.optimizer.apply(grads, variables)
    return loss, logs


def _apply_loss_scaled(phase, grads, variables):
    """Applies a `LossScaleOptimizer` through its `stateless_apply`.

    Its `apply` chooses between updating and skipping the step with
    `ops.cond` whose branches assign variables, which a JAX trace cannot
    carry out of the branch; `stateless_apply` returns the values instead.
    That needs the optimizer's whole variable list, so such an optimizer
    must update exactly one phase's variables.
    """
    optimizer = phase.optimizer
    built_on = optimizer.inner_optimizer._trainable_variables
    if len(built_on) != len(variables) or any(
        a is not b for a, b in zip(built_on, variables, strict=True)
    ):
        raise ValueError(
            f"Under the 'mixed_float16' policy on JAX, phase '{phase.name}' "
            "must have an optimizer of its own, built on exactly its "
            "variables; share no optimizer between phases."
        )
    scope = _scope()
    state = [scope.get_current_value(v) for v in optimizer.variables]
    values = [scope.get_current_value(v) for v in variables]
    new_values, new_state = optimizer.stateless_apply(state, grads, values)
    for v, value in zip(variables, new_values, strict=True):
        v.assign(value)
    for v, value in zip(optimizer.variables, new_state, strict=True):
        v.assign(value)


def replica_id():
    return 0  # no per-replica code: one device, or one global SPMD program


def process_shard():
    # Under `keras.distribution` over several processes, each process feeds
    # its own share of every global batch.
    return jax.process_index(), jax.process_count()


def join_launched_processes():
    return process_shard()  # the user's script starts this backend's runtime


def shard_batch(x):
    distribution = keras.distribution.distribution()
    if distribution is None or not isinstance(x, jax.core.Tracer):
        return x
    layout = distribution.get_data_layout(x.shape)
    return keras.distribution.distribute_tensor(x, layout)


def processes():
    return process_shard()


def fit_batch_size(batch_size):
    return batch_size  # each process's share


def is_chief():
    return process_shard()[0] == 0


def distribution_scope(model):
    return contextlib.nullcontext()  # agree() needs no scope here


def agree(value):
    if jax.process_count() == 1:
        return value
    from jax.experimental import multihost_utils

    return multihost_utils.broadcast_one_to_all(value).item()


def start_fit(model, data):
    # JAX itself refuses a replicated variable whose value differs between
    # processes (build the model after the same `keras.utils.set_random_seed`
    # on each), so they all start alike. Arrays reach here already split
    # between the processes (`FullBatches`), which Keras must not split again.
    distribution = keras.distribution.distribution()
    if distribution is not None and getattr(data, "num_shards", 1) > 1:
        distribution.auto_shard_dataset = False


@contextlib.contextmanager
def on_this_process():
    distribution = keras.distribution.distribution()
    if jax.process_count() == 1 or distribution is None:
        yield
        return
    keras.distribution.set_distribution(None)
    try:
        yield
    finally:
        keras.distribution.set_distribution(distribution)


def predict(model, inputs, batch_size):
    if jax.process_count() == 1:
        return model.predict(inputs, batch_size=batch_size, verbose=0)
    # Under a multi-process `keras.distribution`, `predict` is a collective
    # of every process; this runs on this process's devices alone, from its
    # copy of the (replicated) weights, so one process can sample by itself.
    trainable = [np.asarray(v.value) for v in model.trainable_variables]
    non_trainable = [np.asarray(v.value) for v in model.non_trainable_variables]
    num = len(keras.tree.flatten(inputs)[0])
    outputs = []
    for start in range(0, num, batch_size):
        batch = slice(start, start + batch_size)
        batch = keras.tree.map_structure(lambda a, b=batch: a[b], inputs)
        images, _ = model.stateless_call(trainable, non_trainable, batch)
        outputs.append(np.asarray(images))
    return np.concatenate(outputs)


def train_step(model, state, data):
    groups = [
        model.trainable_variables,
        model.non_trainable_variables,
        model.optimizer.variables,
        model.metrics_variables,
    ]
    mapping = [
        (variable, value)
        for variables, values in zip(groups, state, strict=True)
        for variable, value in zip(variables, values, strict=True)
    ]
    with keras.StatelessScope(state_mapping=mapping) as scope:
        logs = run_step(model, data, _update)
    new_state = tuple(
        [scope.get_current_value(v) for v in variables] for variables in groups
    )
    return logs, new_state


def input_gradients(fn, x):
    scope = _scope()
    before = dict(scope.state_mapping) if scope is not None else None

    def total(inputs):
        return jax.numpy.sum(fn(inputs))

    try:
        return jax.grad(total)(x)
    finally:
        # Updates made inside the inner trace cannot leave it.
        if scope is not None:
            scope.state_mapping.clear()
            scope.state_mapping.update(before)


def with_input_gradient(fn, input_gradient):
    @jax.custom_vjp
    def custom(x, *params):
        return fn(x, *params)

    def forward(x, *params):
        return fn(x, *params), (x, params)

    def backward(residuals, output_gradient):
        x, params = residuals
        _, params_vjp = jax.vjp(lambda *values: fn(x, *values), *params)
        return (input_gradient(output_gradient, *params), *params_vjp(output_gradient))

    custom.defvjp(forward, backward)
    return custom


@contextlib.contextmanager
def keep_state_on_error(model):
    """Puts back variables that an interrupted `fit()` left without values.

    Keras's JAX trainer takes the values out of the model's variables before
    the first step and writes them back only once a step has finished, so
    an error in the first step (a bad batch found while tracing, say) would
    leave a model that can no longer be used or saved.
    """
    variables = list(model.variables) + list(model.metrics_variables)
    if model.optimizer is not None:
        variables += list(model.optimizer.variables)
    saved = [(v, v.value) for v in variables]
    try:
        yield
    except BaseException:
        for variable, value in saved:
            if variable._value is None:
                variable.assign(value)
        raise
