"""Runs a written export with the runtime its users serve it with.

SavedModels and `torch.export` programs are run by
`ganzoo.backend.export_runtimes` (the only place that imports a framework);
ONNX files by onnxruntime and LiteRT files by the LiteRT interpreter,
imported here only when used.
"""

import importlib.metadata

#: The distribution behind each runtime, for the export report.
_DISTRIBUTIONS = {
    "tf_saved_model": "tensorflow",
    "onnx": "onnxruntime",
    "litert": "ai-edge-litert",
    "torch": "torch",
}


def describe(format):
    """The runtime that checks `format`, with its version, e.g. 'torch 2.13.0'."""
    name = _DISTRIBUTIONS[format]
    for distribution in (name, f"{name}-cpu"):
        try:
            return f"{name} {importlib.metadata.version(distribution)}"
        except importlib.metadata.PackageNotFoundError:
            continue
    return name


def run(format, path, arrays):
    """Runs the export at `path` on `arrays`; returns its output.

    Args:
        format: One of `ganzoo.export.FORMATS`.
        path: The written file or folder.
        arrays: A dict of NumPy arrays by input name, in the export's input
            order.

    Returns:
        The output as a NumPy array.
    """
    if format == "onnx":
        return _run_onnx(path, arrays)
    if format == "litert":
        return _run_litert(path, arrays)
    from ganzoo.backend import export_runtimes

    if format == "tf_saved_model":
        return export_runtimes.run_saved_model(path, list(arrays.values()))
    return export_runtimes.run_torch_program(path, list(arrays.values()))


def _run_onnx(path, arrays):
    import onnxruntime

    session = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
    feed = {
        spec.name: array
        for spec, array in zip(session.get_inputs(), arrays.values(), strict=True)
    }
    return session.run(None, feed)[0]


def _run_litert(path, arrays):
    from ai_edge_litert.interpreter import Interpreter

    interpreter = Interpreter(model_path=path)
    details = interpreter.get_signature_runner().get_input_details()
    # The batch size is left open in the file: set it and allocate before
    # making the runner that runs it (resizing inside a run fails with the
    # XNNPACK delegate).
    for name, array in arrays.items():
        interpreter.resize_tensor_input(details[name]["index"], array.shape)
    interpreter.allocate_tensors()
    (output,) = interpreter.get_signature_runner()(**arrays).values()
    return output
