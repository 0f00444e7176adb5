from ganzoo.models.base_gan import BaseGAN
from ganzoo.models.dcgan import DCGAN
from ganzoo.models.gan import GAN
from ganzoo.models.lsgan import LSGAN
from ganzoo.models.phase import Phase
from ganzoo.models.sngan import SNGAN
from ganzoo.models.wgan import WGAN
from ganzoo.models.wgan import WGANGP

__all__ = ["BaseGAN", "DCGAN", "GAN", "LSGAN", "Phase", "SNGAN", "WGAN", "WGANGP"]
