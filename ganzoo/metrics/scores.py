"""Inception Score and Kernel Inception Distance from network outputs.

NumPy in float64, so the same features give the same figures on every
Keras backend. The Fréchet distance is in `ganzoo.metrics.frechet`.
"""

import numpy as np

from ganzoo.metrics.frechet import _check_features


def _check_count(value, arg, minimum):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"`{arg}` must be an int. Received: {arg}={value!r}")
    if value < minimum:
        raise ValueError(f"`{arg}` must be >= {minimum}. Received: {arg}={value}")
    return int(value)


def _log_softmax(logits):
    shifted = logits - logits.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def inception_score(logits, splits=10, shuffle_seed=None):
    """Inception Score of Salimans et al. from classifier logits.

    `p(y|x)` is the softmax over each row of `logits`. The samples are cut
    into `splits` consecutive parts (part `i` holds rows `i * n // splits`
    to `(i + 1) * n // splits`, as the original code slices them); for each
    part, with `p(y)` the mean of its `p(y|x)`, the score is
    `exp(mean_x KL(p(y|x) || p(y)))`. Returned are the mean and the
    (population, `ddof=0`) standard deviation of the part scores, as the
    original code and torch-fidelity report them. Terms with `p(y|x) = 0`
    count as 0.

    For figures comparable with papers, pass the 1008 logits of the FID
    Inception network on at least 5,000 (usually 50,000) images, computed
    without the final layer's bias as the original code does (torch-fidelity
    calls them `logits_unbiased`).

    Args:
        logits: Array `(num_images, num_classes)`.
        splits: Number of parts, at most `num_images`.
        shuffle_seed: `None` (default) scores the rows in the given order,
            like the original code. An int first permutes the rows with
            `np.random.RandomState(shuffle_seed).permutation`, like
            torch-fidelity (whose default seed is 2020).

    Returns:
        Tuple `(mean, std)` of Python floats.

    Example:

    >>> import numpy as np
    >>> from ganzoo.metrics import inception_score
    >>> logits = np.log(np.eye(4) * 1e6 + 1)  # confident and diverse
    >>> round(inception_score(logits, splits=1)[0], 2)
    4.0

    Reference:
        Salimans et al., "Improved Techniques for Training GANs", NeurIPS
        2016.
    """
    logits = _check_features(logits, "logits", min_samples=1)
    splits = _check_count(splits, "splits", 1)
    num_images = logits.shape[0]
    if splits > num_images:
        raise ValueError(
            f"`splits` must be at most the number of images, {num_images}. "
            f"Received: splits={splits}"
        )
    if shuffle_seed is not None:
        logits = logits[np.random.RandomState(shuffle_seed).permutation(num_images)]
    log_p = _log_softmax(logits)
    p = np.exp(log_p)
    scores = []
    for i in range(splits):
        part = slice(i * num_images // splits, (i + 1) * num_images // splits)
        p_part, log_p_part = p[part], log_p[part]
        with np.errstate(divide="ignore"):
            log_marginal = np.log(p_part.mean(axis=0))
        terms = np.where(p_part > 0, p_part * (log_p_part - log_marginal), 0.0)
        scores.append(np.exp(terms.sum(axis=1).mean()))
    return float(np.mean(scores)), float(np.std(scores))


def _polynomial_kernel(x, y):
    return (x @ y.T / x.shape[1] + 1.0) ** 3


def _unbiased_mmd2(x, y):
    m = x.shape[0]
    k_xx = _polynomial_kernel(x, x)
    k_yy = _polynomial_kernel(y, y)
    k_xy = _polynomial_kernel(x, y)
    within = k_xx.sum() - np.trace(k_xx) + k_yy.sum() - np.trace(k_yy)
    return within / (m * (m - 1)) - 2.0 * k_xy.sum() / (m * m)


def kernel_inception_distance(
    features1, features2, num_subsets=100, subset_size=1000, seed=2020
):
    """Kernel Inception Distance of Bińkowski et al. (unbiased MMD^2).

    With the cubic polynomial kernel `k(x, y) = (x.y / dim + 1)^3`, each of
    `num_subsets` rounds draws `m` rows of `features1` and `m` rows of
    `features2` without replacement and computes the unbiased estimate of
    the squared maximum mean discrepancy,

    `sum_{i!=j} k(x_i, x_j) / (m (m-1)) + sum_{i!=j} k(y_i, y_j) / (m (m-1))
    - 2 sum_{i,j} k(x_i, y_j) / m^2`

    (the cross term keeps its diagonal, as in the KID paper's code and
    torch-fidelity). The subsets are drawn as torch-fidelity draws them:
    `rng = np.random.RandomState(seed)`, then per round
    `rng.choice(n1, m, replace=False)` and `rng.choice(n2, m,
    replace=False)`; with the same seed (torch-fidelity's default is 2020)
    the figures agree.

    Subset size rule: `m = min(subset_size, n1, n2)`, as clean-fid and
    StyleGAN2-ADA do, so small sample sets still give a figure (with more
    variance) instead of the error torch-fidelity raises; `m` must be >= 2.

    Args:
        features1: Array `(n1, dim)`, e.g. 2048-d Inception pool features
            of real images.
        features2: Array `(n2, dim)` of generated images' features.
        num_subsets: Number of rounds.
        subset_size: Rows per subset before the cap above.
        seed: Seed of the subset draws.

    Returns:
        Tuple `(mean, std)` of Python floats over the rounds (`ddof=0`).
        The mean is an unbiased estimate, so it can be slightly negative
        when the two sets come from one distribution. Papers often report
        it times 1000.

    Example:

    ```python
    mean, std = ganzoo.metrics.kernel_inception_distance(real_pool, fake_pool)
    ```

    Reference:
        Bińkowski et al., "Demystifying MMD GANs", ICLR 2018.
    """
    features1 = _check_features(features1, "features1")
    features2 = _check_features(features2, "features2")
    if features1.shape[1] != features2.shape[1]:
        raise ValueError(
            "`features1` and `features2` must have the same feature "
            f"dimension. Received: features1.shape={features1.shape}, "
            f"features2.shape={features2.shape}"
        )
    num_subsets = _check_count(num_subsets, "num_subsets", 1)
    subset_size = _check_count(subset_size, "subset_size", 2)
    n1, n2 = features1.shape[0], features2.shape[0]
    m = min(subset_size, n1, n2)
    rng = np.random.RandomState(seed)
    estimates = np.empty(num_subsets)
    for i in range(num_subsets):
        x = features1[rng.choice(n1, m, replace=False)]
        y = features2[rng.choice(n2, m, replace=False)]
        estimates[i] = _unbiased_mmd2(x, y)
    return float(estimates.mean()), float(estimates.std())
