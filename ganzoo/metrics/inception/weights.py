"""The FID Inception network with its published weights, converted once.

pytorch-fid publishes the weights of the 2015-12-05 Inception graph
(ported from TensorFlow's `inception-2015-12-05.tgz`) as a PyTorch
`state_dict`. `load_fid_inception` downloads it once through
`ganzoo.presets.download.fetch` (cached, SHA-256 checked), converts it with
torch (needed for this step only) and caches the converted weights as a
Keras `.weights.h5` file next to it, with a small JSON record of both
files' SHA-256; later calls, in any process, load the `.weights.h5` and
need neither torch nor the `.pth`.
"""

import json
import os
import re
import tempfile
import threading
import warnings

from ganzoo.metrics.inception.convert import convert_state_dict
from ganzoo.metrics.inception.network import build_fid_inception
from ganzoo.presets import download

WEIGHTS_URL = (
    "https://github.com/mseitzer/pytorch-fid/releases/download/fid_weights/"
    "pt_inception-2015-12-05-6726825d.pth"
)
WEIGHTS_SHA256 = "6726825d0af5f729cebd5821db510b11b1cfad8faad88a03f1befd49fb9129b2"
CACHE_SUBDIR = "inception"
# Bumped if the converted layout ever changes, so old caches are rebuilt.
_CONVERSION_VERSION = 1
_TORCH_SUFFIXES = (".pth", ".pt")
_KERAS_SUFFIX = ".weights.h5"

_models = {}
_lock = threading.Lock()


def load_fid_inception(weights=None, url=None, sha256=None):
    """Returns the FID Inception network with its weights loaded.

    The model is `build_fid_inception()`'s: float32 images `(N, 299, 299,
    3)`, already resized and scaled to [-1, 1], in; a dict with the 2048-d
    `"pool"` features and the 1008 `"logits"` out.

    With `weights=None` the published weights are used: on the first call
    ever, pytorch-fid's `pt_inception-2015-12-05-6726825d.pth` is
    downloaded into ganzoo's cache (`<cache>/inception/`) and converted to
    `fid_inception-6726825d0af5f729.weights.h5` beside it (this step needs
    torch); the `.json` file beside that records its SHA-256, which is
    checked on every load, so a damaged cache is converted again.

    Building the network takes seconds, so each set of weights is built
    once per process and the same model is returned to later calls. It is
    frozen (`trainable=False`); do not change its weights (build your own
    copy with `build_fid_inception` and `convert_state_dict` for that).
    The cache is thread-safe.

    Args:
        weights: `None` for the published weights, or the path of a local
            file: pytorch-fid's `.pth` state_dict (converted in memory;
            needs torch) or a `.weights.h5` file written by this function
            or by `model.save_weights` on `build_fid_inception()`'s model.
        url: Where the published weights download from. Defaults to
            `WEIGHTS_URL` (pytorch-fid's release). Only with `weights=None`.
        sha256: SHA-256 of the file at `url`. Defaults to `WEIGHTS_SHA256`.
            Only with `weights=None`.

    Returns:
        The functional `keras.Model`, weights loaded.

    Raises:
        TypeError: if `weights` is neither None nor a path.
        ValueError: if `weights` is not a `.pth`, `.pt` or `.weights.h5`
            path, if `sha256` is not 64 hexadecimal digits, if `url` or
            `sha256` is given with a local `weights`, or if the weights do
            not fit the network.
        FileNotFoundError: if the local `weights` file does not exist.
        ganzoo.presets.download.DownloadError: if the download fails.
        ImportError: if a `.pth` must be converted and torch is missing.

    Example:

    ```python
    model = load_fid_inception()
    features = model.predict(images)["pool"]  # images in [-1, 1], 299x299
    ```

    Reference:
        Seitzer, pytorch-fid (github.com/mseitzer/pytorch-fid), whose
        release holds the converted TensorFlow weights.
    """
    if weights is None:
        url = WEIGHTS_URL if url is None else url
        sha256 = WEIGHTS_SHA256 if sha256 is None else sha256
        if not isinstance(sha256, str) or not re.fullmatch("[0-9a-fA-F]{64}", sha256):
            raise ValueError(
                f"`sha256` must be 64 hexadecimal digits. Received: sha256={sha256!r}"
            )
        sha256 = sha256.lower()
        key = ("published", url, sha256)
    else:
        if url is not None or sha256 is not None:
            raise ValueError(
                "`url` and `sha256` only apply to the published weights "
                f"(weights=None). Received: weights={weights!r}, url={url!r}, "
                f"sha256={sha256!r}"
            )
        weights = _check_local_path(weights)
        stat = os.stat(weights)
        key = ("local", weights, stat.st_size, stat.st_mtime_ns)
    with _lock:
        model = _models.get(key)
        if model is None:
            if weights is None:
                model = _load_published(url, sha256)
            else:
                model = _load_local(weights)
            model.trainable = False
            _models[key] = model
    return model


