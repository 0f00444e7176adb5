"""Fréchet distance between Gaussians fitted to feature sets (Heusel et al. 2017).

Everything here is NumPy in float64; it runs the same on every Keras backend.
"""

import numpy as np


def _as_float64(value, arg):
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as e:
        raise TypeError(
            f"`{arg}` must be an array of real numbers. "
            f"Received: {arg} of type {type(value).__name__}"
        ) from e
    return array


def _check_finite(array, arg):
    if not np.all(np.isfinite(array)):
        raise ValueError(f"`{arg}` contains NaN or infinite values.")


def _check_mean(mu, arg):
    mu = _as_float64(mu, arg)
    if mu.ndim != 1 or mu.shape[0] < 1:
        raise ValueError(
            f"`{arg}` must be a mean vector of shape (dim,). "
            f"Received: {arg}.shape={mu.shape}"
        )
    _check_finite(mu, arg)
    return mu


def _check_covariance(sigma, dim, arg, mu_arg):
    sigma = _as_float64(sigma, arg)
    if sigma.shape != (dim, dim):
        raise ValueError(
            f"`{arg}` must be a covariance matrix of shape ({dim}, {dim}), "
            f"matching `{mu_arg}`. Received: {arg}.shape={sigma.shape}"
        )
    _check_finite(sigma, arg)
    asymmetry = np.max(np.abs(sigma - sigma.T))
    if asymmetry > 1e-6 * max(np.max(np.abs(sigma)), 1e-300):
        raise ValueError(
            f"`{arg}` must be a symmetric covariance matrix. "
            f"Received: max |{arg} - {arg}.T| = {asymmetry:.3g}"
        )
    # Exactly symmetric, so that `eigh` sees the same matrix whichever
    # triangle it reads.
    return (sigma + sigma.T) / 2


def _sqrtm_psd(matrix):
    """Square root of a symmetric positive semi-definite matrix."""
    eigenvalues, eigenvectors = np.linalg.eigh(matrix)
    roots = np.sqrt(np.clip(eigenvalues, 0.0, None))
    return (eigenvectors * roots) @ eigenvectors.T


def frechet_distance(mu1, sigma1, mu2, sigma2):
    """Fréchet (2-Wasserstein) distance between two Gaussians.

    Computes

    `|mu1 - mu2|^2 + tr(sigma1) + tr(sigma2) - 2 tr((sigma1 sigma2)^(1/2))`

    in float64. The trace of the matrix square root is taken as
    `tr((S1 sigma2 S1)^(1/2))` with `S1 = sigma1^(1/2)`: `S1 sigma2 S1` is
    symmetric positive semi-definite and has the same eigenvalues as
    `sigma1 sigma2`, so both square roots come from symmetric
    eigendecompositions (`np.linalg.eigh`, `np.linalg.eigvalsh`), with
    eigenvalues that round-off makes slightly negative clipped to 0. This
    is stable for the singular covariances that rank-deficient features
    give, where the general `scipy.linalg.sqrtm` of the non-symmetric
    product can return complex values. Negative round-off in the result is
    clipped to 0.

    With the statistics of Inception-v3 pool features this is the FID of
    Heusel et al.; `ganzoo.metrics.evaluate_generator` uses the features of
    `ganzoo.metrics.DigitClassifier` instead, so its values are not
    comparable with published FIDs.

    Args:
        mu1: Mean of the first Gaussian, shape `(dim,)`.
        sigma1: Covariance of the first Gaussian, symmetric positive
            semi-definite, shape `(dim, dim)`.
        mu2: Mean of the second Gaussian, shape `(dim,)`.
        sigma2: Covariance of the second Gaussian, shape `(dim, dim)`.

    Returns:
        The distance as a Python float (>= 0). It is in squared feature
        units, so it is 0 for identical statistics and symmetric in its
        two Gaussians.

    Example:

    >>> import numpy as np
    >>> from ganzoo.metrics import frechet_distance
    >>> frechet_distance(np.zeros(2), np.eye(2), np.ones(2), 4 * np.eye(2))
    4.0

    Reference:
        Heusel et al., "GANs Trained by a Two Time-Scale Update Rule
        Converge to a Local Nash Equilibrium", NeurIPS 2017.
        Dowson and Landau, "The Fréchet distance between multivariate normal
        distributions", Journal of Multivariate Analysis, 1982.
    """
    mu1 = _check_mean(mu1, "mu1")
    mu2 = _check_mean(mu2, "mu2")
    if mu2.shape != mu1.shape:
        raise ValueError(
            f"`mu2` must have the same shape as `mu1`, {mu1.shape}. "
            f"Received: mu2.shape={mu2.shape}"
        )
    dim = mu1.shape[0]
    sigma1 = _check_covariance(sigma1, dim, "sigma1", "mu1")
    sigma2 = _check_covariance(sigma2, dim, "sigma2", "mu2")

    root1 = _sqrtm_psd(sigma1)
    product = root1 @ sigma2 @ root1
    product = (product + product.T) / 2
    trace_sqrt = np.sum(np.sqrt(np.clip(np.linalg.eigvalsh(product), 0.0, None)))
    diff = mu1 - mu2
    distance = diff @ diff + np.trace(sigma1) + np.trace(sigma2) - 2.0 * trace_sqrt
    return float(max(distance, 0.0))


