"""TensorFlow engine: `tf.GradientTape` per phase."""

import contextlib

import tensorflow as tf

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


def join_launched_processes():
    return process_shard()  # the user's script starts this backend's runtime


def agree(value):
    return value


def start_fit(model, data):
    pass  # tf.distribute mirrors the variables it creates


def on_this_process():
    return contextlib.nullcontext()  # every process computes on its own


def predict(model, inputs, batch_size):
    return model.predict(inputs, batch_size=batch_size, verbose=0)


def train_step(model, data):
    return run_step(model, data, _update)


def input_gradients(fn, x):
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(fn(x))
    return tape.gradient(y, x)


def with_input_gradient(fn, input_gradient):
    return fn  # the framework's own derivative is fast
