from ganzoo.models.sngan import presets  # noqa: F401
from ganzoo.models.sngan.sngan import SNGAN

__all__ = ["SNGAN"]
