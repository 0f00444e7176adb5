"""Exports reloaded with TensorFlow and PyTorch, as a server would run them.

`ganzoo.export` checks each export it writes by running it here (and with
onnxruntime or LiteRT, which need no framework) on the inputs the Keras
model was run on.
"""


def run_saved_model(path, arrays):
    """Runs the `serve` endpoint of the SavedModel at `path` on `arrays`.

    Args:
        path: A folder written by `export(format="tf_saved_model")`.
        arrays: The inputs, NumPy arrays in the export's input order.

    Returns:
        The output as a NumPy array.
    """
    import tensorflow as tf

    loaded = tf.saved_model.load(path)
    tensors = [tf.constant(array) for array in arrays]
    return loaded.serve(tensors[0] if len(tensors) == 1 else tensors).numpy()


def run_torch_program(path, arrays):
    """Runs the `torch.export` program at `path` (a `.pt2` file) on `arrays`."""
    import torch

    module = torch.export.load(path).module()
    tensors = [torch.from_numpy(array) for array in arrays]
    with torch.no_grad():
        output = module(tensors[0] if len(tensors) == 1 else tensors)
    return output.detach().cpu().numpy()


def torch_dynamic_batch(num_inputs):
    """`dynamic_shapes` leaving the batch size of every input open.

    For `keras.Model.export(format="torch")` of a functional model taking
    one tensor (`num_inputs == 1`) or a list of `num_inputs` tensors.
    """
    import torch

    batch = torch.export.Dim("batch", min=1)
    if num_inputs == 1:
        return {0: batch}
    return [([{0: batch} for _ in range(num_inputs)],)]
