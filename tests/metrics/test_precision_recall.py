import numpy as np
import pytest

from ganzoo.metrics import precision_recall
from ganzoo.metrics.precision_recall import knn_radii


def brute_force(real, fake, k):
    def radii(x):
        d = np.linalg.norm(x[:, None] - x[None], axis=-1)
        np.fill_diagonal(d, np.inf)
        return np.sort(d, axis=1)[:, k - 1]

    def inside(q, r, rad):
        d = np.linalg.norm(q[:, None] - r[None], axis=-1)
        return (d <= rad[None]).any(axis=1).mean()

    return inside(fake, real, radii(real)), inside(real, fake, radii(fake))


def test_identical_sets():
    x = np.random.default_rng(0).normal(size=(200, 8))
    assert precision_recall(x, x.copy()) == {"precision": 1.0, "recall": 1.0}


def test_far_away_fake_set():
    rng = np.random.default_rng(1)
    real = rng.normal(size=(150, 4))
    fake = rng.normal(size=(120, 4)) + 100.0
    assert precision_recall(real, fake) == {"precision": 0.0, "recall": 0.0}


def test_fake_covering_half_of_the_real_support():
    rng = np.random.default_rng(2)
    centers = np.array([[0.0, 0.0], [20.0, 0.0]])
    real = rng.uniform(size=(400, 2)) + centers[np.arange(400) % 2]
    fake = rng.uniform(size=(200, 2)) + centers[0]  # one cluster only
    scores = precision_recall(real, fake, k=3)
    assert scores["precision"] >= 0.95
    assert 0.4 <= scores["recall"] <= 0.5


@pytest.mark.parametrize("k", [1, 3, 5])
def test_batching_matches_brute_force(k):
    rng = np.random.default_rng(3)
    real = rng.normal(size=(97, 5))
    fake = rng.normal(loc=0.5, size=(83, 5))
    expected = brute_force(real, fake, k)
    for batch_size in (1, 7, 1024):
        scores = precision_recall(real, fake, k=k, batch_size=batch_size)
        assert scores["precision"] == pytest.approx(expected[0])
        assert scores["recall"] == pytest.approx(expected[1])


def test_knn_radii_excludes_the_sample_itself():
    x = np.array([[0.0], [1.0], [3.0], [7.0]])
    np.testing.assert_allclose(knn_radii(x, k=1, batch_size=2), [1, 1, 4, 16])
    np.testing.assert_allclose(knn_radii(x, k=2, batch_size=3), [9, 4, 9, 36])


def test_validation():
    x = np.zeros((10, 3))
    with pytest.raises(ValueError, match="`k`"):
        precision_recall(x, x, k=0)
    with pytest.raises(ValueError, match="real_features"):
        precision_recall(np.zeros((3, 3)), x, k=3)
    with pytest.raises(ValueError, match="same feature dimension"):
        precision_recall(x, np.zeros((10, 2)))
    with pytest.raises(ValueError, match="batch_size"):
        precision_recall(x, x, batch_size=0)
