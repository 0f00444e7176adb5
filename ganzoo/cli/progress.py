"""Says what the command is doing while the first training step compiles.

The first step of `fit` traces the training step and compiles it (XLA on
JAX, `tf.function` on TensorFlow), which on a CPU takes from a few seconds
to a minute, before Keras prints any progress. `FirstStepNotice` prints one
line when training starts and one when that first step is done.
"""

import time

import keras


class FirstStepNotice(keras.callbacks.Callback):
    """Prints a line before the first training step and one after it.

    Args:
        print_fn: Where the lines go (default `print`, flushed at once).
    """

    def __init__(self, print_fn=None):
        super().__init__()
        self.print_fn = print_fn or (lambda line: print(line, flush=True))
        self.started = None

    def on_train_begin(self, logs=None):
        self.started = time.time()
        self.print_fn(
            f"Compiling the training step on {keras.backend.backend()} "
            "(the first step traces and compiles it; a few seconds to a "
            "minute on a CPU)..."
        )

    def on_train_batch_end(self, batch, logs=None):
        if self.started is None:
            return
        seconds = time.time() - self.started
        self.started = None
        self.print_fn(f"First step done in {seconds:.1f} s; training.")
