from ganzoo.models.base_gan import BaseGAN
from ganzoo.models.dcgan import DCGAN
from ganzoo.models.gan import GAN
from ganzoo.models.phase import Phase

__all__ = ["BaseGAN", "DCGAN", "GAN", "Phase"]
