from ganzoo.models.cgan import presets  # noqa: F401  (registers them)
from ganzoo.models.cgan.cgan import CGAN
from ganzoo.models.cgan.conditional_dcgan import ConditionalDCGAN

__all__ = ["CGAN", "ConditionalDCGAN"]
