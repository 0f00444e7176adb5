"""`model.export` on the active backend: every format Keras writes here,
reloaded with its runtime, against the model's own `generate`/`translate`."""

import os
import sys

import keras
import numpy as np
import pytest

import ganzoo
from ganzoo.export import ExportMismatchError
from ganzoo.export import formats
from ganzoo.export import runtimes
from ganzoo.export import serving

BACKEND = keras.backend.backend()
HERE = tuple(formats.WRITERS[BACKEND])
ELSEWHERE = tuple(f for f in formats.FORMATS if f not in HERE)
SUFFIX = {**formats.SUFFIXES, "tf_saved_model": ""}

DIGITS = {"image_shape": (28, 28, 1), "latent_dim": 8, "seed": 2}
TINY = {
    "dcgan": (ganzoo.DCGAN, {**DIGITS, "filters": 8}),
    "cgan": (ganzoo.CGAN, DIGITS),
    "pix2pix": (
        ganzoo.Pix2Pix,
        {"image_shape": (32, 32, 1), "target_channels": 3, "filters": 4, "seed": 2},
    ),
}


@pytest.fixture(scope="module")
def models():
    return {name: cls(**kwargs) for name, (cls, kwargs) in TINY.items()}


def path_for(tmp_path, format, name="model"):
    return str(tmp_path / f"{name}{SUFFIX[format]}")


def served(model, format, path, inputs):
    """What the export at `path` returns for `inputs` (a dict by name)."""
    return np.asarray(runtimes.run(format, path, inputs))


def keras_outputs(model, inputs):
    """The model's own sampling API on the same inputs."""
    if "images" in inputs:
        return model.translate(inputs["images"])
    if "labels" in inputs:
        return model.generate(3, labels=inputs["labels"], seed=7)
    return model.generate(3, seed=7)


@pytest.mark.parametrize("name", list(TINY))
@pytest.mark.parametrize("format", HERE)
def test_export_matches_the_keras_model(models, tmp_path, format, name):
    model = models[name]
    path = path_for(tmp_path, format)
    report = model.export(path, format=format, verbose=False)
    assert report.max_abs_diff <= 1e-4 and report.tolerance == 1e-4
    assert report.path == path and report.backend == BACKEND
    assert os.path.exists(path)
    # Nothing but the export (and an ONNX file's weights beside it) is left.
    assert {n.removesuffix(".data") for n in os.listdir(tmp_path)} == {
        os.path.basename(path)
    }
    inputs = serving.example_inputs(model, 3, seed=7)
    expected = keras_outputs(model, inputs)
    # Another batch size than the check's: the batch size is left open.
    for batch in (1, 3):
        actual = served(model, format, path, {k: v[:batch] for k, v in inputs.items()})
        assert actual.dtype == np.float32
        np.testing.assert_allclose(actual, expected[:batch], atol=1e-4, rtol=0)
    assert "max abs difference" in str(report)


@pytest.mark.parametrize("format", HERE)
def test_uint8_options(models, tmp_path, format):
    model = models["pix2pix"]
    path = path_for(tmp_path, format, "pix2pix_uint8")
    report = model.export(
        path, format=format, uint8_output=True, uint8_input=True, verbose=False
    )
    assert report.inputs == {"images": "(None, 32, 32, 1) uint8"}
    assert report.output == "(None, 32, 32, 3) uint8"
    assert report.max_abs_diff <= 1 and report.tolerance == 1
    images = np.random.default_rng(0).integers(0, 256, (2, 32, 32, 1), "uint8")
    actual = served(model, format, path, {"images": images})
    expected = ganzoo.images.to_uint8(model.translate(ganzoo.images.from_uint8(images)))
    assert actual.dtype == np.uint8
    assert np.max(np.abs(actual.astype(int) - expected.astype(int))) <= 1


def test_uint8_output_of_a_generator(models, tmp_path):
    format = HERE[0]
    model = models["cgan"]
    path = path_for(tmp_path, format)
    report = model.export(path, format=format, uint8_output=True, verbose=False)
    assert report.inputs == {"z": "(None, 8) float32", "labels": "(None,) int32"}
    inputs = serving.example_inputs(model, 3, seed=7)
    actual = served(model, format, path, inputs)
    expected = ganzoo.images.to_uint8(keras_outputs(model, inputs))
    assert actual.dtype == np.uint8
    assert np.max(np.abs(actual.astype(int) - expected.astype(int))) <= 1


