from ganzoo.models.stackedgan import presets  # noqa: F401  (registers them)
from ganzoo.models.stackedgan.stackedgan import StackedGAN

__all__ = ["StackedGAN"]
