"""FID, Inception Score and KID on the FID Inception network, as papers report them.

The pipeline is the one of the reference code (TTUR's FID, improved-gan's
Inception Score, torch-fidelity):

1. Images in [-1, 1] are quantised to uint8 as saving them to PNG would;
   greyscale is tiled to RGB.
2. They are resized to 299x299, by default with TensorFlow 1.x's bilinear
   resize (`resize="legacy_tf"`, see `ganzoo.metrics.resize`), which the
   2015-12-05 Inception graph runs on [0, 255] pixels; `resize="clean"`
   uses clean-fid's antialiased bicubic resize instead (its figures are
   not comparable with legacy ones).
3. Pixels are scaled with `(x - 128) / 128`, the constants of that graph
   (and of torch-fidelity and clean-fid), not pytorch-fid's
   `x / 127.5 - 1`, which shifts every input by 1/256.
4. The network gives 2048-d pool features (FID, KID) and 1008 logits (IS);
   statistics are float64 NumPy on the host.
"""

import dataclasses
import os
import sys

import keras
import numpy as np

from ganzoo.metrics import scores
from ganzoo.metrics.frechet import frechet_distance
from ganzoo.metrics.image_sources import image_source
from ganzoo.metrics.resize import INCEPTION_SIZE
from ganzoo.metrics.resize import LegacyResize
from ganzoo.metrics.resize import check_resize_mode
from ganzoo.metrics.resize import resize_clean
from ganzoo.metrics.statistics import FeatureStatistics
from ganzoo.metrics.statistics import load_statistics
from ganzoo.validation import check_positive_int

METRICS = ("fid", "is", "kid")


@dataclasses.dataclass(frozen=True)
class InceptionOutputs:
    """What the FID Inception network gives for a set of images.

    Attributes:
        pool: float32 `(num_samples, 2048)` pool features.
        logits: float32 `(num_samples, 1008)` logits for the Inception
            Score.
    """

    pool: np.ndarray
    logits: np.ndarray

    @property
    def num_samples(self):
        """Number of images."""
        return self.pool.shape[0]


class _Progress:
    def __init__(self, label, total, enabled):
        self.label, self.total, self.done, self.enabled = label, total, 0, enabled

    def update(self, count):
        self.done += count
        if self.enabled:
            end = "\n" if self.done >= self.total else ""
            width = 30
            filled = width * self.done // max(self.total, 1)
            bar = "#" * filled + "." * (width - filled)
            print(
                f"\r{self.label}: [{bar}] {self.done}/{self.total} images",
                end=end,
                file=sys.stderr,
                flush=True,
            )


