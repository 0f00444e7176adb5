"""`fit()` as users call it: data sources, callbacks, and bad input."""

import csv
import os
import subprocess
import sys

import keras
import numpy as np
import pytest

import ganzoo
from tests.testing import BACKENDS
from tests.testing import fake_images
from tests.testing import model_state
from tests.testing import runs_on_this_backend

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


def trainable_values(model):
    return [keras.ops.convert_to_numpy(v.value) for v in model.trainable_variables]


@pytest.fixture(scope="module")
def start():
    """The state (weights, random states, optimizers) runs below start from."""
    return [keras.ops.convert_to_numpy(v.value) for v in model_state(tiny_model())]


def model_from(start):
    model = tiny_model()
    for v, value in zip(model_state(model), start, strict=True):
        v.assign(value)
    return model


@pytest.fixture(scope="module")
def trained_on_arrays(start):
    """Weights after two unshuffled epochs on the arrays, and on other images."""

    def train(images):
        model = model_from(start)
        model.fit(images, batch_size=8, epochs=2, shuffle=False, verbose=0)
        return trainable_values(model)

    images = fake_images(24, TINY["image_shape"])
    return train(images), train(fake_images(24, TINY["image_shape"], seed=1))


@pytest.mark.parametrize("source", ["numpy", "tf_data", "py_dataset", "torch"])
def test_fit_takes_every_data_source(source, start, trained_on_arrays):
    images = fake_images(24, TINY["image_shape"])
    data = {
        "numpy": lambda: images,
        "tf_data": lambda: tf_dataset(images, 8),
        "py_dataset": lambda: Batches(images, 8),
        "torch": lambda: torch_loader(images, 8),
    }[source]()
    model = model_from(start)
    kwargs = {"batch_size": 8} if source == "numpy" else {}
    history = model.fit(data, epochs=2, shuffle=False, verbose=0, **kwargs)
    assert iterations(model) == [6, 6]
    assert len(history.history["d_loss"]) == 2
    # The source's batches are what trained the model: the same weights as
    # from the arrays, which differ from those of other images.
    expected, from_other_images = trained_on_arrays
    for got, want in zip(trainable_values(model), expected, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    assert any(
        not np.allclose(want, other, atol=1e-5)
        for want, other in zip(expected, from_other_images, strict=True)
    )


def test_labels_beside_images_are_ignored_by_unconditional_models(start):
    images = fake_images(8, TINY["image_shape"])
    model = model_from(start)
    model.fit(images, np.arange(8), batch_size=4, shuffle=False, verbose=0)
    assert iterations(model) == [2, 2]
    without_labels = model_from(start)
    without_labels.fit(images, batch_size=4, shuffle=False, verbose=0)
    for got, want in zip(
        trainable_values(model), trainable_values(without_labels), strict=True
    ):
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7)


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


def train_four_epochs(callbacks=()):
    """DCGAN with dropout, from fixed seeds, four epochs unless interrupted."""
    keras.utils.set_random_seed(1)
    model = ganzoo.DCGAN(**dict(TINY, dropout=0.3))
    model.compile()
    images = fake_images(20, TINY["image_shape"])  # 20 = 2 full batches + 4
    try:
        history = model.fit(
            images, batch_size=8, epochs=4, verbose=0, callbacks=list(callbacks)
        )
    except RuntimeError as error:
        assert "interrupted" in str(error)
        history = None
    return model, history


def test_backup_and_restore_resumes_exactly(tmp_path):
    """Noise, dropout masks and data order carry over: as if never stopped."""
    uninterrupted, _ = train_four_epochs()
    backup = os.path.join(tmp_path, "backup")
    train_four_epochs([keras.callbacks.BackupAndRestore(backup), StopAt(2)])
    resumed, history = train_four_epochs([keras.callbacks.BackupAndRestore(backup)])
    assert len(history.history["d_loss"]) == 2  # only epochs 3 and 4 ran
    assert iterations(resumed) == [12, 12]
    for a, b in zip(uninterrupted.get_weights(), resumed.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-6)
    for a, b in zip(
        uninterrupted.random_states(), resumed.random_states(), strict=True
    ):
        np.testing.assert_array_equal(
            keras.ops.convert_to_numpy(a.value), keras.ops.convert_to_numpy(b.value)
        )


