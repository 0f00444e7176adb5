"""Refuses preset configs that could run code when deserialised."""

_ALLOWED_MODULE_PREFIXES = ("keras", "ganzoo")
_CODE_CLASS_NAMES = {"Lambda", "__lambda__", "function", "TorchModuleWrapper"}


class UnsafePresetError(ValueError):
    """A preset's `config.json` names something ganzoo will not load."""


def check_config(config, where="config.json"):
    """Walks a serialised Keras object and refuses anything but Keras/ganzoo.

    Every object the config names must come from a `keras` or `ganzoo`
    module and be a registered class rather than a function or a lambda,
    whose serialised form could carry code.

    Raises:
        UnsafePresetError: naming the offending entry.
    """
    _walk(config, where)


def _walk(node, path):
    if isinstance(node, dict):
        if "class_name" in node and "config" in node:
            _check_object(node, path)
        for key, value in node.items():
            _walk(value, f"{path}.{key}")
    elif isinstance(node, (list, tuple)):
        for i, value in enumerate(node):
            _walk(value, f"{path}[{i}]")


def _check_object(node, path):
    class_name = node.get("class_name")
    module = node.get("module")
    registered = node.get("registered_name")
    if class_name in _CODE_CLASS_NAMES:
        raise UnsafePresetError(
            f"{path}: a preset may not contain a '{class_name}' object, which "
            "can carry executable code. Received: class_name="
            f"{class_name!r}"
        )
    if module is not None:
        root = str(module).split(".")[0]
        if root not in _ALLOWED_MODULE_PREFIXES:
            raise UnsafePresetError(
                f"{path}: presets may only name Keras and ganzoo objects. "
                f"Received: module={module!r}"
            )
    if registered is not None and registered != class_name:
        package = str(registered).split(">")[0]
        if package not in _ALLOWED_MODULE_PREFIXES:
            raise UnsafePresetError(
                f"{path}: presets may only name classes registered by Keras "
                f"or ganzoo. Received: registered_name={registered!r}"
            )
