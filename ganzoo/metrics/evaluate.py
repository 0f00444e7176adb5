"""`evaluate_generator`: sample-quality metrics of generated digits."""

import numpy as np

from ganzoo.metrics.frechet import frechet_distance_from_features
from ganzoo.metrics.precision_recall import precision_recall


def _check_labels(labels, num_images, num_classes):
    labels = np.asarray(labels)
    if labels.ndim != 1 or labels.shape[0] != num_images:
        raise ValueError(
            f"`labels` must have shape ({num_images},), one requested label "
            f"per generated image. Received: labels.shape={labels.shape}"
        )
    if labels.size and not np.issubdtype(labels.dtype, np.integer):
        raise TypeError(
            f"`labels` must be integer class ids. Received: labels.dtype={labels.dtype}"
        )
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(
            f"`labels` must be class ids in [0, {num_classes}). Received "
            f"values from {labels.min()} to {labels.max()}"
        )
    return labels


def evaluate_generator(images, real_images, classifier, labels=None, k=3):
    """Measures generated images against real ones with a digit classifier.

    All distances are taken on `classifier.features` (for
    `ganzoo.metrics.DigitClassifier`, its 128-d `"feature"` layer), so the
    Fréchet distance here is an FID-style score on that network, not
    comparable with FIDs computed on Inception-v3 features. Compare models
    with the same classifier, the same real images and the same numbers of
    samples: the Fréchet distance is biased upwards for small sample sizes
    and precision and recall depend on them through the k-NN radii.

    Args:
        images: Generated images, shape `(n, 28, 28, 1)` in [-1, 1], at
            least `k + 1` of them.
        real_images: Real images, likewise (e.g. the `"test"` split of
            `ganzoo.datasets.load("mnist_5k")`, held out from training).
        classifier: A trained `ganzoo.metrics.DigitClassifier`, or any
            object with `features(images) -> (n, dim)` and
            `predict_labels(images) -> (n,)` methods (and optionally a
            `num_classes` attribute, 10 if absent).
        labels: Optional int array of shape `(n,)`: the labels a
            conditional generator was asked for, one per image.
        k: Neighbour count of precision and recall.

    Returns:
        Dict with
        - `"frechet_distance"`: float, Fréchet distance between Gaussians
          fitted to the real and the generated features (Heusel et al.).
        - `"precision"`, `"recall"`: floats in [0, 1], improved precision
          and recall (Kynkäänniemi et al.).
        - `"num_generated"`, `"num_real"`: ints, the sample counts.
        - `"class_histogram"`: list of `num_classes` ints, how many
          generated images the classifier assigns to each class; an
          unconditional digit generator should cover all ten.
        - `"label_accuracy"` (only when `labels` is given): float, fraction
          of generated images classified as their requested label.

    Example:

    ```python
    import keras
    import ganzoo

    classifier = keras.saving.load_model("digit_classifier/model.keras")
    real, _ = ganzoo.datasets.load("mnist_5k", split="test")
    generated = model.generate(1000, seed=0)
    scores = ganzoo.metrics.evaluate_generator(generated, real, classifier)
    print(scores["frechet_distance"], scores["precision"], scores["recall"])
    ```

    References:
        Heusel et al., "GANs Trained by a Two Time-Scale Update Rule
        Converge to a Local Nash Equilibrium", NeurIPS 2017.
        Kynkäänniemi et al., "Improved Precision and Recall Metric for
        Assessing Generative Models", NeurIPS 2019.
    """
    for method in ("features", "predict_labels"):
        if not callable(getattr(classifier, method, None)):
            raise TypeError(
                f"`classifier` must have a `{method}(images)` method, like "
                "`ganzoo.metrics.DigitClassifier`. Received: classifier of "
                f"type {type(classifier).__name__}"
            )
    num_classes = int(getattr(classifier, "num_classes", 10))

    fake_features = np.asarray(classifier.features(images))
    real_features = np.asarray(classifier.features(real_images))
    num_generated = int(fake_features.shape[0])
    if labels is not None:
        labels = _check_labels(labels, num_generated, num_classes)

    results = {
        "frechet_distance": frechet_distance_from_features(
            real_features, fake_features
        ),
    }
    results.update(precision_recall(real_features, fake_features, k=k))
    results["num_generated"] = num_generated
    results["num_real"] = int(real_features.shape[0])

    predicted = np.asarray(classifier.predict_labels(images)).astype("int64")
    if predicted.shape != (num_generated,):
        raise ValueError(
            "`classifier.predict_labels(images)` must return one label per "
            f"image, shape ({num_generated},). Received shape {predicted.shape}"
        )
    if predicted.size and (predicted.min() < 0 or predicted.max() >= num_classes):
        raise ValueError(
            f"`classifier.predict_labels` returned labels outside [0, "
            f"{num_classes}): from {predicted.min()} to {predicted.max()}"
        )
    histogram = np.bincount(predicted, minlength=num_classes)
    results["class_histogram"] = [int(c) for c in histogram]
    if labels is not None:
        results["label_accuracy"] = float(np.mean(predicted == labels))
    return results