def test_saved_models_keep_their_random_states(tmp_path):
    model, _ = train_four_epochs()
    states = [keras.ops.convert_to_numpy(s.value) for s in model.random_states()]
    assert len(states) == 3  # the noise and two Dropout layers
    path = os.path.join(tmp_path, "model.keras")
    model.save(path)
    weights = os.path.join(tmp_path, "model.weights.h5")
    model.save_weights(weights)
    fresh = ganzoo.DCGAN(**dict(TINY, dropout=0.3))
    fresh.load_weights(weights)
    for loaded in (keras.saving.load_model(path), fresh):
        for state, expected in zip(loaded.random_states(), states, strict=True):
            np.testing.assert_array_equal(
                keras.ops.convert_to_numpy(state.value), expected
            )


def with_value(value, at):
    images = np.zeros((4, 28, 28, 1), "float32")
    images[at] = value
    return images


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
        (
            np.full((4, 28, 28, 1), 255.0, "float32"),
            ValueError,
            r"scaled to \[-1, 1\].*from_uint8.*\[255, 255\]",
        ),
        (
            with_value(np.nan, at=(2, 5, 6, 0)),
            ValueError,
            r"finite.*Received 1 NaN or infinite value\(s\), the first at index "
            r"\(2, 5, 6, 0\)",
        ),
        (
            with_value(-np.inf, at=(3, 0, 0, 0)),
            ValueError,
            r"`x` must hold finite pixel values",
        ),
    ],
)
def test_bad_images_fail_before_any_step(images, error, message):
    model = tiny_model()
    with pytest.raises(error, match=message):
        model.fit(images, batch_size=2, verbose=0)
    assert_nothing_ran(model)


@pytest.mark.parametrize(
    "cls, init, labels",
    [
        ("GAN", {"latent_dim": 8}, None),
        ("CGAN", {"latent_dim": 8, "num_classes": 3}, np.arange(4) % 3),
        ("SGAN", {"latent_dim": 8, "num_classes": 3, "filters": 4}, np.arange(4) % 3),
        ("InfoGAN", {"filters": 4}, None),
    ],
)
def test_every_family_refuses_images_outside_minus_one_one(cls, init, labels):
    model = getattr(ganzoo, cls)(image_shape=(28, 28, 1), **init)
    model.compile()
    images = fake_images(4, (28, 28, 1)) * 127.5 + 127.5  # [0, 255] floats
    with pytest.raises(ValueError, match=r"`x` must be scaled to \[-1, 1\]"):
        model.fit(images, labels, batch_size=2, verbose=0)
    assert all(
        int(keras.ops.convert_to_numpy(getattr(model, name).iterations)) == 0
        for name in model.optimizer_names
    )


class PoisonAt(keras.callbacks.Callback):
    """Turns one discriminator weight into NaN before batch `batch`."""

    def __init__(self, batch):
        super().__init__()
        self.batch = batch

    def on_train_batch_begin(self, batch, logs=None):
        if batch == self.batch:
            weight = self.model.discriminator.trainable_weights[0]
            weight.assign(keras.ops.full(weight.shape, float("nan")))


def test_terminate_on_nan_stops_at_the_first_nan_loss():
    images = fake_images(32, TINY["image_shape"])
    model = tiny_model()
    history = model.fit(
        images,
        batch_size=4,
        epochs=1,
        verbose=0,
        callbacks=[PoisonAt(3), keras.callbacks.TerminateOnNaN()],
    )
    assert model.stop_training
    assert iterations(model) == [4, 4]  # three good batches, then the NaN one
    assert np.isnan(history.history["loss"][-1])
    with pytest.raises(RuntimeError, match="NaN"):
        tiny_model().fit(
            images,
            batch_size=4,
            verbose=0,
            callbacks=[PoisonAt(1), keras.callbacks.TerminateOnNaN(raise_error=True)],
        )


