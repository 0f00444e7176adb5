from ganzoo.models.lsgan.lsgan import LSGAN

__all__ = ["LSGAN"]
