"""The Inception network of FID, IS and KID (the 2015-12-05 graph).

`build_fid_inception` builds the network in Keras layers, on every backend;
`convert_state_dict` loads pytorch-fid's published PyTorch weights into it;
`load_fid_inception` returns it with those weights, downloaded, converted
and cached on first use.
"""

from ganzoo.metrics.inception.convert import convert_state_dict
from ganzoo.metrics.inception.network import build_fid_inception
from ganzoo.metrics.inception.weights import WEIGHTS_SHA256
from ganzoo.metrics.inception.weights import WEIGHTS_URL
from ganzoo.metrics.inception.weights import clear_model_cache
from ganzoo.metrics.inception.weights import load_fid_inception

__all__ = [
    "WEIGHTS_SHA256",
    "WEIGHTS_URL",
    "build_fid_inception",
    "clear_model_cache",
    "convert_state_dict",
    "load_fid_inception",
]
