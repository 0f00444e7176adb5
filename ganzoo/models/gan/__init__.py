from ganzoo.models.gan import presets  # noqa: F401  (registers them)
from ganzoo.models.gan.gan import GAN

__all__ = ["GAN"]
