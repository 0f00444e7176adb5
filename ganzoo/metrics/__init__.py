"""Offline evaluation of generated digits.

`evaluate_generator` measures generated images against real ones on the
features of `DigitClassifier`, a small CNN trained on the bundled
`mnist_5k` digits (`python -m ganzoo.metrics.train_digit_classifier`): the
Fréchet distance (the FID of Heusel et al. 2017, on that network's
features), improved precision and recall (Kynkäänniemi et al. 2019), the
histogram of predicted digits and, for conditional models, the fraction of
images classified as their requested label.
"""

from ganzoo.metrics import presets  # noqa: F401  (registers them)
from ganzoo.metrics.digit_classifier import DigitClassifier
from ganzoo.metrics.evaluate import evaluate_generator
from ganzoo.metrics.frechet import feature_statistics
from ganzoo.metrics.frechet import frechet_distance
from ganzoo.metrics.frechet import frechet_distance_from_features
from ganzoo.metrics.precision_recall import precision_recall

__all__ = [
    "DigitClassifier",
    "evaluate_generator",
    "feature_statistics",
    "frechet_distance",
    "frechet_distance_from_features",
    "precision_recall",
]
