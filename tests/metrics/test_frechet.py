import numpy as np
import pytest
import scipy.linalg

from ganzoo.metrics import feature_statistics
from ganzoo.metrics import frechet_distance
from ganzoo.metrics import frechet_distance_from_features


def random_spd(rng, dim):
    a = rng.normal(size=(dim, dim))
    return a @ a.T / dim + 0.1 * np.eye(dim)


def scipy_frechet(mu1, sigma1, mu2, sigma2):
    covmean = scipy.linalg.sqrtm(sigma1 @ sigma2)
    covmean = np.real(covmean)
    diff = mu1 - mu2
    return diff @ diff + np.trace(sigma1) + np.trace(sigma2) - 2 * np.trace(covmean)


@pytest.mark.parametrize("dim", [1, 2, 8, 32])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_matches_scipy_sqrtm(dim, seed):
    rng = np.random.default_rng(seed)
    mu1, mu2 = rng.normal(size=dim), rng.normal(size=dim)
    sigma1, sigma2 = random_spd(rng, dim), random_spd(rng, dim)
    expected = scipy_frechet(mu1, sigma1, mu2, sigma2)
    got = frechet_distance(mu1, sigma1, mu2, sigma2)
    assert isinstance(got, float)
    np.testing.assert_allclose(got, expected, rtol=1e-8)


def test_diagonal_closed_form():
    rng = np.random.default_rng(3)
    mu1, mu2 = rng.normal(size=6), rng.normal(size=6)
    a, b = rng.uniform(0.1, 3.0, size=6), rng.uniform(0.1, 3.0, size=6)
    expected = np.sum((mu1 - mu2) ** 2) + np.sum((np.sqrt(a) - np.sqrt(b)) ** 2)
    got = frechet_distance(mu1, np.diag(a), mu2, np.diag(b))
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_isotropic_closed_form():
    # N(0, I) vs N(1, 4 I) in 2D: |mu|^2 = 2, 2 * (1 - 2)^2 = 2.
    assert frechet_distance(
        np.zeros(2), np.eye(2), np.ones(2), 4 * np.eye(2)
    ) == pytest.approx(4.0, rel=1e-12)


def test_zero_for_identical_statistics_and_symmetric():
    rng = np.random.default_rng(4)
    mu, sigma = rng.normal(size=16), random_spd(rng, 16)
    assert frechet_distance(mu, sigma, mu, sigma) == pytest.approx(0.0, abs=1e-9)
    mu2, sigma2 = rng.normal(size=16), random_spd(rng, 16)
    np.testing.assert_allclose(
        frechet_distance(mu, sigma, mu2, sigma2),
        frechet_distance(mu2, sigma2, mu, sigma),
        rtol=1e-10,
    )


def test_singular_covariances():
    # Rank-deficient covariances (dead ReLU features) give a finite,
    # non-negative distance.
    rng = np.random.default_rng(5)
    x = rng.normal(size=(50, 3)) @ rng.normal(size=(3, 10))
    y = rng.normal(size=(50, 3)) @ rng.normal(size=(3, 10))
    d = frechet_distance_from_features(x, y)
    assert np.isfinite(d) and d >= 0
    assert frechet_distance_from_features(x, x) == pytest.approx(0.0, abs=1e-8)


def test_feature_statistics():
    rng = np.random.default_rng(6)
    features = rng.normal(size=(100, 5)).astype("float32")
    mu, sigma = feature_statistics(features)
    assert mu.dtype == np.float64 and sigma.dtype == np.float64
    assert mu.shape == (5,) and sigma.shape == (5, 5)
    np.testing.assert_allclose(mu, features.astype("float64").mean(0))
    np.testing.assert_allclose(sigma, np.cov(features.astype("float64").T))
    mu1, sigma1 = feature_statistics(features[:, :1])
    assert mu1.shape == (1,) and sigma1.shape == (1, 1)


def test_from_features_matches_statistics():
    rng = np.random.default_rng(7)
    a = rng.normal(size=(200, 4))
    b = rng.normal(loc=1.0, scale=2.0, size=(300, 4))
    assert frechet_distance_from_features(a, b) == pytest.approx(
        frechet_distance(*feature_statistics(a), *feature_statistics(b)), rel=1e-12
    )


@pytest.mark.parametrize(
    "args, message",
    [
        ((np.zeros((2, 2)), np.eye(2), np.zeros(2), np.eye(2)), "mu1"),
        ((np.zeros(2), np.eye(2), np.zeros(3), np.eye(3)), "mu2"),
        ((np.zeros(2), np.eye(3), np.zeros(2), np.eye(2)), "sigma1"),
        ((np.zeros(2), np.eye(2), np.zeros(2), np.ones(2)), "sigma2"),
        (
            (np.zeros(2), np.array([[1.0, 1.0], [0.0, 1.0]]), np.zeros(2), np.eye(2)),
            "symmetric",
        ),
        ((np.zeros(2), np.eye(2), np.array([0.0, np.nan]), np.eye(2)), "NaN"),
    ],
)
def test_validation(args, message):
    with pytest.raises(ValueError, match=message):
        frechet_distance(*args)


def test_feature_validation():
    with pytest.raises(ValueError, match="at least 2 samples"):
        feature_statistics(np.zeros((1, 3)))
    with pytest.raises(ValueError, match="2D"):
        feature_statistics(np.zeros(3))
    with pytest.raises(ValueError, match="same feature dimension"):
        frechet_distance_from_features(np.zeros((4, 3)), np.zeros((4, 2)))
