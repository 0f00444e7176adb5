"""Layers shared by ganzoo's architectures, written in Keras only."""

from ganzoo.layers.batch_normalization import FusedBatchNormalization
from ganzoo.layers.dropout import SeededDropout
from ganzoo.layers.normalization import instance_normalization
from ganzoo.layers.normalization import normalization
from ganzoo.layers.patchgan import build_patchgan_discriminator
from ganzoo.layers.precision import output_dtype
from ganzoo.layers.reflection_padding import ReflectionPadding2D
from ganzoo.layers.resnet_generator import build_resnet_generator
from ganzoo.layers.spectral_norm import SpectralNorm
from ganzoo.layers.subpixel import SubPixelConv2D
from ganzoo.layers.subpixel import SubPixelConv2DTranspose
from ganzoo.layers.unet import build_seed_unet_generator
from ganzoo.layers.unet import build_unet_generator

__all__ = [
    "FusedBatchNormalization",
    "ReflectionPadding2D",
    "SeededDropout",
    "SpectralNorm",
    "SubPixelConv2D",
    "SubPixelConv2DTranspose",
    "build_patchgan_discriminator",
    "build_resnet_generator",
    "build_seed_unet_generator",
    "build_unet_generator",
    "instance_normalization",
    "normalization",
    "output_dtype",
]
