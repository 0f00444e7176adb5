"""Which export formats Keras 3.15 writes on which backend, and what they need.

Every check here runs before a model is touched, so that a format the
active backend cannot write, a missing package or a file name of the wrong
kind is refused at once with the fix in the message.
"""

import importlib.util
import os

import keras

#: The formats `BaseGAN.export` writes, each where Keras supports it.
FORMATS = ("tf_saved_model", "onnx", "litert", "torch")

#: What installs every package an export needs besides the backend itself.
EXPORT_EXTRA = 'pip install "keras-ganzoo[export]"'

#: The modules Keras imports to write each format, by backend.
WRITERS = {
    "tensorflow": {
        "tf_saved_model": (),
        "onnx": ("tf2onnx", "onnx"),
        "litert": (),
    },
    "jax": {"tf_saved_model": ("tensorflow",), "onnx": ("jax2onnx", "onnx")},
    "torch": {"onnx": ("onnx", "onnxscript"), "torch": ()},
}

#: The runtime each format is reloaded with to check the export.
RUNTIMES = {
    "tf_saved_model": "tensorflow",
    "onnx": "onnxruntime",
    "litert": "ai_edge_litert",
    "torch": "torch",
}

#: The file name ending Keras requires, for the formats written as one file.
SUFFIXES = {"onnx": ".onnx", "litert": ".tflite", "torch": ".pt2"}

#: Why a format is not offered on a backend, where Keras would need more.
_NOT_ON = {
    ("jax", "litert"): "Keras writes LiteRT from TensorFlow and PyTorch only",
    ("torch", "litert"): "Keras's PyTorch route to LiteRT (litert-torch) fixes "
    "the batch size, and ganzoo's exports keep it open",
    ("torch", "tf_saved_model"): "Keras's PyTorch route to a SavedModel needs "
    "torch_xla, which has no build for this PyTorch",
    ("tensorflow", "torch"): "a torch.export program is traced by PyTorch",
    ("jax", "torch"): "a torch.export program is traced by PyTorch",
}

#: How to install a module the export extra does not hold.
_INSTALL = {
    "tensorflow": 'pip install "keras-ganzoo[tensorflow-cpu]"',
    "torch": 'pip install "keras-ganzoo[torch]"',
}


def backends_for(format):
    """The backends on which `format` can be exported."""
    return [name for name, formats in WRITERS.items() if format in formats]


def check_format(format):
    """Raises unless `format` can be exported and checked on this backend.

    Raises:
        ValueError: `format` is unknown, or not written on the active
            backend (the message names the backends that write it).
        ImportError: A package the export or its check needs is missing
            (the message gives the `pip install` line).
    """
    if format not in FORMATS:
        raise ValueError(
            f"`format` must be one of {list(FORMATS)}. Received: format={format!r}"
        )
    backend = keras.backend.backend()
    if format not in WRITERS.get(backend, {}):
        others = " or ".join(f"KERAS_BACKEND={b}" for b in backends_for(format))
        raise ValueError(
            f"format={format!r} cannot be exported on the {backend} backend: "
            f"{_NOT_ON[(backend, format)]}. Run the export with {others}."
        )
    needed = WRITERS[backend][format] + (RUNTIMES[format],)
    missing = [module for module in needed if importlib.util.find_spec(module) is None]
    if missing:
        install = sorted({_INSTALL.get(module, EXPORT_EXTRA) for module in missing})
        raise ImportError(
            f"Exporting format={format!r} on the {backend} backend needs the "
            f"package(s) {', '.join(missing)}, which are not installed. "
            f"Install with: {' and '.join(install)}"
        )


def check_path(filepath, format):
    """Raises `ValueError` unless `filepath` suits `format`; returns it as str.

    A SavedModel is a folder; the other formats are one file whose name
    must end as Keras requires (`.onnx`, `.tflite`, `.pt2`).
    """
    filepath = os.fspath(filepath)
    suffix = SUFFIXES.get(format)
    if suffix is not None and not filepath.endswith(suffix):
        raise ValueError(
            f"An export with format={format!r} is one file whose name ends "
            f"with {suffix!r}. Received: filepath={filepath!r}"
        )
    if suffix is not None and os.path.isdir(filepath):
        raise ValueError(
            f"`filepath` is a folder; format={format!r} writes one file. "
            f"Received: filepath={filepath!r}"
        )
    if suffix is None and os.path.isfile(filepath):
        raise ValueError(
            "`filepath` is a file; format='tf_saved_model' writes a folder. "
            f"Received: filepath={filepath!r}"
        )
    return filepath
