"""`MetricCallback`: FID, IS or KID of a model's samples during `fit`."""

import keras

from ganzoo.metrics import scores
from ganzoo.metrics import standard
from ganzoo.validation import check_positive_int


class MetricCallback(keras.callbacks.Callback):
    """Computes FID, IS or KID of the model's samples every `every` epochs.

    The value is written into the epoch logs under `name`, so `History`
    (`fit(...).history[name]`, one entry per measured epoch), `CSVLogger`
    and `TensorBoard` record it: list this callback before those in
    `callbacks`. The reference images are run through the network once, at
    the first measurement. Samples come from `model.generate(num_images,
    seed=seed)` with the same seed every time, so successive figures follow
    the same latent points.

    Args:
        reference: Real images (array or folder), or for FID also saved
            statistics (`.npz` path or `FeatureStatistics`); ignored by IS
            (pass `None`).
        metric: `"fid"` (default), `"is"` or `"kid"`.
        num_images: Samples generated per measurement.
        every: Measure after every `every`-th epoch.
        seed: Seed of the samples.
        name: Log key; default `"fid"`, `"inception_score"` or `"kid"`.
        extractor: An `ganzoo.metrics.InceptionFeatures`; default: the
            published network.

    Example:

    ```python
    real, _ = ganzoo.datasets.load("mnist_5k", split="test")
    history = model.fit(
        train, epochs=20,
        callbacks=[ganzoo.metrics.MetricCallback(real, num_images=1000, every=5)],
    )
    print(history.history["fid"])
    ```
    """

    def __init__(
        self,
        reference=None,
        metric="fid",
        num_images=5000,
        every=1,
        seed=0,
        name=None,
        extractor=None,
    ):
        super().__init__()
        if metric not in standard.METRICS:
            raise ValueError(
                f"`metric` must be one of {standard.METRICS}. Received: {metric!r}"
            )
        if metric != "is" and reference is None:
            raise ValueError(f"`reference` is needed for metric={metric!r}.")
        self.metric = metric
        self.num_images = check_positive_int(num_images, "num_images")
        self.every = check_positive_int(every, "every")
        self.seed = seed
        self.name = (
            name or {"fid": "fid", "is": "inception_score", "kid": "kid"}[metric]
        )
        self.extractor = standard._extractor(extractor, "legacy_tf", 50)
        self._reference = None
        if metric != "is":
            self._reference = standard._prepare(
                reference, None, seed, "reference", metric == "fid"
            )
        self._reference_outputs = None

    def _reference_features(self):
        if self._reference_outputs is None:
            if self.metric == "fid":
                self._reference_outputs = standard._statistics(
                    self._reference, self.extractor, "reference"
                )
            else:
                self._reference_outputs = self.extractor._outputs(
                    self._reference, "reference"
                ).pool
        return self._reference_outputs

    def measure(self):
        """The metric of `num_images` fresh samples of the model, a float."""
        outputs = self.extractor(
            self.model, self.num_images, seed=self.seed, label="samples"
        )
        if self.metric == "is":
            return scores.inception_score(outputs.logits)[0]
        reference = self._reference_features()
        if self.metric == "kid":
            return scores.kernel_inception_distance(reference, outputs.pool)[0]
        fake = standard.FeatureStatistics.from_features(outputs.pool)
        return standard._fid_from_statistics(reference, fake).value

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every:
            return
        value = self.measure()
        if logs is not None:
            logs[self.name] = value