def clear_model_cache():
    """Forgets the models `load_fid_inception` built in this process.

    Frees their memory once no other reference holds them; the next call
    builds the network again (the converted weights stay cached on disk).

    Example:

    ```python
    model = load_fid_inception()
    del model
    clear_model_cache()  # the network's memory can now be freed
    ```
    """
    with _lock:
        _models.clear()


def _check_local_path(weights):
    try:
        path = os.path.abspath(os.fspath(weights))
    except TypeError as error:
        raise TypeError(
            "`weights` must be None or the path of a `.pth`, `.pt` or "
            f"`.weights.h5` file. Received: weights={weights!r}"
        ) from error
    if not path.endswith(_TORCH_SUFFIXES + (_KERAS_SUFFIX,)):
        raise ValueError(
            "`weights` must be None or the path of a `.pth`, `.pt` or "
            f"`.weights.h5` file. Received: weights={weights!r}"
        )
    if not os.path.isfile(path):
        raise FileNotFoundError(f"No FID Inception weights at {path!r}.")
    return path


def _load_local(path):
    if path.endswith(_KERAS_SUFFIX):
        model = build_fid_inception()
        model.load_weights(path)
        return model
    from ganzoo.backend.torch_checkpoint import read_state_dict

    return convert_state_dict(read_state_dict(path))


def _load_published(url, sha256):
    """Loads the converted cache if it is intact, else converts the `.pth`."""
    directory = os.path.join(download.cache_dir(), CACHE_SUBDIR)
    stem = f"fid_inception-{sha256[:16]}"
    converted = os.path.join(directory, stem + _KERAS_SUFFIX)
    record_path = os.path.join(directory, stem + ".json")
    record = {"source_sha256": sha256, "conversion_version": _CONVERSION_VERSION}
    if _cache_is_intact(converted, record_path, record):
        model = build_fid_inception()
        model.load_weights(converted)
        return model

    from ganzoo.backend.torch_checkpoint import read_state_dict

    source = download.fetch(url, sha256, subdir=CACHE_SUBDIR)
    model = convert_state_dict(read_state_dict(source))
    _write_converted(model, converted, record_path, record)
    return model


def _cache_is_intact(converted, record_path, record):
    if not os.path.isfile(converted):
        return False
    try:
        with open(record_path, encoding="utf-8") as f:
            saved = json.load(f)
    except (OSError, ValueError):
        saved = {}
    intact = (
        isinstance(saved, dict)
        and all(saved.get(name) == value for name, value in record.items())
        and saved.get("weights_sha256") == download.file_sha256(converted)
    )
    if not intact:
        warnings.warn(
            f"The converted FID Inception weights {converted} do not match "
            f"their record {record_path}; converting the published file "
            "again.",
            stacklevel=4,
        )
    return intact


def _write_converted(model, converted, record_path, record):
    """Writes the weights, then their record, each atomically."""
    directory = os.path.dirname(converted)
    os.makedirs(directory, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=directory, prefix=".", suffix=_KERAS_SUFFIX)
    os.close(fd)
    try:
        model.save_weights(temp)
        record = {**record, "weights_sha256": download.file_sha256(temp)}
        os.replace(temp, converted)
        _write_json(record, record_path)
    except BaseException:
        if os.path.exists(temp):
            os.remove(temp)
        raise


def _write_json(record, path):
    fd, temp = tempfile.mkstemp(
        dir=os.path.dirname(path), prefix=".", suffix=".json.part"
    )
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(record, f, indent=2, sort_keys=True)
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.remove(temp)
        raise
