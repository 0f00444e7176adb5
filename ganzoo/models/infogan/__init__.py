from ganzoo.models.infogan import presets  # noqa: F401  (registers them)
from ganzoo.models.infogan.infogan import InfoGAN

__all__ = ["InfoGAN"]
