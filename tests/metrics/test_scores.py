import numpy as np
import pytest
from scipy import special
from scipy import stats

from ganzoo.metrics import FeatureStatistics
from ganzoo.metrics import load_statistics
from ganzoo.metrics.scores import inception_score
from ganzoo.metrics.scores import kernel_inception_distance


def _logits(num_images=200, num_classes=1008, seed=0):
    rng = np.random.default_rng(seed)
    return 3.0 * rng.normal(size=(num_images, num_classes))


def _reference_inception_score(logits, splits):
    """Written differently: SciPy softmax and entropy (KL) per image."""
    p = special.softmax(logits, axis=1)
    parts = np.array_split(np.arange(len(p)), splits)
    scores = [
        np.exp(np.mean([stats.entropy(row, p[part].mean(axis=0)) for row in p[part]]))
        for part in parts
    ]
    return np.mean(scores), np.std(scores)


@pytest.mark.parametrize("num_images, splits", [(200, 10), (203, 7), (50, 1)])
def test_inception_score_matches_scipy(num_images, splits):
    logits = _logits(num_images)
    mean, std = inception_score(logits, splits=splits)
    ref_mean, ref_std = _reference_inception_score(logits, splits)
    np.testing.assert_allclose(mean, ref_mean, rtol=1e-8)
    np.testing.assert_allclose(std, ref_std, rtol=1e-8, atol=1e-12)


def test_inception_score_extremes_and_shuffle():
    np.testing.assert_allclose(
        inception_score(np.zeros((20, 5)), 2), (1, 0), atol=1e-12
    )
    confident = np.log(np.eye(10) * 1e9 + 1e-300)
    np.testing.assert_allclose(inception_score(confident, splits=1)[0], 10, rtol=1e-6)
    logits = _logits(100)
    order = np.random.RandomState(2020).permutation(100)
    assert inception_score(logits, shuffle_seed=2020) == inception_score(logits[order])


def test_inception_score_bad_arguments():
    with pytest.raises(ValueError, match="splits"):
        inception_score(np.zeros((5, 3)), splits=6)
    with pytest.raises(ValueError, match="logits"):
        inception_score(np.zeros(5))
    with pytest.raises(TypeError, match="splits"):
        inception_score(np.zeros((5, 3)), splits=2.0)


def _reference_kid(x, y, num_subsets, m, seed):
    """Written differently: explicit off-diagonal masks, SciPy-free loops."""
    rng = np.random.RandomState(seed)
    d = x.shape[1]
    values = []
    for _ in range(num_subsets):
        a = x[rng.choice(len(x), m, replace=False)]
        b = y[rng.choice(len(y), m, replace=False)]
        off = ~np.eye(m, dtype=bool)
        kaa = np.power(np.einsum("id,jd->ij", a, a) / d + 1, 3)[off].mean()
        kbb = np.power(np.einsum("id,jd->ij", b, b) / d + 1, 3)[off].mean()
        kab = np.power(np.einsum("id,jd->ij", a, b) / d + 1, 3).mean()
        values.append(kaa + kbb - 2 * kab)
    return np.mean(values), np.std(values)


def test_kid_matches_an_independent_computation():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(120, 32))
    y = rng.normal(size=(90, 32)) + 0.2
    mean, std = kernel_inception_distance(x, y, num_subsets=7, subset_size=50, seed=3)
    ref_mean, ref_std = _reference_kid(x, y, 7, 50, 3)
    np.testing.assert_allclose(mean, ref_mean, rtol=1e-8)
    np.testing.assert_allclose(std, ref_std, rtol=1e-8)


def test_kid_caps_the_subset_size_at_the_smaller_set():
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(40, 8)), rng.normal(size=(30, 8))
    capped = kernel_inception_distance(x, y, num_subsets=3, subset_size=1000, seed=0)
    assert capped == kernel_inception_distance(x, y, 3, subset_size=30, seed=0)
    np.testing.assert_allclose(capped, _reference_kid(x, y, 3, 30, 0), rtol=1e-8)


def test_kid_is_near_zero_for_one_distribution_and_grows_with_a_shift():
    rng = np.random.default_rng(2)
    x, y = rng.normal(size=(300, 16)), rng.normal(size=(300, 16))
    same = kernel_inception_distance(x, y, num_subsets=10, subset_size=100)[0]
    shifted = kernel_inception_distance(x, y + 1, num_subsets=10, subset_size=100)[0]
    assert abs(same) < 0.05 < shifted


def test_kid_bad_arguments():
    x = np.zeros((10, 4))
    with pytest.raises(ValueError, match="dimension"):
        kernel_inception_distance(x, np.zeros((10, 5)))
    with pytest.raises(ValueError, match="subset_size"):
        kernel_inception_distance(x, x, subset_size=1)
    with pytest.raises(ValueError, match="features2"):
        kernel_inception_distance(x, np.zeros((1, 4)))


def test_statistics_match_numpy_and_round_trip(tmp_path):
    features = np.random.default_rng(3).normal(size=(37, 6)).astype("float32")
    statistics = FeatureStatistics.from_features(features, chunk_size=5)
    np.testing.assert_allclose(
        statistics.mu, features.astype(float).mean(0), rtol=1e-12
    )
    np.testing.assert_allclose(
        statistics.sigma, np.cov(features.astype(float), rowvar=False), rtol=1e-10
    )
    assert statistics.mu.dtype == statistics.sigma.dtype == np.float64
    path = statistics.save(tmp_path / "stats")
    assert path.endswith("stats.npz")
    loaded = load_statistics(path)
    assert loaded.num_samples == 37
    np.testing.assert_array_equal(loaded.sigma, statistics.sigma)


def test_loads_ttur_style_files_and_rejects_bad_ones(tmp_path):
    np.savez(tmp_path / "ttur.npz", mu=np.zeros(3), sigma=np.eye(3))
    assert load_statistics(tmp_path / "ttur.npz").num_samples is None
    np.savez(tmp_path / "bad.npz", mean=np.zeros(3))
    with pytest.raises(ValueError, match="'mu' and 'sigma'"):
        load_statistics(tmp_path / "bad.npz")
    np.savez(tmp_path / "shape.npz", mu=np.zeros(3), sigma=np.eye(4))
    with pytest.raises(ValueError, match="shape"):
        load_statistics(tmp_path / "shape.npz")
    with pytest.raises(FileNotFoundError):
        load_statistics(tmp_path / "missing.npz")
    with pytest.raises(ValueError, match="2 samples"):
        FeatureStatistics.from_features(np.zeros((1, 3)))
