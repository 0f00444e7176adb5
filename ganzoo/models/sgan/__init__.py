from ganzoo.models.sgan import presets  # noqa: F401  (registers them)
from ganzoo.models.sgan.sgan import SGAN
from ganzoo.models.sgan.sgan import semi_supervised_dataset

__all__ = ["SGAN", "semi_supervised_dataset"]
