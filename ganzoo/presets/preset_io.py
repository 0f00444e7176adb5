"""A preset folder on disk, in keras-hub's layout.

config.json        the model, as `keras.saving.serialize_keras_object`
model.weights.h5   its weights
metadata.json      versions, parameter count, recipe, measured quality,
                   and the SHA-256 of every other file
README.md          the model card
sample.png         samples, for generators
"""

import datetime
import json
import os
import shutil
import tempfile

import keras
import numpy as np

from ganzoo import backend
from ganzoo import images as image_utils
from ganzoo.presets.download import file_sha256
from ganzoo.presets.safety import UnsafePresetError
from ganzoo.presets.safety import check_config
from ganzoo.version import __version__

CONFIG_FILE = "config.json"
WEIGHTS_FILE = "model.weights.h5"
METADATA_FILE = "metadata.json"
CARD_FILE = "README.md"
SAMPLE_FILE = "sample.png"
PRESET_FILES = (CONFIG_FILE, WEIGHTS_FILE, METADATA_FILE, CARD_FILE, SAMPLE_FILE)


def save_preset(model, folder, metadata=None, sample_inputs=None):
    """Writes `model` as a preset folder, replacing any folder already there.

    The folder is written beside its destination and moved into place at
    the end, so an interrupted save never leaves a half-written preset.

    Args:
        model: A ganzoo model (or any registered Keras model).
        folder: Destination folder.
        metadata: Optional dict merged into `metadata.json`: `description`,
            `dataset`, `recipe` (the command that trained it),
            `training_steps`, `metrics` (measured quality figures).
        sample_inputs: For models with `translate` (image-to-image), images
            in [-1, 1]; the sample image shows each beside its translation.

    In a distributed run only the first process writes; the others return
    at once (their weights are the same).

    Returns:
        The folder.
    """
    folder = os.path.abspath(folder)
    if not backend.is_chief():
        return folder
    parent = os.path.dirname(folder)
    os.makedirs(parent, exist_ok=True)
    staging = tempfile.mkdtemp(prefix=".preset-", dir=parent)
    try:
        with backend.on_this_process():
            _write_preset(
                model, staging, os.path.basename(folder), metadata, sample_inputs
            )
        if os.path.exists(folder):
            shutil.rmtree(folder)
        os.replace(staging, folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return folder


def _write_preset(model, staging, name, metadata, sample_inputs):
    """Writes the files of preset `name` into the folder `staging`."""
    config = keras.saving.serialize_keras_object(model)
    config.pop("compile_config", None)  # presets carry no optimizer
    _write_json(os.path.join(staging, CONFIG_FILE), config)
    _uncompiled_twin(model, config).save_weights(os.path.join(staging, WEIGHTS_FILE))
    files = [CONFIG_FILE, WEIGHTS_FILE]
    meta = dict(metadata or {})
    samples = _sample_grid(model, sample_inputs)
    if samples is not None:
        image_utils.save_grid(
            samples[0], os.path.join(staging, SAMPLE_FILE), columns=samples[1]
        )
        files.append(SAMPLE_FILE)
    check = output_check(model)
    if check is not None:
        meta["output_check"] = check
    meta.update(
        name=name,
        class_name=type(model).__name__,
        registered_name=keras.saving.get_registered_name(type(model)),
        parameter_count=int(model.count_params()),
        ganzoo_version=__version__,
        keras_version=keras.__version__,
        saved_with_backend=keras.backend.backend(),
        created=datetime.date.today().isoformat(),
    )
    with open(os.path.join(staging, CARD_FILE), "w") as f:
        f.write(model_card(meta, has_sample=SAMPLE_FILE in files))
    files.append(CARD_FILE)
    meta["files"] = {
        file: file_sha256(os.path.join(staging, file)) for file in sorted(files)
    }
    _write_json(os.path.join(staging, METADATA_FILE), meta)


def _uncompiled_twin(model, config):
    """A copy of `model` without optimizer, whose weights file is the model's.

    `save_weights` on a compiled model also stores the optimizers' slots,
    which would triple a preset's size and mean nothing to its users.
    """
    if getattr(model, "optimizer", None) is None:
        return model
    twin = keras.saving.deserialize_keras_object(config)
    for mine, theirs in zip(twin.weights, model.weights, strict=True):
        mine.assign(keras.ops.convert_to_numpy(theirs.value))
    return twin


def _sample_grid(model, sample_inputs):
    """`(images, columns)` of the model card's sample image, or None."""
    if hasattr(model, "generate"):
        return model.generate(64, seed=0), None
    if hasattr(model, "translate") and sample_inputs is not None:
        inputs = np.asarray(sample_inputs, "float32")
        return image_utils.side_by_side(inputs, model.translate(inputs)), 8
    return None


def check_inputs(image_shape, num_images=2):
    """Fixed images in [-1, 1] that an image-to-image preset's check uses."""
    rng = np.random.default_rng(0)
    return rng.uniform(-1, 1, (num_images,) + tuple(image_shape)).astype("float32")


def output_check(model):
    """A fixed slice of the model's output, to catch silent drift.

    Generators record `generate(2, seed=0)`; image-to-image models the
    translation of `check_inputs(model.image_shape)`. None for other
    models.
    """
    if hasattr(model, "generate"):
        call = "generate(2, seed=0)"
        images = model.generate(2, seed=0)
    elif hasattr(model, "translate"):
        call = "translate(check_inputs(image_shape))"
        images = np.asarray(model.translate(check_inputs(model.image_shape)))
    else:
        return None
    return {
        "call": f"{call}[:, 8:12, 8:12, 0]",
        "values": images[:, 8:12, 8:12, 0].round(6).tolist(),
    }


def read_metadata(folder):
    path = os.path.join(folder, METADATA_FILE)
    if not os.path.isfile(path):
        raise FileNotFoundError(
            f"{folder!r} is not a ganzoo preset: it has no {METADATA_FILE}."
        )
    metadata = _read_json(path)
    if not isinstance(metadata, dict):
        raise ValueError(
            f"{path} must hold a JSON object (the preset's metadata). "
            f"Received: a JSON {type(metadata).__name__}"
        )
    return metadata


def _read_json(path):
    """The JSON in `path`; a `ValueError` naming the file if it is not JSON."""
    with open(path) as f:
        try:
            return json.load(f)
        except json.JSONDecodeError as error:
            raise ValueError(f"{path} is not valid JSON: {error}") from None


def verify_files(folder, metadata):
    """Checks every file against the SHA-256 recorded in `metadata.json`."""
    recorded = metadata.get("files", {})
    if not isinstance(recorded, dict):
        raise ValueError(
            f'{folder}: {METADATA_FILE}\'s "files" must map file names to '
            f"SHA-256 hashes. Received: {recorded!r}"
        )
    for name in (CONFIG_FILE, WEIGHTS_FILE):
        if name not in recorded:
            raise ValueError(f"{folder}: {METADATA_FILE} records no hash of {name}.")
    for name, expected in recorded.items():
        if name not in PRESET_FILES:
            raise UnsafePresetError(
                f"{folder}: {METADATA_FILE} lists an unexpected file. "
                f"Expected some of {list(PRESET_FILES)}. Received: {name!r}"
            )
        path = os.path.join(folder, name)
        if not os.path.isfile(path):
            raise FileNotFoundError(f"Preset file missing: {path}")
        actual = file_sha256(path)
        if actual != expected:
            raise ValueError(
                f"Preset file {path} is corrupted: its SHA-256 is {actual}, "
                f"{METADATA_FILE} records {expected}."
            )


def load_preset_folder(folder, expected_class=None, overrides=None):
    """Builds the model a verified preset folder describes and loads weights.

    Args:
        folder: A local preset folder.
        expected_class: If given, the preset's class must be it or a
            subclass of it.
        overrides: Constructor arguments replacing those in `config.json`.
    """
    metadata = read_metadata(folder)
    verify_files(folder, metadata)
    config_path = os.path.join(folder, CONFIG_FILE)
    config = _read_json(config_path)
    if not isinstance(config, dict) or not isinstance(config.get("config"), dict):
        raise ValueError(
            f"{config_path} must hold a serialized Keras object: a JSON object "
            'with "class_name", "registered_name" and a "config" object.'
        )
    check_config(config)
    cls = keras.saving.get_registered_object(config.get("registered_name"))
    if cls is None:
        raise UnsafePresetError(
            f"{folder}: {CONFIG_FILE} names a class that is not registered "
            f"with ganzoo or Keras. Received: "
            f"registered_name={config.get('registered_name')!r}"
        )
    if expected_class is not None and not issubclass(cls, expected_class):
        raise ValueError(
            f"Preset {metadata.get('name', folder)!r} is a {cls.__name__}, not "
            f"a {expected_class.__name__}: load it with "
            f"`ganzoo.{cls.__name__}.from_preset(...)` or "
            "`ganzoo.from_preset(...)`."
        )
    overrides = dict(overrides or {})
    unknown = sorted(set(overrides) - set(config["config"]))
    if unknown:
        raise TypeError(
            f"{cls.__name__} presets take overrides of "
            f"{sorted(config['config'])}. Received unknown: {unknown}"
        )
    if "dtype" not in overrides:
        # The weights are float32 whatever policy trained them; the model
        # computes under the current global policy unless `dtype=` is given.
        config["config"].pop("dtype", None)
    config["config"].update(overrides)
    config.pop("build_config", None)
    model = keras.saving.deserialize_keras_object(config, safe_mode=True)
    model.load_weights(os.path.join(folder, WEIGHTS_FILE))
    if not overrides and model.dtype_policy.name == "float32":
        check_recorded_output(model, metadata, folder)
    return model


#: How far a preset's outputs may stray from those recorded when it was
#: saved (backends and CPUs round differently; altered weights move more).
OUTPUT_TOLERANCE = 1e-3


def check_recorded_output(model, metadata, folder):
    """Raises unless `model` reproduces the preset's recorded `output_check`."""
    recorded = metadata.get("output_check")
    if not recorded:
        return
    now = output_check(model)
    if now is None or now["call"] != recorded.get("call"):
        return  # recorded by another kind of model: nothing to compare
    expected = np.asarray(recorded.get("values"), dtype="float32")
    actual = np.asarray(now["values"], dtype="float32")
    if expected.shape != actual.shape:
        raise ValueError(
            f"{folder}: {METADATA_FILE}'s output_check has shape "
            f"{expected.shape}, the model's output {actual.shape}."
        )
    difference = float(np.max(np.abs(expected - actual), initial=0.0))
    if not difference <= OUTPUT_TOLERANCE:
        raise ValueError(
            f"{folder}: the loaded model does not reproduce the output recorded "
            f"when the preset was saved ({recorded['call']}): it differs by up "
            f"to {difference:.3g} (tolerance {OUTPUT_TOLERANCE}). The weights "
            "or config were altered after saving."
        )


def model_card(meta, has_sample):
    lines = [f"# {meta['name']}", ""]
    if meta.get("description"):
        lines += [meta["description"], ""]
    lines += [
        f'Load it with `ganzoo.{meta["class_name"]}.from_preset("{meta["name"]}")`.',
        "",
        "| | |",
        "| --- | --- |",
        f"| Class | `{meta['class_name']}` |",
        f"| Parameters | {meta['parameter_count']:,} |",
    ]
    for key in ("dataset", "training_steps"):
        if key in meta:
            lines.append(f"| {key.replace('_', ' ').capitalize()} | {meta[key]} |")
    if "training_seconds" in meta:
        minutes = meta["training_seconds"] / 60
        where = meta.get("training_hardware", "the recipe's machine")
        lines.append(f"| Training time | {minutes:.0f} min on {where} |")
    saved_with = (
        f"ganzoo {meta['ganzoo_version']}, Keras {meta['keras_version']} "
        f"({meta['saved_with_backend']})"
    )
    lines += [f"| Saved with | {saved_with} |", ""]
    if meta.get("metrics"):
        lines += ["## Measured quality", "", "| Figure | Value |", "| --- | --- |"]
        for key, value in meta["metrics"].items():
            shown = f"{value:.4g}" if isinstance(value, float) else value
            lines.append(f"| {key} | {shown} |")
        lines.append("")
    if meta.get("learning_curve"):
        lines += _curve_table(meta["learning_curve"])
    if meta.get("recipe"):
        lines += ["## Recipe", "", "```bash", meta["recipe"], "```", ""]
    if has_sample:
        caption = (
            "inputs, each beside its translation"
            if meta.get("output_check", {}).get("call", "").startswith("translate")
            else "samples, seed 0"
        )
        lines += ["## Samples", "", f"![{caption}]({SAMPLE_FILE})", ""]
    return "\n".join(lines)


def _curve_table(curve):
    """The card's learning curve: one row per measurement while training."""
    figures = [key for key in curve[0] if key not in ("epoch", "generator_steps")]
    lines = [
        "## Learning curve",
        "",
        "| Epoch | Steps | " + " | ".join(k.replace("_", " ") for k in figures) + " |",
        "| --- | --- | " + " | ".join("---" for _ in figures) + " |",
    ]
    for point in curve:
        cells = [
            f"{point[k]:.4g}" if isinstance(point.get(k), float) else str(point.get(k))
            for k in figures
        ]
        lines.append(
            f"| {point['epoch']} | {point['generator_steps']:,} | "
            + " | ".join(cells)
            + " |"
        )
    return lines + [""]


def _write_json(path, value):
    with open(path, "w") as f:
        json.dump(value, f, indent=2, sort_keys=True)
        f.write("\n")
