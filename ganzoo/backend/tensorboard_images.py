"""Moved to `ganzoo.interop.tensorboard_images`.

This path warns and goes away in the next release.
"""

import warnings

from ganzoo.interop.tensorboard_images import *  # noqa: F401, F403

warnings.warn(
    "`ganzoo.backend.tensorboard_images` moved to `ganzoo.interop.tensorboard_images`; "
    "import it from there. The old path goes away in the next release.",
    DeprecationWarning,
    stacklevel=2,
)
