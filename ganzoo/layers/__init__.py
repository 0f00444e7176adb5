"""Layers shared by ganzoo's architectures, written in Keras only."""

from ganzoo.layers.spectral_norm import SpectralNorm

__all__ = ["SpectralNorm"]
