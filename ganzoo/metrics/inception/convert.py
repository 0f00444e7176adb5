"""Puts pytorch-fid's Inception `state_dict` into the Keras network."""

from collections.abc import Mapping

import numpy as np
from keras import layers

from ganzoo.metrics.inception.network import BiasAdd
from ganzoo.metrics.inception.network import build_fid_inception

# PyTorch buffers that carry no weights (BatchNorm's step counter).
_IGNORED_SUFFIX = ".num_batches_tracked"


def convert_state_dict(arrays, model=None):
    """Loads pytorch-fid's Inception weights into `build_fid_inception`'s model.

    `arrays` is the `state_dict` of pytorch-fid's
    `pt_inception-2015-12-05-6726825d.pth` as NumPy arrays (what
    `ganzoo.backend.torch_checkpoint.read_state_dict` returns), with keys
    such as `Conv2d_1a_3x3.conv.weight`, `Conv2d_1a_3x3.bn.running_var`,
    `Mixed_5b.branch1x1.conv.weight`, `fc.weight` and `fc.bias`. The Keras
    layer `Mixed_5b__branch1x1__conv` takes `Mixed_5b.branch1x1.conv.*`.
    Convolution kernels go from PyTorch's `(out, in, kh, kw)` to Keras's
    `(kh, kw, in, out)`, the `fc` matrix from `(out, in)` to `(in, out)`,
    BatchNorm's `weight`, `bias`, `running_mean` and `running_var` to
    `gamma`, `beta`, `moving_mean` and `moving_variance`.

    Every key and shape is checked before any weight is assigned, so a
    model is never left half loaded.

    Args:
        arrays: Mapping from PyTorch parameter name to array. Keys ending in
            `.num_batches_tracked` are ignored.
        model: A model from `build_fid_inception` to load the weights into.
            Defaults to a newly built one.

    Returns:
        The model, with the weights assigned.

    Raises:
        TypeError: if `arrays` is not a mapping of names to arrays.
        ValueError: if a key the network needs is missing, a key is not
            one of the network's, or an array has the wrong shape; the
            message names the key.

    Example:

    ```python
    from ganzoo.backend.torch_checkpoint import read_state_dict

    arrays = read_state_dict("pt_inception-2015-12-05-6726825d.pth")
    model = convert_state_dict(arrays)
    ```

    Reference:
        Seitzer, pytorch-fid (github.com/mseitzer/pytorch-fid): the
        published weights and their key layout (torchvision's Inception3
        module names, no auxiliary classifier).
    """
    if not isinstance(arrays, Mapping):
        raise TypeError(
            "`arrays` must be a mapping from PyTorch parameter names to arrays "
            f"(a state_dict). Received: {type(arrays).__name__}"
        )
    if model is None:
        model = build_fid_inception()
    targets = _targets(model)
    given = {key for key in arrays if not str(key).endswith(_IGNORED_SUFFIX)}
    missing = sorted(set(targets) - given)
    if missing:
        raise ValueError(
            f"The state_dict lacks {len(missing)} weight(s) of the FID Inception "
            f"network, e.g. {missing[0]!r}. Missing: {missing}"
        )
    unexpected = sorted(given - set(targets), key=str)
    if unexpected:
        raise ValueError(
            f"The state_dict has {len(unexpected)} key(s) that are not weights "
            f"of the FID Inception network, e.g. {unexpected[0]!r}. "
            f"Unexpected: {unexpected}"
        )
    values = []
    for key, (variable, transpose) in targets.items():
        value = _as_array(key, arrays[key])
        expected = tuple(variable.shape)
        if transpose is not None:
            expected = tuple(expected[i] for i in np.argsort(transpose))
        if value.shape != expected:
            raise ValueError(
                f"State_dict key {key!r} has shape {value.shape}; the FID "
                f"Inception network expects {expected}."
            )
        if transpose is not None:
            value = value.transpose(transpose)
        values.append((variable, value))
    for variable, value in values:
        variable.assign(value)
    return model


def _targets(model):
    """Maps each PyTorch key to (Keras variable, transpose to Keras layout)."""
    targets = {}
    for layer in model.layers:
        prefix = layer.name.replace("__", ".")
        if isinstance(layer, layers.Conv2D):
            targets[f"{prefix}.weight"] = (layer.kernel, (2, 3, 1, 0))
        elif isinstance(layer, layers.BatchNormalization):
            targets[f"{prefix}.weight"] = (layer.gamma, None)
            targets[f"{prefix}.bias"] = (layer.beta, None)
            targets[f"{prefix}.running_mean"] = (layer.moving_mean, None)
            targets[f"{prefix}.running_var"] = (layer.moving_variance, None)
        elif isinstance(layer, layers.Dense):
            targets[f"{prefix}.weight"] = (layer.kernel, (1, 0))
        elif isinstance(layer, BiasAdd):
            targets[f"{prefix.removesuffix('_bias')}.bias"] = (layer.bias, None)
        elif layer.weights:
            raise ValueError(
                f"`model` must come from `build_fid_inception`; its layer "
                f"{layer.name!r} ({type(layer).__name__}) has weights that no "
                "state_dict key maps to."
            )
    return targets


def _as_array(key, value):
    try:
        array = np.asarray(value, dtype="float32")
    except (TypeError, ValueError) as error:
        raise TypeError(
            f"State_dict key {key!r} must hold a numeric array. Received: "
            f"{type(value).__name__}"
        ) from error
    return array
