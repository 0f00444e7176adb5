"""Gaussian statistics of Inception features and their `.npz` files."""

import dataclasses
import os

import numpy as np

from ganzoo.metrics.frechet import _check_features


@dataclasses.dataclass(frozen=True)
class FeatureStatistics:
    """Mean and covariance of a feature set, with its sample count.

    Attributes:
        mu: float64 mean, shape `(dim,)`.
        sigma: float64 unbiased covariance (divisor `num_samples - 1`),
            shape `(dim, dim)`.
        num_samples: How many images the statistics were computed from;
            `None` when a loaded file did not record it (e.g. the `.npz`
            files of the original TTUR FID code, which hold only `mu` and
            `sigma`).

    Example:

    ```python
    stats = ganzoo.metrics.FeatureStatistics.from_features(pool_features)
    stats.save("cifar10_train.npz")
    ```
    """

    mu: np.ndarray
    sigma: np.ndarray
    num_samples: int | None

    @classmethod
    def from_features(cls, features, chunk_size=4096):
        """Statistics of an array `(num_samples, dim)` of features, in float64.

        The mean is taken first, then the covariance accumulates the
        centred features `chunk_size` rows at a time, so float32 features
        of 50,000 images need no float64 copy of the whole set.

        Args:
            features: Array `(num_samples, dim)`, at least 2 samples.
            chunk_size: Rows per float64 chunk.

        Returns:
            A `FeatureStatistics`; `sigma` equals `np.cov(features,
            rowvar=False)`.
        """
        features = np.asarray(features)
        if features.ndim != 2 or features.shape[0] < 2:
            raise ValueError(
                "`features` must have shape (num_samples, dim) with at least "
                f"2 samples. Received: features.shape={features.shape}"
            )
        num_samples, dim = features.shape
        mu = np.zeros(dim)
        for start in range(0, num_samples, chunk_size):
            chunk = _check_features(features[start : start + chunk_size], "features", 1)
            mu += chunk.sum(axis=0)
        mu /= num_samples
        scatter = np.zeros((dim, dim))
        for start in range(0, num_samples, chunk_size):
            centred = np.asarray(features[start : start + chunk_size], np.float64) - mu
            scatter += centred.T @ centred
        return cls(mu, scatter / (num_samples - 1), num_samples)

    def save(self, path):
        """Writes `mu`, `sigma` and `num_samples` to an `.npz` file.

        Args:
            path: File path; `.npz` is appended if missing (as NumPy does).

        Returns:
            The path written.
        """
        path = os.fspath(path)
        if not path.endswith(".npz"):
            path += ".npz"
        folder = os.path.dirname(path)
        if folder:
            os.makedirs(folder, exist_ok=True)
        count = -1 if self.num_samples is None else self.num_samples
        np.savez(path, mu=self.mu, sigma=self.sigma, num_samples=count)
        return path


def load_statistics(path):
    """Reads statistics written by `save_statistics` (or TTUR's `.npz` files).

    Args:
        path: Path of an `.npz` file with arrays `mu` `(dim,)` and `sigma`
            `(dim, dim)` and, optionally, `num_samples`.

    Returns:
        A `FeatureStatistics` in float64.

    Example:

    ```python
    stats = ganzoo.metrics.load_statistics("cifar10_train.npz")
    print(stats.num_samples)
    ```
    """
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"No statistics file at {path!r}.")
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {key: data[key] for key in data.files}
    except (OSError, ValueError) as error:
        raise ValueError(f"{path!r} is not a readable .npz file: {error}") from error
    missing = {"mu", "sigma"} - set(arrays)
    if missing:
        raise ValueError(
            f"{path!r} must hold arrays 'mu' and 'sigma'. Missing: {sorted(missing)}; "
            f"found: {sorted(arrays)}"
        )
    mu = np.asarray(arrays["mu"], np.float64)
    sigma = np.asarray(arrays["sigma"], np.float64)
    if mu.ndim != 1 or sigma.shape != (mu.shape[0],) * 2:
        raise ValueError(
            f"{path!r} must hold 'mu' of shape (dim,) and 'sigma' of shape "
            f"(dim, dim). Received: mu.shape={mu.shape}, sigma.shape={sigma.shape}"
        )
    count = int(arrays["num_samples"]) if "num_samples" in arrays else -1
    return FeatureStatistics(mu, sigma, None if count < 0 else count)
