from ganzoo.models.sngan.sngan import SNGAN

__all__ = ["SNGAN"]
