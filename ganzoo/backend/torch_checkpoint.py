"""Reads published PyTorch checkpoints as NumPy arrays.

Reference weights (the FID Inception network, the CycleGAN and pix2pix
authors' generators) are published as PyTorch `state_dict` files. They are
read once, with `torch.load(..., weights_only=True)` (no pickled code runs),
converted to ganzoo's format and cached; torch is needed for that step only,
on any Keras backend.
"""

import os


def read_state_dict(path):
    """Returns the tensors of a PyTorch `state_dict` file as NumPy arrays.

    Args:
        path: a `.pth`/`.pt` file holding a `state_dict` (a mapping from
            parameter names to tensors), as `torch.save(module.state_dict())`
            writes it.

    Returns:
        A `dict` from parameter name to `numpy.ndarray`, in the file's order.

    Raises:
        ImportError: if torch is not installed.
        FileNotFoundError: if `path` does not exist.
        ValueError: if the file does not hold a mapping of names to tensors.

    Example:
        >>> arrays = read_state_dict("horse2zebra.pth")  # doctest: +SKIP
        >>> arrays["model.1.weight"].shape  # doctest: +SKIP
        (64, 3, 7, 7)
    """
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"No PyTorch checkpoint at {path!r}.")
    try:
        import torch
    except ImportError as error:
        raise ImportError(
            "Converting a published PyTorch checkpoint needs torch (only for "
            "this one-time step; the converted weights are cached). Install "
            "it with `pip install torch`."
        ) from error
    state = torch.load(path, map_location="cpu", weights_only=True)
    if isinstance(state, dict) and "state_dict" in state and len(state) < 8:
        state = state["state_dict"]
    if not isinstance(state, dict) or not state:
        raise ValueError(
            f"{path}: expected a PyTorch state_dict (a mapping from parameter "
            f"names to tensors). Received: {type(state).__name__}"
        )
    arrays = {}
    for name, value in state.items():
        if not isinstance(name, str) or not isinstance(value, torch.Tensor):
            raise ValueError(
                f"{path}: expected a PyTorch state_dict (parameter names to "
                f"tensors). Received an entry {name!r} of type "
                f"{type(value).__name__}"
            )
        arrays[name] = value.detach().cpu().numpy()
    return arrays
