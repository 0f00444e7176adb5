from ganzoo.models.gan.gan import GAN

__all__ = ["GAN"]
