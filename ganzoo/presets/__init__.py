"""Presets: pretrained models that load with one call.

A preset is a folder in keras-hub's layout (`config.json`,
`model.weights.h5`, `metadata.json`, `README.md`). Registered names ship
inside the package or download, verified, into the cache.
"""

from ganzoo.presets.api import PresetMixin
from ganzoo.presets.api import list_presets
from ganzoo.presets.api import load
from ganzoo.presets.registry import PresetInfo
from ganzoo.presets.registry import register_preset
from ganzoo.presets.safety import UnsafePresetError

__all__ = [
    "PresetInfo",
    "PresetMixin",
    "UnsafePresetError",
    "list_presets",
    "load",
    "register_preset",
]