def _check_features(features, arg, min_samples=2):
    features = _as_float64(features, arg)
    if features.ndim != 2:
        raise ValueError(
            f"`{arg}` must be a 2D array of shape (num_samples, dim). "
            f"Received: {arg}.shape={features.shape}"
        )
    if features.shape[0] < min_samples or features.shape[1] < 1:
        raise ValueError(
            f"`{arg}` must hold at least {min_samples} samples of dimension "
            f">= 1. Received: {arg}.shape={features.shape}"
        )
    _check_finite(features, arg)
    return features


def feature_statistics(features):
    """Mean and covariance of a set of feature vectors.

    Args:
        features: Array of shape `(num_samples, dim)`, at least 2 samples.

    Returns:
        Tuple `(mu, sigma)` in float64: `mu` of shape `(dim,)`, the sample
        mean; `sigma` of shape `(dim, dim)`, the unbiased sample covariance
        (`np.cov(features, rowvar=False)`, divisor `num_samples - 1`).

    Example:

    ```python
    mu, sigma = ganzoo.metrics.feature_statistics(features)
    ```
    """
    features = _check_features(features, "features")
    mu = features.mean(axis=0)
    sigma = np.atleast_2d(np.cov(features, rowvar=False))
    return mu, sigma


def frechet_distance_from_features(features1, features2):
    """Fréchet distance between Gaussians fitted to two feature sets.

    Args:
        features1: Array of shape `(n1, dim)`, at least 2 samples.
        features2: Array of shape `(n2, dim)`, at least 2 samples, with the
            same `dim`.

    Returns:
        `frechet_distance(*feature_statistics(features1),
        *feature_statistics(features2))`, a Python float.

    Example:

    ```python
    real = classifier.features(real_images)
    fake = classifier.features(generated_images)
    fd = ganzoo.metrics.frechet_distance_from_features(real, fake)
    ```

    Reference:
        Heusel et al., "GANs Trained by a Two Time-Scale Update Rule
        Converge to a Local Nash Equilibrium", NeurIPS 2017.
    """
    features1 = _check_features(features1, "features1")
    features2 = _check_features(features2, "features2")
    if features1.shape[1] != features2.shape[1]:
        raise ValueError(
            "`features1` and `features2` must have the same feature "
            f"dimension. Received: features1.shape={features1.shape}, "
            f"features2.shape={features2.shape}"
        )
    mu1, sigma1 = feature_statistics(features1)
    mu2, sigma2 = feature_statistics(features2)
    return frechet_distance(mu1, sigma1, mu2, sigma2)
