"""TensorFlow engine: `tf.GradientTape` per phase."""

import contextlib

import tensorflow as tf

from ganzoo.backend.common import run_step


def _update(phase, batch):
    variables = list(phase.variables)
    with tf.GradientTape() as tape:
        loss, logs = phase.loss(batch)
        scaled = phase.optimizer.scale_loss(loss)
    grads = tape.gradient(scaled, variables)
    phase.optimizer.apply(grads, variables)
    return logs


def keep_state_on_error(model):
    # Variables keep their values when a step fails on this backend.
    return contextlib.nullcontext()


def train_step(model, data):
    return run_step(model, data, _update)


def input_gradients(fn, x):
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = tf.reduce_sum(fn(x))
    return tape.gradient(y, x)
