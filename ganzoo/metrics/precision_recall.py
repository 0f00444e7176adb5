"""Improved precision and recall (Kynkäänniemi et al. 2019), in NumPy."""

import numpy as np

from ganzoo.metrics.frechet import _check_features


def _check_batch_size(batch_size):
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)):
        raise TypeError(
            f"`batch_size` must be a positive integer. Received: "
            f"batch_size={batch_size!r}"
        )
    if batch_size < 1:
        raise ValueError(
            f"`batch_size` must be a positive integer. Received: "
            f"batch_size={batch_size!r}"
        )
    return int(batch_size)


def _squared_distances(rows, columns, columns_sq_norms):
    """Squared Euclidean distances between every row and every column."""
    rows_sq_norms = np.einsum("ij,ij->i", rows, rows)
    d2 = rows_sq_norms[:, None] + columns_sq_norms[None, :] - 2.0 * rows @ columns.T
    return np.maximum(d2, 0.0, out=d2)


def knn_radii(features, k=3, batch_size=1024):
    """Squared distance from each sample to its k-th nearest other sample.

    Args:
        features: Array of shape `(n, dim)` with `n > k`.
        k: Which neighbour; the sample itself is not counted.
        batch_size: Rows of the distance matrix computed at once, so that
            memory stays at `batch_size * n` float64 values.

    Returns:
        float64 array of shape `(n,)`, the squared k-NN radii.
    """
    n = features.shape[0]
    sq_norms = np.einsum("ij,ij->i", features, features)
    radii = np.empty(n, dtype=np.float64)
    for start in range(0, n, batch_size):
        stop = min(start + batch_size, n)
        d2 = _squared_distances(features[start:stop], features, sq_norms)
        d2[np.arange(stop - start), np.arange(start, stop)] = np.inf
        radii[start:stop] = np.partition(d2, k - 1, axis=1)[:, k - 1]
    return radii


def _inside_manifold(queries, references, reference_radii, batch_size):
    """Whether each query lies within the k-NN ball of some reference."""
    sq_norms = np.einsum("ij,ij->i", references, references)
    inside = np.empty(queries.shape[0], dtype=bool)
    for start in range(0, queries.shape[0], batch_size):
        stop = min(start + batch_size, queries.shape[0])
        d2 = _squared_distances(queries[start:stop], references, sq_norms)
        inside[start:stop] = np.any(d2 <= reference_radii[None, :], axis=1)
    return inside


def precision_recall(real_features, fake_features, k=3, batch_size=1024):
    """Improved precision and recall of generated samples in feature space.

    Each set's manifold is approximated by the union of balls around its
    samples, each ball's radius the distance from that sample to its k-th
    nearest neighbour within the same set. Precision is the fraction of
    generated samples that fall inside the real manifold (within the ball of
    at least one real sample): how realistic the samples are. Recall is the
    fraction of real samples inside the generated manifold: how much of the
    real data the generator covers. A mode-collapsed generator keeps a high
    precision but loses recall.

    Distances are Euclidean, in float64, computed `batch_size` rows at a
    time, so memory stays at `batch_size * max(n_real, n_fake)` values. A
    point exactly on a ball's boundary counts as inside.

    Args:
        real_features: Array of shape `(n_real, dim)` with `n_real > k`,
            features of real images.
        fake_features: Array of shape `(n_fake, dim)` with `n_fake > k`,
            features of generated images, same `dim`.
        k: Neighbour whose distance sets the radii (3 in the paper).
        batch_size: Rows of each distance matrix computed at once.

    Returns:
        Dict `{"precision": float, "recall": float}`, both in [0, 1].

    Example:

    ```python
    real = classifier.features(real_images)
    fake = classifier.features(generated_images)
    scores = ganzoo.metrics.precision_recall(real, fake, k=3)
    print(scores["precision"], scores["recall"])
    ```

    Reference:
        Kynkäänniemi et al., "Improved Precision and Recall Metric for
        Assessing Generative Models", NeurIPS 2019.
    """
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(f"`k` must be a positive integer. Received: k={k!r}")
    k = int(k)
    batch_size = _check_batch_size(batch_size)
    real = _check_features(real_features, "real_features", min_samples=k + 1)
    fake = _check_features(fake_features, "fake_features", min_samples=k + 1)
    if real.shape[1] != fake.shape[1]:
        raise ValueError(
            "`real_features` and `fake_features` must have the same feature "
            f"dimension. Received: real_features.shape={real.shape}, "
            f"fake_features.shape={fake.shape}"
        )
    real_radii = knn_radii(real, k, batch_size)
    fake_radii = knn_radii(fake, k, batch_size)
    precision = _inside_manifold(fake, real, real_radii, batch_size).mean()
    recall = _inside_manifold(real, fake, fake_radii, batch_size).mean()
    return {"precision": float(precision), "recall": float(recall)}
