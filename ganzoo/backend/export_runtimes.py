"""Moved to `ganzoo.interop.export_runtimes`.

This path warns and goes away in the next release.
"""

import warnings

from ganzoo.interop.export_runtimes import *  # noqa: F401, F403

warnings.warn(
    "`ganzoo.backend.export_runtimes` moved to `ganzoo.interop.export_runtimes`; "
    "import it from there. The old path goes away in the next release.",
    DeprecationWarning,
    stacklevel=2,
)
