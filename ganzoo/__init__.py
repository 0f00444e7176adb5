"""ganzoo: a Keras 3 model zoo of generative adversarial networks.

Every model is a `keras.Model` whose `fit()` runs the adversarial updates on
TensorFlow, JAX or PyTorch, whichever `KERAS_BACKEND` names, and loads
pretrained with one call: `ganzoo.DCGAN.from_preset("dcgan_mnist")`.
"""

# First, before anything imports Keras: when this process is the `ganzoo`
# command (only then), keep TensorFlow's C++ log lines off its console.
from ganzoo.cli import console as _console  # isort: skip  # noqa: F401
from ganzoo import datasets
from ganzoo import images
from ganzoo import layers
from ganzoo import losses
from ganzoo import metrics
from ganzoo import presets
from ganzoo.callbacks import SampleGrid
from ganzoo.metrics import MetricCallback
from ganzoo.models import ACGAN
from ganzoo.models import CGAN
from ganzoo.models import DCGAN
from ganzoo.models import GAN
from ganzoo.models import LSGAN
from ganzoo.models import SGAN
from ganzoo.models import SNGAN
from ganzoo.models import WGAN
from ganzoo.models import WGANGP
from ganzoo.models import BaseGAN
from ganzoo.models import ConditionalDCGAN
from ganzoo.models import CycleGAN
from ganzoo.models import ImageToImageGAN
from ganzoo.models import InfoGAN
from ganzoo.models import NoiseToImageGAN
from ganzoo.models import Phase
from ganzoo.models import Pix2Pix
from ganzoo.models import StackedGAN
from ganzoo.presets import list_presets
from ganzoo.presets import load as from_preset
from ganzoo.version import __version__

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
    "MetricCallback",
    "NoiseToImageGAN",
    "Phase",
    "Pix2Pix",
    "SGAN",
    "SNGAN",
    "SampleGrid",
    "StackedGAN",
    "WGAN",
    "WGANGP",
    "__version__",
    "datasets",
    "from_preset",
    "images",
    "layers",
    "list_presets",
    "losses",
    "metrics",
    "presets",
]
