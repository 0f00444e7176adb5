"""`fit()` as users call it: data sources, callbacks, and bad input."""

import csv
import os
import subprocess
import sys

import keras
import numpy as np
import pytest

import ganzoo
from tests.testing import fake_images

TINY = {"image_shape": (28, 28, 1), "latent_dim": 8, "filters": 4, "seed": 0}


def tiny_model():
    model = ganzoo.DCGAN(**TINY)
    model.compile()
    return model


def iterations(model):
    return [
        int(keras.ops.convert_to_numpy(getattr(model, name).iterations))
        for name in model.optimizer_names
    ]


class Batches(keras.utils.PyDataset):
    def __init__(self, images, batch_size):
        super().__init__()
        self.images, self.batch_size = images, batch_size

    def __len__(self):
        return -(-len(self.images) // self.batch_size)

    def __getitem__(self, index):
        return self.images[index * self.batch_size : (index + 1) * self.batch_size]


def tf_dataset(images, batch_size):
    tf = pytest.importorskip("tensorflow")
    return tf.data.Dataset.from_tensor_slices(images).batch(batch_size)


def torch_loader(images, batch_size):
    torch = pytest.importorskip("torch")
    dataset = torch.utils.data.TensorDataset(torch.from_numpy(images))
    return torch.utils.data.DataLoader(dataset, batch_size=batch_size)


@pytest.mark.parametrize("source", ["numpy", "tf_data", "py_dataset", "torch"])
def test_fit_takes_every_data_source(source):
    images = fake_images(24, TINY["image_shape"])
    data = {
        "numpy": lambda: images,
        "tf_data": lambda: tf_dataset(images, 8),
        "py_dataset": lambda: Batches(images, 8),
        "torch": lambda: torch_loader(images, 8),
    }[source]()
    model = tiny_model()
    kwargs = {"batch_size": 8} if source == "numpy" else {"shuffle": False}
    history = model.fit(data, epochs=2, verbose=0, **kwargs)
    assert iterations(model) == [6, 6]
    assert len(history.history["d_loss"]) == 2


def test_labels_beside_images_are_ignored_by_unconditional_models():
    images = fake_images(8, TINY["image_shape"])
    model = tiny_model()
    model.fit(images, np.arange(8), batch_size=4, verbose=0)
    assert iterations(model) == [2, 2]


def test_callbacks(tmp_path):
    images = fake_images(16, TINY["image_shape"])
    model = tiny_model()
    log = os.path.join(tmp_path, "log.csv")
    checkpoint = os.path.join(tmp_path, "epoch_{epoch}.keras")
    grids = ganzoo.SampleGrid(os.path.join(tmp_path, "grids"), num_images=4)
    model.fit(
        images,
        batch_size=8,
        epochs=2,
        verbose=0,
        callbacks=[
            keras.callbacks.CSVLogger(log),
            keras.callbacks.ModelCheckpoint(checkpoint),
            grids,
        ],
    )
    with open(log) as f:
        rows = list(csv.DictReader(f))
    assert [row["epoch"] for row in rows] == ["0", "1"]
    assert {"d_loss", "g_loss"} <= set(rows[0])
    restored = keras.saving.load_model(checkpoint.format(epoch=2))
    np.testing.assert_allclose(
        restored.generate(2, seed=1), model.generate(2, seed=1), atol=1e-6
    )
    assert iterations(restored) == [4, 4]
    assert [os.path.basename(p) for p in grids.paths] == [
        "epoch_0001.png",
        "epoch_0002.png",
    ]


class StopAt(keras.callbacks.Callback):
    def __init__(self, epoch):
        super().__init__()
        self.epoch = epoch

    def on_epoch_begin(self, epoch, logs=None):
        if epoch == self.epoch:
            raise RuntimeError("interrupted")


def test_backup_and_restore_resumes_training(tmp_path):
    images = fake_images(16, TINY["image_shape"])
    backup = keras.callbacks.BackupAndRestore(os.path.join(tmp_path, "backup"))
    model = tiny_model()
    with pytest.raises(RuntimeError, match="interrupted"):
        model.fit(
            images, batch_size=8, epochs=3, verbose=0, callbacks=[backup, StopAt(2)]
        )
    resumed = tiny_model()
    history = resumed.fit(images, batch_size=8, epochs=3, verbose=0, callbacks=[backup])
    assert len(history.history["d_loss"]) == 1  # only the third epoch ran
    assert iterations(resumed) == [6, 6]


def assert_nothing_ran(model):
    assert iterations(model) == [0, 0]


@pytest.mark.parametrize(
    "images, error, message",
    [
        (np.zeros((4, 28, 28), "float32"), ValueError, r"rank 4.*rank 3"),
        (
            np.zeros((4, 32, 32, 1), "float32"),
            ValueError,
            r"image_shape.*\(28, 28, 1\).*x\.shape\[1:\]=\(32, 32, 1\)",
        ),
        (np.zeros((4, 28, 28, 3), "float32"), ValueError, r"\(28, 28, 3\)"),
        (np.zeros((4, 28, 28, 1), "uint8"), TypeError, "from_uint8"),
        (np.zeros((0, 28, 28, 1), "float32"), ValueError, "no batches"),
    ],
)
def test_bad_images_fail_before_any_step(images, error, message):
    model = tiny_model()
    with pytest.raises(error, match=message):
        model.fit(images, batch_size=2, verbose=0)
    assert_nothing_ran(model)


def test_bad_images_from_a_dataset_fail_before_any_step():
    model = tiny_model()
    with pytest.raises(ValueError, match="image_shape"):
        model.fit(Batches(np.zeros((4, 32, 32, 1), "float32"), 2), verbose=0)
    assert_nothing_ran(model)


@pytest.mark.parametrize("source", ["tf_data", "py_dataset", "generator"])
def test_empty_dataset(source):
    empty = np.zeros((0, 28, 28, 1), "float32")
    data = {
        "tf_data": lambda: tf_dataset(empty, 2),
        "py_dataset": lambda: Batches(empty, 2),
        "generator": lambda: (batch for batch in []),
    }[source]()
    model = tiny_model()
    with pytest.raises(ValueError, match="no batches|at least one batch"):
        model.fit(data, verbose=0, shuffle=False)


def test_unknown_names():
    with pytest.raises(ValueError, match="Did you mean 'hinge'"):
        ganzoo.DCGAN(loss="hinje")
    with pytest.raises(ValueError, match="d_optimizer='adamx'"):
        ganzoo.DCGAN(**TINY).compile(d_optimizer="adamx")
    with pytest.raises(TypeError, match="unexpected optimizer"):
        ganzoo.DCGAN(**TINY).compile_optimizers({"e_optimizer": None})


def test_fit_before_compile():
    with pytest.raises(RuntimeError, match="compile"):
        ganzoo.DCGAN(**TINY).fit(fake_images(2, TINY["image_shape"]), verbose=0)


def test_default_optimizers_follow_the_papers():
    model = tiny_model()
    for optimizer in (model.d_optimizer, model.g_optimizer):
        assert isinstance(optimizer, keras.optimizers.Adam)
        assert np.isclose(float(optimizer.learning_rate), 2e-4)
        assert np.isclose(optimizer.beta_1, 0.5)


_FRAMEWORKS_LOADED = """
import sys
def loaded():
    return sorted(m for m in ("jax", "tensorflow", "torch") if m in sys.modules)
import keras
by_keras = loaded()
import ganzoo
print(by_keras, loaded())
"""


@pytest.mark.parametrize("backend", ["jax", "torch", "tensorflow"])
def test_import_loads_no_other_framework(backend):
    """`import ganzoo` adds no framework to what `import keras` loads.

    (Keras 3.15 itself imports jax, when installed, from its Orbax
    checkpoint callback, whatever the backend.)
    """
    result = subprocess.run(
        [sys.executable, "-c", _FRAMEWORKS_LOADED],
        env=dict(os.environ, KERAS_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="3"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    by_keras, with_ganzoo = result.stdout.strip().splitlines()[-1].split("] [")
    assert by_keras + "]" == "[" + with_ganzoo
    assert "torch" not in with_ganzoo or backend == "torch"
    assert "tensorflow" not in with_ganzoo or backend == "tensorflow"