def test_loss_is_the_sum_of_the_phase_losses():
    images = fake_images(8, TINY["image_shape"])
    history = tiny_model().fit(images, batch_size=8, epochs=1, verbose=0).history
    np.testing.assert_allclose(
        history["loss"], np.add(history["d_loss"], history["g_loss"]), rtol=1e-5
    )


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

    Each backend's check starts its own process, whichever suite runs it, so
    with `runs_on_this_backend` each suite checks its own backend only
    (GANZOO_TEST_ALL=1: all three in every suite).
    """
    if not runs_on_this_backend(BACKENDS.index(backend)):
        pytest.skip("runs in another backend's suite (GANZOO_TEST_ALL=1: here too)")
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


@pytest.mark.parametrize(
    "data, kwargs, error, message",
    [
        (None, {}, ValueError, r"needs training data `x`.*Received: x=None"),
        ("list", {}, TypeError, r"a list is ambiguous.*np\.stack"),
        ("images", {"batch_size": 0}, ValueError, r"`batch_size`.*batch_size=0"),
        ("images", {"batch_size": -3}, ValueError, r"batch_size=-3"),
        ("images", {"batch_size": 2.5}, TypeError, r"batch_size=2\.5"),
        ("images", {"batch_size": "8"}, TypeError, r"batch_size='8'"),
    ],
)
def test_bad_fit_arguments_are_named(data, kwargs, error, message):
    images = fake_images(8, TINY["image_shape"])
    x = {"images": images, "list": list(images[:2])}.get(data)
    model = tiny_model()
    with pytest.raises(error, match=message):
        model.fit(x, verbose=0, **kwargs)
    assert_nothing_ran(model)


def test_steps_per_execution_must_be_positive():
    with pytest.raises(ValueError, match=r"steps_per_execution=0"):
        ganzoo.DCGAN(**TINY).compile(steps_per_execution=0)


def test_data_loader_of_bare_tensors_is_refused():
    torch = pytest.importorskip("torch")

    class Bare(torch.utils.data.Dataset):
        def __len__(self):
            return 8

        def __getitem__(self, index):
            return torch.zeros(28, 28, 1)

    model = tiny_model()
    with pytest.raises(TypeError, match=r"must yield tuples.*\(image,\)"):
        model.fit(torch.utils.data.DataLoader(Bare(), batch_size=4), verbose=0)
    assert_nothing_ran(model)


def test_string_labels_are_refused():
    model = ganzoo.CGAN(image_shape=(28, 28, 1), latent_dim=8, num_classes=3)
    model.compile()
    images = fake_images(4, (28, 28, 1))
    with pytest.raises(TypeError, match=r"`y` must be integer class ids"):
        model.fit(images, np.array(["a", "b", "c", "a"]), batch_size=2, verbose=0)
    with pytest.raises(TypeError, match=r"`labels` must be integer class ids.*'7'"):
        model.generate(2, labels="7")


def test_labels_that_are_not_class_ids_name_the_fix():
    model = ganzoo.CGAN(image_shape=(28, 28, 1), latent_dim=8, num_classes=3)
    with pytest.raises(TypeError, match=r"`labels` must be integer class ids in"):
        model.generate(2, labels="7")
    with pytest.raises(
        ValueError, match=r"class ids of shape \(num_images,\), not one-hot"
    ):
        model.generate(2, labels=np.eye(3, dtype="int32")[:2])
    # One label for every image, whichever scalar holds it.
    expected = model.generate(2, labels=2, seed=0)
    for label in (np.array(2), 2.0):
        np.testing.assert_array_equal(model.generate(2, labels=label, seed=0), expected)
    model.compile()
    with pytest.raises(
        ValueError, match=r"`y` must be integer class ids, one per image.*y=1$"
    ):
        model.fit(fake_images(4, (28, 28, 1)), 1, batch_size=2, verbose=0)


@pytest.mark.parametrize("family", ["Pix2Pix", "CycleGAN"])
def test_empty_image_pairs_are_refused(family):
    if family == "Pix2Pix":
        model = ganzoo.Pix2Pix(image_shape=(32, 32, 1), target_channels=1, filters=4)
    else:
        model = ganzoo.CycleGAN(image_shape=(32, 32, 1), filters=4)
    model.compile()
    empty = np.zeros((0, 32, 32, 1), "float32")
    with pytest.raises(ValueError, match="no batches"):
        model.fit((empty, empty), batch_size=2, verbose=0)
    with pytest.raises(ValueError, match="no batches"):
        model.fit(empty, empty, batch_size=2, verbose=0)


@pytest.mark.parametrize(
    "cls, init, names",
    [
        ("DCGAN", TINY, r"d_optimizer=\.\.\., g_optimizer=\.\.\."),
        (
            "CycleGAN",
            {"image_shape": (32, 32, 1), "filters": 4},
            r"d_optimizer=\.\.\., g_optimizer=\.\.\.",
        ),
        (
            "StackedGAN",
            {"image_shape": (28, 28, 1), "num_classes": 3},
            r"d0_optimizer=\.\.\., d1_optimizer=\.\.\., g0_optimizer",
        ),
    ],
)
def test_keras_style_compile_names_the_players_optimizers(cls, init, names):
    model = getattr(ganzoo, cls)(**init)
    with pytest.raises(TypeError, match=names + r".*\['loss', 'optimizer'\]"):
        model.compile(optimizer="adam", loss="binary_crossentropy")


def test_demo_task_repr_is_short():
    text = repr(ganzoo.datasets.demo_task("digits_to_edges"))
    assert text.startswith("DemoTask('digits_to_edges', paired, train A/B: (")
    assert len(text) < 200


def test_one_image_without_batch_axis_suggests_adding_it():
    model = ganzoo.Pix2Pix(image_shape=(32, 32, 1), target_channels=1, filters=4)
    with pytest.raises(ValueError, match=r"one image of shape \(32, 32, 1\).*\[None\]"):
        model.translate(np.zeros((32, 32, 1), "float32"))


class LabelledData(keras.utils.PyDataset):
    def __init__(self, images, labels, batch_size):
        super().__init__()
        self.images, self.labels, self.batch_size = images, labels, batch_size

    def __len__(self):
        return len(self.images) // self.batch_size

    def __getitem__(self, i):
        part = slice(i * self.batch_size, (i + 1) * self.batch_size)
        return self.images[part], self.labels[part]


@pytest.mark.parametrize(
    "cls, init, bad",
    [
        ("SGAN", {"latent_dim": 8, "num_classes": 3, "filters": 4}, -2),
        ("SGAN", {"latent_dim": 8, "num_classes": 3, "filters": 4}, 3),
        ("StackedGAN", {"num_classes": 3}, 9),
    ],
)
def test_bad_labels_from_a_dataset_stop_training(cls, init, bad):
    model = getattr(ganzoo, cls)(image_shape=(28, 28, 1), **init)
    images = fake_images(8, (28, 28, 1))
    labels = np.array([0, 1, 2, 0, 1, bad, 2, 0])
    if cls == "StackedGAN":
        model.pretrain_encoder(images, np.arange(8) % 3, epochs=1, verbose=0)
    model.compile()
    good = LabelledData(images, np.arange(8) % 3, 4)
    history = model.fit(good, epochs=1, verbose=0, shuffle=False)
    assert "invalid_labels" not in history.history
    with pytest.raises(ValueError, match=r"dataset yielded labels outside \[0, 3\)"):
        model.fit(LabelledData(images, labels, 4), epochs=1, verbose=0, shuffle=False)
