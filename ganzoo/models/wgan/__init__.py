from ganzoo.models.wgan import presets  # noqa: F401
from ganzoo.models.wgan.wgan import WGAN
from ganzoo.models.wgan.wgan_gp import WGANGP

__all__ = ["WGAN", "WGANGP"]
