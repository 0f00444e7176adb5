from ganzoo.models.cyclegan.cyclegan import CycleGAN
from ganzoo.models.cyclegan.image_pool import ImagePool
from ganzoo.models.cyclegan.schedules import ConstantThenLinearDecay

__all__ = ["ConstantThenLinearDecay", "CycleGAN", "ImagePool"]

# Registers the shipped presets, then the authors' published generators.
from ganzoo.models.cyclegan import presets  # noqa: E402, F401
from ganzoo.models.cyclegan import reference_checkpoints  # noqa: E402, F401
