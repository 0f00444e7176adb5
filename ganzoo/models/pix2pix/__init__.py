from ganzoo.models.pix2pix.pix2pix import Pix2Pix

__all__ = ["Pix2Pix"]

# Registers the shipped presets, then the authors' published generators.
from ganzoo.models.pix2pix import presets  # noqa: E402, F401
from ganzoo.models.pix2pix import reference_checkpoints  # noqa: E402, F401
