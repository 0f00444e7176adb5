import json
import os

import keras
import numpy as np
import pytest

import ganzoo.metrics
from ganzoo.cli.train_classifier import random_translate
from ganzoo.metrics import DigitClassifier
from ganzoo.metrics import evaluate_generator
from tests.testing import fake_images

IMAGE_SHAPE = (28, 28, 1)


@pytest.fixture(scope="module")
def classifier():
    keras.utils.set_random_seed(0)
    return DigitClassifier()


def test_shapes(classifier):
    images = fake_images(5, IMAGE_SHAPE)
    logits = keras.ops.convert_to_numpy(classifier(images))
    assert logits.shape == (5, 10)
    features = classifier.features(images, batch_size=2)
    assert features.shape == (5, 128) and features.dtype == np.float32
    assert np.all(features >= 0)  # ReLU features
    labels = classifier.predict_labels(images)
    assert labels.shape == (5,) and labels.dtype == np.int32
    np.testing.assert_array_equal(labels, np.argmax(logits, axis=-1))


def test_network_structure(classifier):
    assert isinstance(classifier.network, keras.Model)
    assert isinstance(classifier.feature_extractor, keras.Model)
    feature_layer = classifier.network.get_layer("feature")
    assert feature_layer.units == 128
    assert classifier.feature_extractor.layers[-1] is feature_layer
    assert classifier.network.get_layer("logits").units == 10
    names = {v.path for v in classifier.weights}
    assert len(names) == len(classifier.weights)  # shared layers counted once


def test_config_round_trip():
    model = DigitClassifier(num_classes=7, feature_dim=32, dropout=0.1, name="dc")
    config = model.get_config()
    assert config["num_classes"] == 7
    assert config["feature_dim"] == 32
    assert config["dropout"] == 0.1
    clone = DigitClassifier.from_config(config)
    assert clone.get_config() == config
    assert clone.features(fake_images(3, IMAGE_SHAPE)).shape == (3, 32)


def test_save_and_load(classifier, tmp_path):
    path = os.path.join(tmp_path, "model.keras")
    classifier.save(path)
    loaded = keras.saving.load_model(path)
    assert isinstance(loaded, DigitClassifier)
    images = fake_images(6, IMAGE_SHAPE, seed=1)
    np.testing.assert_allclose(
        loaded.features(images), classifier.features(images), rtol=1e-6, atol=1e-6
    )
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(loaded(images)),
        keras.ops.convert_to_numpy(classifier(images)),
        rtol=1e-6,
        atol=1e-6,
    )


def test_fit_one_epoch(tmp_path):
    keras.utils.set_random_seed(1)
    model = DigitClassifier()
    model.compile(
        optimizer="adam",
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    images = fake_images(64, IMAGE_SHAPE)
    labels = (np.arange(64) % 10).astype("int32")
    before = model.features(images)
    history = model.fit(images, labels, batch_size=16, epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])
    assert 0 <= history.history["accuracy"][0] <= 1
    assert not np.allclose(model.features(images), before)
    # A compiled, trained model still saves and reloads.
    path = os.path.join(tmp_path, "trained.keras")
    model.save(path)
    loaded = keras.saving.load_model(path)
    np.testing.assert_allclose(
        loaded.features(images), model.features(images), rtol=1e-5, atol=1e-5
    )


def test_evaluate_generator_with_digit_classifier(classifier):
    images = fake_images(12, IMAGE_SHAPE, seed=2)
    real = fake_images(16, IMAGE_SHAPE, seed=3)
    results = evaluate_generator(images, real, classifier, labels=np.arange(12) % 10)
    assert sum(results["class_histogram"]) == 12
    assert len(results["class_histogram"]) == 10
    assert results["frechet_distance"] >= 0
    assert 0 <= results["label_accuracy"] <= 1
    json.dumps(results)


def test_input_validation(classifier):
    with pytest.raises(ValueError, match="images"):
        classifier.features(np.zeros((2, 32, 32, 1), "float32"))
    with pytest.raises(TypeError, match="floating point"):
        classifier.predict_labels(np.zeros((2, 28, 28, 1), "uint8"))
    with pytest.raises(ValueError, match="dropout"):
        DigitClassifier(dropout=1.0)


def test_random_translate():
    rng = np.random.default_rng(0)
    images = np.full((50, 28, 28, 1), -1.0, "float32")
    images[:, 10:18, 10:18] = 1.0
    shifted = random_translate(images, 2, rng)
    assert shifted.shape == images.shape and shifted.dtype == images.dtype
    # Every image keeps its 8x8 square, moved by at most 2 pixels.
    assert np.all((shifted == 1.0).sum(axis=(1, 2, 3)) == 64)
    rows = np.argmax((shifted == 1.0).any(axis=2)[..., 0], axis=1)
    assert set(rows) <= set(range(8, 13)) and len(set(rows)) > 1
    assert random_translate(images, 0, rng) is images


def test_exported():
    for name in ganzoo.metrics.__all__:
        assert hasattr(ganzoo.metrics, name)
