from ganzoo.models.pix2pix.pix2pix import Pix2Pix

__all__ = ["Pix2Pix"]
