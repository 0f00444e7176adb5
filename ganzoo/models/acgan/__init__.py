from ganzoo.models.acgan import presets  # noqa: F401  (registers them)
from ganzoo.models.acgan.acgan import ACGAN

__all__ = ["ACGAN"]