class InceptionFeatures:
    """Runs images through the FID Inception network in batches.

    Args:
        network: A Keras model taking float32 `(n, 299, 299, 3)` images
            already resized and scaled to the network's range and returning
            a dict with `"pool"` `(n, 2048)` and `"logits"` `(n, 1008)`
            (and, optionally, `"logits_unbiased"`, the logits without the
            final bias, which the Inception Score then uses as the original
            code does). Default: `ganzoo.metrics.inception.load_fid_inception()`,
            the published weights, loaded on first use (once per process).
        resize: `"legacy_tf"` (default; the reference FID/IS resize) or
            `"clean"` (clean-fid's), see `ganzoo.metrics.resize`.
        batch_size: Images per forward pass. The last batch is padded to
            this size so compiled backends compile once per image size.
        progress: Whether to draw a progress bar on stderr.

    Example:

    ```python
    extractor = ganzoo.metrics.InceptionFeatures(batch_size=100)
    stats = extractor.statistics("cifar10_train_pngs/")
    outputs = extractor(model, num_images=10000, seed=0)
    ```
    """

    def __init__(self, network=None, resize="legacy_tf", batch_size=50, progress=False):
        self.resize = check_resize_mode(resize)
        self.batch_size = check_positive_int(batch_size, "batch_size")
        self.progress = bool(progress)
        self._network = network
        self._pipelines = {}

    @property
    def network(self):
        """The Inception network (loaded on first use when not given)."""
        if self._network is None:
            from ganzoo.metrics.inception import load_fid_inception

            self._network = load_fid_inception()
        return self._network

    def _pipeline(self, height, width):
        key = (height, width)
        if key not in self._pipelines:
            inputs = keras.Input((height, width, 3), dtype="float32")
            x = inputs
            if self.resize == "legacy_tf":
                x = LegacyResize(INCEPTION_SIZE)(x)
            x = keras.layers.Rescaling(1.0 / 128.0, offset=-1.0)(x)
            outputs = self.network(x)
            self._pipelines[key] = keras.Model(inputs, outputs)
        return self._pipelines[key]

    def _run(self, batch):
        if self.resize == "clean":
            batch = resize_clean(batch)
        count = batch.shape[0]
        padded = np.zeros((self.batch_size,) + batch.shape[1:], "float32")
        padded[:count] = batch
        outputs = self._pipeline(*batch.shape[1:3]).predict_on_batch(padded)
        for key in ("pool", "logits"):
            if key not in outputs:
                raise ValueError(
                    f"The Inception network must return a dict with 'pool' "
                    f"and 'logits'. Received keys: {sorted(outputs)}"
                )
        logits = outputs.get("logits_unbiased", outputs["logits"])
        return (
            keras.ops.convert_to_numpy(outputs["pool"])[:count],
            keras.ops.convert_to_numpy(logits)[:count],
        )

    def __call__(self, images, num_images=None, seed=0, label="images"):
        """Network outputs for a set of images.

        Args:
            images: An array `(n, h, w, 1 or 3)` (uint8 in [0, 255] or
                floats in [-1, 1]), a model with `generate(num_images,
                seed=...)`, or a folder of image files.
            num_images: How many images: the first of an array or folder
                (default all), or how many a model generates (required).
            seed: Seed of a model's samples.
            label: Name shown on the progress bar and in errors.

        Returns:
            An `InceptionOutputs` (float32 `pool` and `logits`).
        """
        return self._outputs(image_source(images, num_images, seed, label), label)

    def _outputs(self, source, label):
        progress = _Progress(label, source.num_images, self.progress)
        pools, logits = [], []
        for chunk in source.batches(self.batch_size):
            pool, logit = self._run(chunk)
            pools.append(pool)
            logits.append(logit)
            progress.update(chunk.shape[0])
        return InceptionOutputs(np.concatenate(pools), np.concatenate(logits))

    def statistics(self, images, num_images=None, seed=0, label="images"):
        """Float64 mean and covariance of the pool features of `images`.

        Args:
            images: Images, a folder or a model, as for calling the extractor.
            num_images: How many images to use, as for calling the extractor.
            seed: Seed of a model's samples.
            label: Name of the images in messages and the progress bar.

        Returns:
            A `FeatureStatistics` with the sample count.
        """
        return FeatureStatistics.from_features(
            self(images, num_images, seed, label).pool
        )


@dataclasses.dataclass(frozen=True)
class MetricResult:
    """A metric value with the sample counts it was computed from.

    Attributes:
        metric: `"fid"`, `"is"` or `"kid"`.
        value: The figure (for IS and KID, the mean over splits/subsets).
        std: Standard deviation over splits (IS) or subsets (KID); `None`
            for FID.
        num_generated: Number of evaluated (generated) images.
        num_real: Number of reference images (`None` for IS, or when loaded
            statistics did not record it).

    Example:

    ```python
    result = ganzoo.metrics.fid(real_images, model, num_images=10000)
    print(f"FID {result.value:.2f} ({result.num_generated} vs {result.num_real})")
    ```
    """

    metric: str
    value: float
    std: float | None
    num_generated: int
    num_real: int | None

    def __float__(self):
        return float(self.value)

    def as_dict(self):
        """The fields as a dict (for JSON and preset metadata)."""
        return dataclasses.asdict(self)


def _is_statistics(source):
    return isinstance(source, FeatureStatistics) or (
        isinstance(source, (str, os.PathLike))
        and os.fspath(source).lower().endswith(".npz")
    )


def _prepare(source, num_images, seed, arg, allow_statistics):
    """Validates a source before any image runs through the network."""
    if _is_statistics(source):
        if not allow_statistics:
            raise ValueError(
                f"`{arg}` must be images, a model or a folder: saved "
                "statistics hold no per-image features, so they serve FID only."
            )
        if isinstance(source, FeatureStatistics):
            return source
        return load_statistics(source)
    return image_source(source, num_images, seed, arg)


def _statistics(prepared, extractor, arg):
    if isinstance(prepared, FeatureStatistics):
        return prepared
    return FeatureStatistics.from_features(extractor._outputs(prepared, arg).pool)


def _extractor(extractor, resize, batch_size):
    if extractor is None:
        return InceptionFeatures(resize=resize, batch_size=batch_size)
    if not isinstance(extractor, InceptionFeatures):
        raise TypeError(
            "`extractor` must be a `ganzoo.metrics.InceptionFeatures`. "
            f"Received: extractor of type {type(extractor).__name__}"
        )
    return extractor


def _fid_from_statistics(real, fake):
    if real.mu.shape != fake.mu.shape:
        raise ValueError(
            "The real and generated statistics have different feature "
            f"dimensions: {real.mu.shape[0]} and {fake.mu.shape[0]}."
        )
    value = frechet_distance(real.mu, real.sigma, fake.mu, fake.sigma)
    return MetricResult("fid", value, None, fake.num_samples, real.num_samples)