def test_pix2pix_exports_without_dropout(models, tmp_path):
    model = models["pix2pix"]
    assert model.dropout  # the paper's generator, with dropout layers
    format = HERE[0]
    images = serving.example_inputs(model, 2, seed=3)
    first, second = (
        path_for(tmp_path, format, "first"),
        path_for(tmp_path, format, "second"),
    )
    model.export(first, format=format, verbose=False)
    model.export(second, format=format, verbose=False)
    outputs = [served(model, format, p, images) for p in (first, second, first)]
    np.testing.assert_array_equal(outputs[0], outputs[1])
    np.testing.assert_array_equal(outputs[0], outputs[2])
    with pytest.raises(ValueError, match="test_time_dropout=True"):
        model.export(path_for(tmp_path, format), format, test_time_dropout=True)


def test_cyclegan_exports_the_chosen_direction(tmp_path):
    model = ganzoo.CycleGAN(
        image_shape=(32, 32, 3), filters=4, num_blocks=1, seed=2, ema_decay=0.9
    )
    format = HERE[0]
    path = path_for(tmp_path, format)
    report = model.export(path, format=format, direction="b_to_a", verbose=False)
    assert report.networks == ("generator_ba_ema",)
    images = serving.example_inputs(model, 2, direction="b_to_a", seed=1)
    np.testing.assert_allclose(
        served(model, format, path, images),
        model.translate(images["images"], direction="b_to_a"),
        atol=1e-4,
    )
    with pytest.raises(ValueError, match="direction"):
        model.export(path, format=format, direction="sideways", verbose=False)


def test_argument_errors(models, tmp_path):
    dcgan = models["dcgan"]
    format = HERE[0]
    with pytest.raises(ValueError, match="Received: format='png'"):
        dcgan.export(str(tmp_path / "x.png"), format="png")
    with pytest.raises(ValueError, match="uint8_input"):
        dcgan.export(path_for(tmp_path, format), format, uint8_input=True)
    with pytest.raises(ValueError, match="direction"):
        dcgan.export(path_for(tmp_path, format), format, direction="a_to_b")
    with pytest.raises(ValueError, match="tolerance"):
        dcgan.export(path_for(tmp_path, format), format, tolerance=-1)
    for other in set(formats.SUFFIXES) & set(HERE):
        with pytest.raises(ValueError, match=f"ends with '{formats.SUFFIXES[other]}'"):
            dcgan.export(str(tmp_path / "model.bin"), format=other)
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("format", ELSEWHERE)
def test_format_not_written_on_this_backend(models, tmp_path, format):
    backends = formats.backends_for(format)
    with pytest.raises(ValueError, match=f"KERAS_BACKEND={backends[0]}"):
        models["dcgan"].export(path_for(tmp_path, format), format=format)


@pytest.mark.parametrize("format", HERE)
def test_missing_package(models, tmp_path, monkeypatch, format):
    needed = formats.WRITERS[BACKEND][format] + (formats.RUNTIMES[format],)
    missing = [m for m in needed if m != BACKEND]
    if not missing:
        pytest.skip(f"{format} needs nothing but the {BACKEND} backend itself")
    monkeypatch.setitem(sys.modules, missing[-1], None)  # as if not installed
    with pytest.raises(ImportError, match=rf"{missing[-1]}.*keras-ganzoo\["):
        models["dcgan"].export(path_for(tmp_path, format), format=format)


def test_a_mismatch_leaves_no_file(models, tmp_path, monkeypatch):
    format = HERE[0]
    path = path_for(tmp_path, format)
    run = runtimes.run
    monkeypatch.setattr(runtimes, "run", lambda *args: run(*args) + 1e-3)
    with pytest.raises(ExportMismatchError, match="tolerance 0.0001"):
        models["dcgan"].export(path, format=format, verbose=False)
    assert os.listdir(tmp_path) == []
