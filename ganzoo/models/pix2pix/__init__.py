from ganzoo.models.pix2pix.pix2pix import Pix2Pix

__all__ = ["Pix2Pix"]

# Registers the authors' published generators as presets.
from ganzoo.models.pix2pix import reference_checkpoints  # noqa: E402, F401
