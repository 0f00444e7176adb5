from ganzoo.models.cyclegan.cyclegan import CycleGAN
from ganzoo.models.cyclegan.image_pool import ImagePool
from ganzoo.models.cyclegan.schedules import ConstantThenLinearDecay

__all__ = ["ConstantThenLinearDecay", "CycleGAN", "ImagePool"]
