"""The names `from_preset` knows, with their class and where they live."""

import dataclasses
import difflib
from typing import Any
from typing import Optional


@dataclasses.dataclass(frozen=True)
class PresetInfo:
    """A registered preset.

    Attributes:
        name: `<family>_<dataset>[_<size>]`, e.g. `"dcgan_mnist"`.
        class_name: The ganzoo class that loads it, e.g. `"DCGAN"`.
        description: One line for listings.
        source: `"builtin"` (ships inside the package), an `https://` URL of
            a preset archive, an `hf://owner/repo` handle, or the URL of a
            published checkpoint that `converter` turns into a preset.
        sha256: The archive's SHA-256, required for URL sources except
            converted checkpoints whose authors publish none.
        converter: For presets converted from a published checkpoint on
            first use, a `ganzoo.presets.converted.Conversion`; else None.
    """

    name: str
    class_name: str
    description: str
    source: str = "builtin"
    sha256: Optional[str] = None
    converter: Any = dataclasses.field(default=None, repr=False, compare=False)

    @property
    def downloads_on_first_use(self):
        """Whether loading it the first time needs the network."""
        return self.source != "builtin"


_REGISTRY = {}


def register_preset(
    name, class_name, description, source="builtin", sha256=None, converter=None
):
    """Adds a preset to the registry (each family's `presets.py` does this).

    Presets converted from published checkpoints register through
    `ganzoo.presets.converted.register_converted_preset`, which passes
    `converter`.
    """
    if name in _REGISTRY:
        raise ValueError(f"Preset {name!r} is already registered.")
    if source.startswith(("https://", "http://")) and not sha256 and not converter:
        raise ValueError(
            f"Preset {name!r} comes from a URL and needs its `sha256`. "
            f"Received: source={source!r}, sha256={sha256!r}"
        )
    _REGISTRY[name] = PresetInfo(
        name, class_name, description, source, sha256, converter
    )
    return _REGISTRY[name]


def get_preset_info(name):
    """The `PresetInfo` of a registered name, or a `ValueError` with hints."""
    if name in _REGISTRY:
        return _REGISTRY[name]
    close = difflib.get_close_matches(str(name), list(_REGISTRY), n=3, cutoff=0.5)
    hint = f" Closest: {', '.join(close)}." if close else ""
    raise ValueError(
        f"Unknown preset.{hint} `ganzoo presets` on the command line (in "
        "Python `ganzoo.list_presets()`) lists them all; a local folder, an "
        f"https:// URL or an hf://owner/repo handle also work. Received: "
        f"preset={name!r}"
    )


def is_registered(name):
    return name in _REGISTRY


def registered_presets(class_names=None):
    """`PresetInfo`s sorted by name, optionally of some classes only.

    Sorted, because registration order follows the order in which modules
    happen to be imported.
    """
    return [
        info
        for _, info in sorted(_REGISTRY.items())
        if class_names is None or info.class_name in class_names
    ]
