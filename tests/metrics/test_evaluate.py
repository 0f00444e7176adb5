import numpy as np
import pytest

from ganzoo.metrics import evaluate_generator
from ganzoo.metrics import frechet_distance_from_features
from ganzoo.metrics import precision_recall


class StubClassifier:
    """Images are rows `[feature_0, ..., feature_3, label]`."""

    num_classes = 10

    def features(self, images):
        return np.asarray(images)[:, :4]

    def predict_labels(self, images):
        return np.asarray(images)[:, 4].astype("int32")


def stub_images(rng, labels, shift=0.0):
    features = rng.normal(size=(len(labels), 4)) + shift
    return np.concatenate([features, np.asarray(labels)[:, None]], axis=1)


def test_histogram_and_label_accuracy():
    rng = np.random.default_rng(0)
    predicted = np.array([0, 0, 1, 3, 3, 3, 9, 9])
    requested = np.array([0, 1, 1, 3, 3, 2, 9, 0])
    images = stub_images(rng, predicted)
    real = stub_images(rng, np.arange(20) % 10)
    results = evaluate_generator(images, real, StubClassifier(), labels=requested)
    assert results["class_histogram"] == [2, 1, 0, 3, 0, 0, 0, 0, 0, 2]
    assert results["label_accuracy"] == pytest.approx(5 / 8)
    assert results["num_generated"] == 8
    assert results["num_real"] == 20


def test_unconditional_results_match_the_metrics():
    rng = np.random.default_rng(1)
    images = stub_images(rng, np.arange(50) % 10, shift=0.5)
    real = stub_images(rng, np.arange(60) % 10)
    results = evaluate_generator(images, real, StubClassifier(), k=3)
    assert "label_accuracy" not in results
    assert results["class_histogram"] == [5] * 10
    assert all(isinstance(c, int) for c in results["class_histogram"])
    assert results["frechet_distance"] == pytest.approx(
        frechet_distance_from_features(real[:, :4], images[:, :4])
    )
    expected = precision_recall(real[:, :4], images[:, :4], k=3)
    assert results["precision"] == expected["precision"]
    assert results["recall"] == expected["recall"]
    assert set(results) == {
        "frechet_distance",
        "precision",
        "recall",
        "num_generated",
        "num_real",
        "class_histogram",
    }


def test_perfect_conditional_generator():
    rng = np.random.default_rng(2)
    labels = np.arange(30) % 10
    results = evaluate_generator(
        stub_images(rng, labels), stub_images(rng, labels), StubClassifier(), labels
    )
    assert results["label_accuracy"] == 1.0


def test_validation():
    rng = np.random.default_rng(3)
    images = stub_images(rng, np.arange(10))
    with pytest.raises(ValueError, match="labels"):
        evaluate_generator(images, images, StubClassifier(), labels=np.arange(9))
    with pytest.raises(ValueError, match=r"\[0, 10\)"):
        evaluate_generator(images, images, StubClassifier(), labels=np.full(10, 10))
    with pytest.raises(TypeError, match="features"):
        evaluate_generator(images, images, object())
