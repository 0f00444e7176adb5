import keras
import numpy as np
import pytest
from PIL import Image

import ganzoo
from ganzoo.metrics import FeatureStatistics
from ganzoo.metrics import InceptionFeatures
from ganzoo.metrics import scores
from ganzoo.metrics.resize import resize_clean
from ganzoo.metrics.resize import resize_legacy_tf
from tests.metrics.inception_stand_in import stand_in_network
from tests.testing import fake_images

TINY_DCGAN = {"image_shape": (28, 28, 1), "latent_dim": 8, "filters": 4, "seed": 2}


@pytest.fixture(scope="module")
def network():
    return stand_in_network()


@pytest.fixture(scope="module")
def dcgan():
    model = ganzoo.DCGAN(**TINY_DCGAN)
    model.compile()
    return model


@pytest.fixture
def extractor(network):
    return InceptionFeatures(network, batch_size=16)


def _by_hand(network, uint8_images):
    """The reference pipeline, step by step: resize, (x - 128) / 128, network."""
    rgb = np.repeat(uint8_images, 3 // uint8_images.shape[-1], axis=-1)
    resized = keras.ops.convert_to_numpy(resize_legacy_tf(rgb))
    return network.predict_on_batch((resized - 128.0) / 128.0)


def test_features_follow_the_reference_pipeline(network, extractor):
    images = fake_images(20, (28, 28, 1))
    outputs = extractor(images)
    assert outputs.pool.shape == (20, 64) and outputs.logits.shape == (20, 1008)
    assert outputs.num_samples == 20
    expected = _by_hand(network, ganzoo.images.to_uint8(images))
    np.testing.assert_allclose(outputs.pool, expected["pool"], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(outputs.logits, expected["logits"], rtol=1e-5, atol=1e-5)
    # Quantised first: the uint8 images give exactly the same outputs, and so
    # does any batch size.
    as_uint8 = InceptionFeatures(network, batch_size=7)(ganzoo.images.to_uint8(images))
    np.testing.assert_allclose(as_uint8.pool, outputs.pool, rtol=1e-6, atol=1e-6)


def test_clean_resize_mode(network):
    images = ganzoo.images.to_uint8(fake_images(4, (32, 32, 3)))
    outputs = InceptionFeatures(network, resize="clean", batch_size=4)(images)
    expected = network.predict_on_batch((resize_clean(images) - 128.0) / 128.0)
    np.testing.assert_allclose(outputs.pool, expected["pool"], rtol=1e-5, atol=1e-5)
    with pytest.raises(ValueError, match="resize"):
        InceptionFeatures(network, resize="bicubic")


def test_uses_logits_without_bias_when_the_network_gives_them():
    inputs = keras.Input((299, 299, 3))
    pooled = keras.layers.GlobalAveragePooling2D()(inputs)
    network = keras.Model(
        inputs, {"pool": pooled, "logits": pooled + 1.0, "logits_unbiased": pooled}
    )
    outputs = InceptionFeatures(network, batch_size=2)(np.zeros((2, 8, 8, 3), "uint8"))
    np.testing.assert_allclose(outputs.logits, -np.ones((2, 3)))


def test_fid_from_arrays_folders_and_statistics(extractor, tmp_path):
    real = fake_images(40, (28, 28, 1), seed=1)
    fake = fake_images(30, (28, 28, 1), seed=2) * 0.5
    result = ganzoo.metrics.fid(real, fake, extractor=extractor)
    assert (result.metric, result.num_generated, result.num_real) == ("fid", 30, 40)
    expected = ganzoo.metrics.frechet_distance_from_features(
        extractor(real).pool, extractor(fake).pool
    )
    np.testing.assert_allclose(result.value, expected, rtol=1e-6)
    assert float(result) == result.value > 0

    folder = tmp_path / "real"
    folder.mkdir()
    for i, image in enumerate(ganzoo.images.to_uint8(real)):
        Image.fromarray(image[:, :, 0]).save(folder / f"{i:03d}.png")
    saved = ganzoo.metrics.save_statistics(
        tmp_path / "real.npz", folder, extractor=extractor
    )
    assert saved.num_samples == 40
    from_folder = ganzoo.metrics.fid(str(folder), fake, extractor=extractor)
    from_file = ganzoo.metrics.fid(tmp_path / "real.npz", fake, extractor=extractor)
    np.testing.assert_allclose(from_folder.value, result.value, rtol=1e-6)
    np.testing.assert_allclose(from_file.value, result.value, rtol=1e-6)
    assert from_file.num_real == 40
    head = ganzoo.metrics.fid(folder, fake, num_real=25, extractor=extractor)
    assert head.num_real == 25


def test_inception_score_and_kid(extractor):
    images = fake_images(30, (28, 28, 1))
    result = ganzoo.metrics.inception_score(images, splits=3, extractor=extractor)
    expected = scores.inception_score(extractor(images).logits, splits=3)
    assert (result.value, result.std) == pytest.approx(expected, rel=1e-6)
    assert (result.num_generated, result.num_real) == (30, None)
    real = fake_images(25, (28, 28, 1), seed=5)
    kid = ganzoo.metrics.kid(real, images, num_subsets=5, extractor=extractor)
    expected = scores.kernel_inception_distance(
        extractor(real).pool, extractor(images).pool, num_subsets=5
    )
    assert (kid.value, kid.std) == pytest.approx(expected, rel=1e-6)
    assert (kid.num_generated, kid.num_real) == (30, 25)


def test_model_source_is_seeded(extractor, dcgan):
    model = dcgan
    first = extractor(model, num_images=12, seed=3)
    np.testing.assert_allclose(first.pool, extractor(model, 12, seed=3).pool, atol=1e-6)
    assert not np.allclose(first.pool, extractor(model, 12, seed=4).pool)
    with pytest.raises(ValueError, match="num_images"):
        ganzoo.metrics.inception_score(model, extractor=extractor)


def test_metric_callback_logs_during_fit(extractor, dcgan):
    model = dcgan
    real = fake_images(20, (28, 28, 1), seed=7)
    callbacks = [
        ganzoo.metrics.MetricCallback(
            real, num_images=16, every=2, extractor=extractor
        ),
        ganzoo.metrics.MetricCallback(
            real, metric="kid", num_images=16, extractor=extractor
        ),
    ]
    history = model.fit(real, batch_size=10, epochs=2, verbose=0, callbacks=callbacks)
    assert len(history.history["fid"]) == 1 and history.history["fid"][0] > 0
    assert len(history.history["kid"]) == 2
    assert np.all(np.isfinite(history.history["kid"]))


def _write_images(folder, sizes):
    folder.mkdir()
    for i, size in enumerate(sizes):
        Image.new("RGB", (size, size)).save(folder / f"{i}.png")
    return folder


def test_clear_errors_on_bad_sources(extractor, tmp_path):
    fake = fake_images(4, (28, 28, 1))
    with pytest.raises(ValueError, match=r"\[-1, 1\].*uint8"):
        extractor(fake * 127.5 + 127.5)
    with pytest.raises(ValueError, match="channels"):
        extractor(np.zeros((4, 28, 28), "float32"))
    with pytest.raises(TypeError, match="uint8"):
        extractor(np.zeros((4, 28, 28, 3), "int32"))
    with pytest.raises(ValueError, match="existing folder"):
        extractor(str(tmp_path / "missing"))
    with pytest.raises(ValueError, match="holds no image file"):
        extractor(str(_write_images(tmp_path / "empty", [])))
    with pytest.raises(ValueError, match="same size"):
        extractor(str(_write_images(tmp_path / "mixed", [8, 9])))
    with pytest.raises(ValueError, match="more than"):
        extractor(fake, num_images=5)
    stats = FeatureStatistics(np.zeros(64), np.eye(64), 10)
    with pytest.raises(ValueError, match="FID only"):
        ganzoo.metrics.kid(stats, fake, extractor=extractor)
    with pytest.raises(TypeError, match="extractor"):
        ganzoo.metrics.fid(fake, fake, extractor=object())
    with pytest.raises(TypeError, match="model with `generate`"):
        extractor(42)


@pytest.mark.large
def test_real_architecture_with_random_weights_end_to_end():
    inception = pytest.importorskip("ganzoo.metrics.inception")
    network = inception.build_fid_inception()
    extractor = InceptionFeatures(network, batch_size=2)
    outputs = extractor(fake_images(2, (32, 32, 3)))
    assert outputs.pool.shape == (2, 2048) and outputs.logits.shape == (2, 1008)
    assert np.all(np.isfinite(outputs.pool))
