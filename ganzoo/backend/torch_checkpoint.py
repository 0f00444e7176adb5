"""Moved to `ganzoo.interop.torch_checkpoint`.

This path warns and goes away in the next release.
"""

import warnings

from ganzoo.interop.torch_checkpoint import *  # noqa: F401, F403

warnings.warn(
    "`ganzoo.backend.torch_checkpoint` moved to `ganzoo.interop.torch_checkpoint`; "
    "import it from there. The old path goes away in the next release.",
    DeprecationWarning,
    stacklevel=2,
)
