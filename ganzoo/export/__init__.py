"""Exports of a model's sampling network for serving without ganzoo.

`export_model` (also `model.export(...)` on every ganzoo model) writes the
network that sampling uses as a TensorFlow SavedModel, an ONNX file, a
LiteRT file or a `torch.export` program, wherever Keras writes that format
on the active backend, then reloads it with the runtime a server would use,
runs it on the inputs the Keras model was run on, and keeps it only if the
outputs agree. See the guide "Serving a generator" (docs/export.md).
"""

import dataclasses
import os
import shutil
import tempfile
import warnings

import keras
import numpy as np

from ganzoo.export import formats
from ganzoo.export import runtimes
from ganzoo.export import serving
from ganzoo.export.formats import FORMATS

__all__ = ["FORMATS", "ExportMismatchError", "ExportReport", "export_model"]

#: Images per parity check: a batch size that no exporter traces with.
CHECK_BATCH = 3
#: Largest difference allowed between the Keras model and its export.
FLOAT_TOLERANCE = 1e-4
UINT8_TOLERANCE = 1


class ExportMismatchError(RuntimeError):
    """The reloaded export's outputs differ from the Keras model's."""


@dataclasses.dataclass(frozen=True)
class ExportReport:
    """What an export wrote and how closely it matches the Keras model.

    Attributes:
        path: The file (or, for a SavedModel, folder) written.
        format: Its format, one of `FORMATS`.
        backend: The Keras backend that wrote it.
        networks: The networks it holds (EMA copies where `ema_decay` is on).
        inputs: Each input's name, shape and dtype, e.g.
            `{"z": "(None, 100) float32"}`; `None` is the open batch size.
        output: The output's shape and dtype.
        runtime: The runtime the check reloaded it with, and its version.
        max_abs_diff: The largest difference between the export's outputs
            and the Keras model's on the same `CHECK_BATCH` inputs.
        tolerance: The largest difference that was allowed.
    """

    path: str
    format: str
    backend: str
    networks: tuple
    inputs: dict
    output: str
    runtime: str
    max_abs_diff: float
    tolerance: float

    def __str__(self):
        inputs = ", ".join(f"{name} {spec}" for name, spec in self.inputs.items())
        return (
            f"Exported {'+'.join(self.networks)} as {self.format} to {self.path} "
            f"({self.backend} backend)\n"
            f"  inputs: {inputs}\n"
            f"  output: {self.output}\n"
            f"  checked with {self.runtime}: max abs difference "
            f"{self.max_abs_diff:.3g} (tolerance {self.tolerance:g})"
        )


def export_model(
    model,
    filepath,
    format="tf_saved_model",
    *,
    direction=None,
    uint8_output=False,
    uint8_input=False,
    test_time_dropout=False,
    tolerance=None,
    verbose=True,
):
    """Writes the sampling network of `model` and proves the file equal to it.

    Args and the contract of the file: see `BaseGAN.export`.

    Returns:
        An `ExportReport`.

    Raises:
        ValueError: A bad argument, or a format the backend cannot write.
        ImportError: A package the format needs is missing.
        ExportMismatchError: The reloaded export disagrees with the Keras
            model by more than `tolerance`; nothing is left at `filepath`.
    """
    formats.check_format(format)
    filepath = formats.check_path(filepath, format)
    if tolerance is not None and not (
        isinstance(tolerance, (int, float)) and tolerance >= 0
    ):
        raise ValueError(
            "`tolerance` must be a number >= 0, or None for the default. "
            f"Received: tolerance={tolerance!r}"
        )
    network = serving.serving_model(
        model, direction, uint8_output, uint8_input, test_time_dropout
    )
    arrays = serving.example_inputs(model, CHECK_BATCH, direction, uint8_input)
    inputs = list(arrays.values())
    expected = keras.ops.convert_to_numpy(
        network(inputs[0] if len(inputs) == 1 else inputs, training=False)
    )
    if tolerance is None:
        tolerance = UINT8_TOLERANCE if uint8_output else FLOAT_TOLERANCE
    parent = os.path.dirname(os.path.abspath(filepath))
    os.makedirs(parent, exist_ok=True)
    # Written beside the target and moved there only once checked, so that
    # a failed export leaves no file that looks finished.
    staging = tempfile.mkdtemp(prefix=".ganzoo-export-", dir=parent)
    try:
        staged = os.path.join(staging, os.path.basename(filepath) or "export")
        _write(network, staged, format, len(inputs))
        actual = np.asarray(runtimes.run(format, staged, arrays))
        difference = _max_abs_diff(expected, actual, format)
        if not difference <= tolerance:
            raise ExportMismatchError(
                f"The {format} export differs from the Keras model by up to "
                f"{difference:.3g} (tolerance {tolerance:g}) on the same "
                "inputs; it was not written. Received: "
                f"filepath={filepath!r}"
            )
        _move_into_place(staging, staged, filepath)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    report = ExportReport(
        path=filepath,
        format=format,
        backend=keras.backend.backend(),
        networks=_network_names(model, network),
        inputs={
            name: f"{(None,) + array.shape[1:]} {array.dtype}"
            for name, array in arrays.items()
        },
        output=f"{(None,) + expected.shape[1:]} {expected.dtype}",
        runtime=runtimes.describe(format),
        max_abs_diff=difference,
        tolerance=float(tolerance),
    )
    if verbose:
        print(report)
    return report


def _write(network, path, format, num_inputs):
    kwargs = {}
    if format == "torch":
        from ganzoo.backend import export_runtimes

        kwargs["dynamic_shapes"] = export_runtimes.torch_dynamic_batch(num_inputs)
    with warnings.catch_warnings():
        # The tracers' warnings (values taken as constants, say) are noise
        # here: the parity check that follows is what proves the file.
        warnings.simplefilter("ignore")
        network.export(path, format=format, verbose=False, **kwargs)


def _network_names(model, network):
    """The model's names of the networks in `network`, `_ema` for averages."""
    averages = {
        id(getattr(model, f"{name}_ema", None)): f"{name}_ema"
        for name in model.averaged_networks
    }
    return tuple(
        averages.get(id(layer), layer.name)
        for layer in network.layers
        if isinstance(layer, keras.Model)
    )


def _max_abs_diff(expected, actual, format):
    if actual.shape != expected.shape or actual.dtype != expected.dtype:
        raise ExportMismatchError(
            f"The {format} export returns {actual.dtype} {actual.shape} where "
            f"the Keras model returns {expected.dtype} {expected.shape}."
        )
    if expected.size == 0:
        return 0.0
    diff = np.abs(expected.astype("float64") - actual.astype("float64"))
    return float(np.max(diff))


def _move_into_place(staging, staged, filepath):
    """Moves the checked export, and any file written beside it, to `filepath`.

    Exporters may write an ONNX file's weights to a file beside it
    (`model.onnx.data`), which the ONNX file names relative to itself.
    """
    parent = os.path.dirname(os.path.abspath(filepath))
    for name in os.listdir(staging):
        source = os.path.join(staging, name)
        target = filepath if source == staged else os.path.join(parent, name)
        if os.path.isdir(target):
            shutil.rmtree(target)
        os.replace(source, target)