def fid(
    real,
    fake,
    num_images=None,
    num_real=None,
    seed=0,
    extractor=None,
    resize="legacy_tf",
    batch_size=50,
):
    """Fréchet Inception Distance between real and generated images.

    Args:
        real: Reference images: an array `(n, h, w, 1 or 3)` (uint8 in
            [0, 255] or floats in [-1, 1]), a folder of image files, a
            `FeatureStatistics`, or the path of a statistics `.npz`
            (`save_statistics`).
        fake: Evaluated images: the same kinds, or a model with
            `generate(num_images, seed=...)`.
        num_images: How many images `fake` gives: how many a model
            generates (required then) or the first of an array/folder
            (default all). Papers use 50,000; fewer give larger FIDs.
        num_real: The first `num_real` images of `real` (default all).
        seed: Seed of a model's samples.
        extractor: An `InceptionFeatures`; default: the published network
            with `resize` and `batch_size` (both ignored when `extractor`
            is given: it carries its own).
        resize: `"legacy_tf"` (reference FID) or `"clean"` (clean-fid).
        batch_size: Images per forward pass of the default extractor.

    Returns:
        A `MetricResult` with `metric="fid"`, the distance in `value`, and
        the sample counts.

    Example:

    ```python
    import ganzoo

    model = ganzoo.from_preset("dcgan_mnist")
    real, _ = ganzoo.datasets.load("mnist_5k", split="test")
    result = ganzoo.metrics.fid(real, model, num_images=1000, seed=1)
    print(result.value, result.num_generated, result.num_real)
    ```

    Reference:
        Heusel et al., "GANs Trained by a Two Time-Scale Update Rule
        Converge to a Local Nash Equilibrium", NeurIPS 2017.
    """
    real = _prepare(real, num_real, seed, "real", allow_statistics=True)
    fake = _prepare(fake, num_images, seed, "fake", allow_statistics=True)
    extractor = _extractor(extractor, resize, batch_size)
    return _fid_from_statistics(
        _statistics(real, extractor, "real"), _statistics(fake, extractor, "fake")
    )


def inception_score(
    images,
    num_images=None,
    splits=10,
    seed=0,
    extractor=None,
    resize="legacy_tf",
    batch_size=50,
):
    """Inception Score of a set of images (Salimans et al.).

    Softmax over the 1008 logits of the FID Inception network, `splits`
    consecutive parts in generation order, mean and std of the part scores
    (see `ganzoo.metrics.scores.inception_score`).

    Args:
        images: An array `(n, h, w, 1 or 3)` (uint8 or floats in [-1, 1]),
            a folder of image files, or a model with `generate`.
        num_images: How many images (required for a model; papers use
            50,000).
        splits: Number of parts.
        seed: Seed of a model's samples.
        extractor: An `InceptionFeatures`; default: the published network.
        resize: `"legacy_tf"` (reference) or `"clean"`.
        batch_size: Images per forward pass of the default extractor.

    Returns:
        A `MetricResult` with `metric="is"`, `value` and `std`.

    Example:

    ```python
    result = ganzoo.metrics.inception_score(model, num_images=50000)
    print(f"IS {result.value:.2f} ± {result.std:.2f}")
    ```

    Reference:
        Salimans et al., "Improved Techniques for Training GANs", NeurIPS
        2016.
    """
    source = _prepare(images, num_images, seed, "images", allow_statistics=False)
    extractor = _extractor(extractor, resize, batch_size)
    logits = extractor._outputs(source, "images").logits
    mean, std = scores.inception_score(logits, splits=splits)
    return MetricResult("is", mean, std, logits.shape[0], None)


