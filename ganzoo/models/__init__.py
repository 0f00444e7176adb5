from ganzoo.models.acgan import ACGAN
from ganzoo.models.base_gan import BaseGAN
from ganzoo.models.cgan import CGAN
from ganzoo.models.cgan import ConditionalDCGAN
from ganzoo.models.cyclegan import CycleGAN
from ganzoo.models.dcgan import DCGAN
from ganzoo.models.gan import GAN
from ganzoo.models.image_to_image import ImageToImageGAN
from ganzoo.models.infogan import InfoGAN
from ganzoo.models.lsgan import LSGAN
from ganzoo.models.noise_to_image import NoiseToImageGAN
from ganzoo.models.phase import Phase
from ganzoo.models.pix2pix import Pix2Pix
from ganzoo.models.sgan import SGAN
from ganzoo.models.sngan import SNGAN
from ganzoo.models.stackedgan import StackedGAN
from ganzoo.models.wgan import WGAN
from ganzoo.models.wgan import WGANGP

__all__ = [
    "ACGAN",
    "BaseGAN",
    "CGAN",
    "ConditionalDCGAN",
    "CycleGAN",
    "DCGAN",
    "GAN",
    "ImageToImageGAN",
    "InfoGAN",
    "LSGAN",
    "NoiseToImageGAN",
    "Phase",
    "Pix2Pix",
    "SGAN",
    "SNGAN",
    "StackedGAN",
    "WGAN",
    "WGANGP",
]
