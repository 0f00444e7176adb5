from ganzoo.models.dcgan.dcgan import DCGAN

__all__ = ["DCGAN"]
