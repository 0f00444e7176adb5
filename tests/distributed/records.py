"""What the distributed workers record for the tests to check."""

import json

import keras
import numpy as np


def save_variables(model, path):
    np.savez(path, *[keras.ops.convert_to_numpy(v.value) for v in model.variables])


def load_variables(path):
    with np.load(path) as f:
        return [f[f"arr_{i}"] for i in range(len(f.files))]


class RecordSteps(keras.callbacks.Callback):
    """Saves every variable at the start of `fit` and after each step."""

    def __init__(self, out, rank):
        super().__init__()
        self.out, self.rank = out, rank

    def on_train_begin(self, logs=None):
        save_variables(self.model, f"{self.out}/rank{self.rank}_start.npz")

    def on_train_batch_end(self, batch, logs=None):
        save_variables(self.model, f"{self.out}/rank{self.rank}_step{batch}.npz")
        with open(f"{self.out}/rank{self.rank}_logs{batch}.json", "w") as f:
            json.dump({k: float(v) for k, v in logs.items()}, f)