def kid(
    real,
    fake,
    num_images=None,
    num_real=None,
    seed=0,
    num_subsets=100,
    subset_size=1000,
    extractor=None,
    resize="legacy_tf",
    batch_size=50,
):
    """Kernel Inception Distance between real and generated images.

    Cubic polynomial kernel on the 2048-d pool features, unbiased MMD^2
    over `num_subsets` random subsets of `min(subset_size, n_real,
    n_generated)` images (see
    `ganzoo.metrics.scores.kernel_inception_distance`; subsets drawn with
    `np.random.RandomState(2020)` as torch-fidelity draws them).

    Args:
        real: Reference images: an array, or a folder (not statistics: KID
            needs per-image features).
        fake: Evaluated images: an array, a folder, or a model.
        num_images: How many images `fake` gives (required for a model).
        num_real: The first `num_real` images of `real` (default all).
        seed: Seed of a model's samples.
        num_subsets: Number of subsets.
        subset_size: Images per subset before the cap.
        extractor: An `InceptionFeatures`; default: the published network.
        resize: `"legacy_tf"` (reference) or `"clean"`.
        batch_size: Images per forward pass of the default extractor.

    Returns:
        A `MetricResult` with `metric="kid"`, `value` (mean) and `std`.

    Example:

    ```python
    result = ganzoo.metrics.kid("real_pngs/", model, num_images=10000)
    print(f"KID x 1000: {1000 * result.value:.2f}")
    ```

    Reference:
        Bińkowski et al., "Demystifying MMD GANs", ICLR 2018.
    """
    real = _prepare(real, num_real, seed, "real", allow_statistics=False)
    fake = _prepare(fake, num_images, seed, "fake", allow_statistics=False)
    extractor = _extractor(extractor, resize, batch_size)
    real_pool = extractor._outputs(real, "real").pool
    fake_pool = extractor._outputs(fake, "fake").pool
    mean, std = scores.kernel_inception_distance(
        real_pool, fake_pool, num_subsets=num_subsets, subset_size=subset_size
    )
    return MetricResult("kid", mean, std, fake_pool.shape[0], real_pool.shape[0])


def save_statistics(
    path,
    images,
    num_images=None,
    seed=0,
    extractor=None,
    resize="legacy_tf",
    batch_size=50,
):
    """Computes the FID statistics of a set of images and saves them.

    Reference statistics (e.g. of a training set) are computed once and
    passed as `real` to `fid` afterwards.

    Args:
        path: Where to write the `.npz` (`mu`, `sigma`, `num_samples`).
        images: An array, a folder, or a model with `generate`.
        num_images: How many images (required for a model).
        seed: Seed of a model's samples.
        extractor: An `InceptionFeatures`; default: the published network.
        resize: `"legacy_tf"` or `"clean"`; compare only statistics made
            with the same mode.
        batch_size: Images per forward pass of the default extractor.

    Returns:
        The `FeatureStatistics` written.

    Example:

    ```python
    ganzoo.metrics.save_statistics("mnist_test.npz", real_images)
    result = ganzoo.metrics.fid("mnist_test.npz", model, num_images=1000)
    ```
    """
    source = _prepare(images, num_images, seed, "images", allow_statistics=False)
    stats = _statistics(source, _extractor(extractor, resize, batch_size), "images")
    stats.save(path)
    return stats


def compute_metric(
    metric,
    source,
    reference=None,
    num_images=None,
    seed=0,
    extractor=None,
    save_reference_statistics=None,
):
    """One metric of `source` against `reference`: what `ganzoo evaluate` runs.

    Both are checked (folders exist and hold images, statistics files
    load) before any image goes through the network.

    Args:
        metric: `"fid"`, `"is"` or `"kid"`.
        source: Evaluated images: a model, a folder or an array.
        reference: Reference images (folder or array) or, for FID,
            statistics (`.npz` path or `FeatureStatistics`); not used by IS.
        num_images: How many images `source` gives (required for a model).
        seed: Seed of a model's samples.
        extractor: An `InceptionFeatures`; default: the published network.
        save_reference_statistics: Optional `.npz` path where the
            reference's FID statistics are written (FID and KID).

    Returns:
        A `MetricResult`.

    Example:

    ```python
    result = compute_metric("fid", model, "mnist_test.npz", num_images=1000)
    ```
    """
    if metric not in METRICS:
        raise ValueError(f"`metric` must be one of {METRICS}. Received: {metric!r}")
    if metric == "is":
        if reference is not None or save_reference_statistics is not None:
            raise ValueError("The Inception Score uses no reference images.")
        return inception_score(source, num_images, seed=seed, extractor=extractor)
    if reference is None:
        raise ValueError(f"{metric.upper()} needs reference images or statistics.")
    fake = _prepare(source, num_images, seed, "source", allow_statistics=False)
    real = _prepare(reference, None, seed, "reference", metric == "fid")
    extractor = _extractor(extractor, "legacy_tf", 50)
    if metric == "fid":
        real_stats = _statistics(real, extractor, "reference")
        if save_reference_statistics is not None:
            real_stats.save(save_reference_statistics)
        return _fid_from_statistics(real_stats, _statistics(fake, extractor, "source"))
    real_pool = extractor._outputs(real, "reference").pool
    if save_reference_statistics is not None:
        FeatureStatistics.from_features(real_pool).save(save_reference_statistics)
    fake_pool = extractor._outputs(fake, "source").pool
    mean, std = scores.kernel_inception_distance(real_pool, fake_pool)
    return MetricResult("kid", mean, std, fake_pool.shape[0], real_pool.shape[0])
