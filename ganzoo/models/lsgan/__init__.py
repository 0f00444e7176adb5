from ganzoo.models.lsgan import presets  # noqa: F401
from ganzoo.models.lsgan.lsgan import LSGAN

__all__ = ["LSGAN"]
