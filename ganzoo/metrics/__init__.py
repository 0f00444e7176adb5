"""Evaluation of generated images.

Standard metrics as papers report them (`fid`, `inception_score`, `kid`,
`MetricCallback`) run the 2015-12-05 FID Inception network with the
reference preprocessing; see `ganzoo.metrics.standard`.

Offline evaluation of generated digits:

`evaluate_generator` measures generated images against real ones on the
features of `DigitClassifier`, a small CNN trained on the bundled
`mnist_5k` digits (`ganzoo train-classifier`): the
Fréchet distance (the FID of Heusel et al. 2017, on that network's
features), improved precision and recall (Kynkäänniemi et al. 2019), the
histogram of predicted digits and, for conditional models, the fraction of
images classified as their requested label.
"""

from ganzoo.metrics import presets  # noqa: F401  (registers them)
from ganzoo.metrics import scores
from ganzoo.metrics.callback import MetricCallback
from ganzoo.metrics.digit_classifier import DigitClassifier
from ganzoo.metrics.evaluate import evaluate_generator
from ganzoo.metrics.frechet import feature_statistics
from ganzoo.metrics.frechet import frechet_distance
from ganzoo.metrics.frechet import frechet_distance_from_features
from ganzoo.metrics.precision_recall import precision_recall
from ganzoo.metrics.scores import kernel_inception_distance
from ganzoo.metrics.standard import InceptionFeatures
from ganzoo.metrics.standard import InceptionOutputs
from ganzoo.metrics.standard import MetricResult
from ganzoo.metrics.standard import compute_metric
from ganzoo.metrics.standard import fid
from ganzoo.metrics.standard import inception_score
from ganzoo.metrics.standard import kid
from ganzoo.metrics.standard import save_statistics
from ganzoo.metrics.statistics import FeatureStatistics
from ganzoo.metrics.statistics import load_statistics

__all__ = [
    "DigitClassifier",
    "FeatureStatistics",
    "InceptionFeatures",
    "InceptionOutputs",
    "MetricCallback",
    "MetricResult",
    "compute_metric",
    "evaluate_generator",
    "feature_statistics",
    "fid",
    "frechet_distance",
    "frechet_distance_from_features",
    "inception_score",
    "kernel_inception_distance",
    "kid",
    "load_statistics",
    "precision_recall",
    "save_statistics",
    "scores",
]
