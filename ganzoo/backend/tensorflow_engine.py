"""TensorFlow engine: `tf.GradientTape` per phase."""

import contextlib

import keras
import numpy as np
import tensorflow as tf

# Keras's test for the strategy whose step outputs it averages over axis 0.
from keras.src.backend.tensorflow.trainer import (
    _collective_all_reduce_multi_worker as _multi_worker,
)

from ganzoo.backend.common import run_step


def _update(phase, batch):
    variables = list(phase.variables)
    with tf.GradientTape() as tape:
        loss, logs = phase.loss(batch)
        scaled = phase.optimizer.scale_loss(loss)
        # Under a tf.distribute strategy each replica's loss is the mean over
        # its share of the batch and the optimizer sums the replicas'
        # gradients; dividing by the number of replicas makes that sum the
        # gradient of the mean over the whole batch (as Keras's losses do).
        replicas = tf.distribute.get_strategy().num_replicas_in_sync
        if replicas > 1:
            scaled = scaled / tf.cast(replicas, scaled.dtype)
    grads = tape.gradient(scaled, variables)
    phase.optimizer.apply(grads, variables)
    return loss, logs


def keep_state_on_error(model):
    # Variables keep their values when a step fails on this backend.
    return contextlib.nullcontext()


def replica_id():
    context = tf.distribute.get_replica_context()
    if context is None or context.num_replicas_in_sync == 1:
        return 0
    return context.replica_id_in_sync_group


def process_shard():
    return 0, 1  # tf.distribute hands each worker its share of the data


def _tasks():
    # This task's index and the number of training tasks (a "chief", then
    # the workers) in TF_CONFIG, as MultiWorkerMirroredStrategy counts them.
    resolver = tf.distribute.cluster_resolver.TFConfigClusterResolver()
    jobs = resolver.cluster_spec().as_dict()
    chiefs = len(jobs.get("chief", []))
    count = chiefs + len(jobs.get("worker", []))
    if resolver.task_type == "worker":
        return chiefs + resolver.task_id, count
    return 0, max(count, 1)


def processes():
    if not _multi_worker(tf.distribute.get_strategy()):
        return 0, 1
    return _tasks()


def join_launched_processes():
    if _tasks()[1] > 1 and not tf.distribute.has_strategy():
        strategy = tf.distribute.MultiWorkerMirroredStrategy()
        tf.distribute.experimental_set_strategy(strategy)
    return processes()


def fit_batch_size(batch_size):
    # tf.distribute's `batch_size` is the global batch of all the replicas.
    return batch_size * tf.distribute.get_strategy().num_replicas_in_sync


def shard_batch(x):
    return x  # each replica or rank draws its own share


def is_chief():
    # The chief of a MultiWorkerMirroredStrategy cluster (TF_CONFIG): the
    # task named "chief", or the first worker where none is.
    resolver = tf.distribute.cluster_resolver.TFConfigClusterResolver()
    if resolver.task_type in (None, "chief"):
        return True
    jobs = resolver.cluster_spec().jobs
    return (
        resolver.task_type == "worker" and resolver.task_id == 0 and "chief" not in jobs
    )


def agree(value):
    strategy = tf.distribute.get_strategy()
    if not _multi_worker(strategy):
        return value

    def first_replicas(v):
        replica = tf.distribute.get_replica_context().replica_id_in_sync_group
        return tf.where(replica == 0, v, tf.zeros_like(v))

    @tf.function
    def broadcast(mine):
        return strategy.reduce("SUM", strategy.run(first_replicas, (mine,)), axis=None)

    return int(broadcast(tf.constant(value, tf.int64)))


def distribution_scope(model):
    return model.distribute_strategy.scope()


def maybe_symbolic_build(model, iterator, data_batch):
    # Keras's `_maybe_symbolic_build`, but built from this worker's first
    # local batch: Keras averages the first distributed batch over the
    # replicas, which MultiWorkerMirroredStrategy refuses for a batch that
    # is a structure (keras-team/keras issue 20585). Only shapes matter.
    if model._distribute_strategy is None:
        return  # built when the step is traced
    strategy = model.distribute_strategy
    if iterator is not None:
        for _, _, batches in iterator:
            data_batch = tf.nest.map_structure(
                lambda v: strategy.experimental_local_results(v)[0], next(batches)
            )
            break
    with strategy.scope():
        model._symbolic_build(data_batch=data_batch)


def start_fit(model, data):
    pass  # tf.distribute mirrors the variables it creates


@contextlib.contextmanager
def on_this_process():
    # Variables made under a multi-worker strategy are broadcast from the
    # chief, which every worker must join. A strategy set as the default
    # (`join_launched_processes`) is left for the duration; inside a
    # strategy's `scope()` it cannot be.
    strategy = tf.distribute.get_strategy()
    if not _multi_worker(strategy):
        yield
        return
    try:
        tf.distribute.experimental_set_strategy(None)
    except RuntimeError:  # inside the strategy's scope
        yield
        return
    try:
        yield
    finally:
        tf.distribute.experimental_set_strategy(strategy)


def predict(model, inputs, batch_size):
    if not _multi_worker(model.distribute_strategy):
        return model.predict(inputs, batch_size=batch_size, verbose=0)
    # Under MultiWorkerMirroredStrategy, `predict` is a collective of every
    # worker; this reads this worker's copy of the (mirrored) weights, so
    # the chief can sample by itself.
    num = len(keras.tree.flatten(inputs)[0])
    outputs = []
    for start in range(0, num, batch_size):
        batch = slice(start, start + batch_size)
        batch = keras.tree.map_structure(lambda a, b=batch: a[b], inputs)
        outputs.append(keras.ops.convert_to_numpy(model(batch, training=False)))
    return np.concatenate(outputs)


def _average_states(variables):
    # Each replica updates its own copy of the BatchNorm moving statistics
    # (Keras's variables do not aggregate); keep the copies equal, as the
    # PyTorch engine does over its ranks.
    context = tf.distribute.get_replica_context()
    if context is None or context.num_replicas_in_sync == 1:
        return
    floats = [
        v for v in variables if v.dtype in ("float16", "bfloat16", "float32", "float64")
    ]
    if floats:
        means = context.all_reduce("MEAN", [tf.identity(v.value) for v in floats])
        for variable, value in zip(floats, means, strict=True):
            variable.assign(value)


def train_step(model, data):
    logs = run_step(model, data, _update)
    _average_states(model.non_trainable_variables)
    if _multi_worker(tf.distribute.get_strategy()):
        # Keras averages a multi-worker step's outputs over the replicas and
        # their axis 0, which a scalar lacks.
        logs = {name: tf.reshape(value, [1]) for name, value in logs.items()}
    return logs


def input_gradients(fn, x):
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(fn(x))
    return tape.gradient(y, x)


def with_input_gradient(fn, input_gradient):
    return fn  # the framework's own derivative is fast
