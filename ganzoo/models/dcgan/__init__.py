from ganzoo.models.dcgan import presets  # noqa: F401  (registers them)
from ganzoo.models.dcgan.dcgan import DCGAN

__all__ = ["DCGAN"]
