"""The FID Inception port against a PyTorch implementation of the same graph.

Random weights (random BatchNorm statistics included) are saved in the key
layout of pytorch-fid's published `.pth`, converted with ganzoo's code and
must give the reference's pool features and logits within 1e-4 on every
Keras backend. The real weights are not needed.
"""

import json
import os

import keras
import numpy as np
import pytest
import torch
from torch.nn import functional as F

from ganzoo.backend import torch_checkpoint
from ganzoo.metrics import inception
from ganzoo.metrics.inception import weights as inception_weights
from ganzoo.presets import download
from tests.metrics.fid_inception_reference import ReferenceInception
from tests.metrics.fid_inception_reference import randomize
from tests.presets.servers import LoopbackServer
from tests.presets.servers import static

ATOL = 1e-4


@pytest.fixture(scope="module")
def reference():
    return randomize(ReferenceInception(), seed=0)


@pytest.fixture(scope="module")
def pth_path(reference, tmp_path_factory):
    path = tmp_path_factory.mktemp("inception") / "random_inception.pth"
    torch.save(reference.state_dict(), path)
    return path


@pytest.fixture(scope="module")
def arrays(pth_path):
    return torch_checkpoint.read_state_dict(pth_path)


@pytest.fixture(scope="module")
def model(arrays):
    return inception.convert_state_dict(arrays)


@pytest.fixture(scope="module")
def images():
    # Pixel values as the preprocessing gives them: uint8 levels in [-1, 1].
    levels = np.random.default_rng(1).integers(0, 256, (2, 299, 299, 3))
    return (levels / 127.5 - 1.0).astype("float32")


@pytest.fixture(scope="module")
def reference_outputs(reference, images):
    with torch.no_grad():
        pool, logits = reference(torch.from_numpy(images.transpose(0, 3, 1, 2)))
        unbiased = pool @ reference.fc.weight.T
    return pool.numpy(), logits.numpy(), unbiased.numpy()


def _assert_same_weights(a, b):
    for x, y in zip(a.weights, b.weights, strict=True):
        np.testing.assert_array_equal(
            keras.ops.convert_to_numpy(x), keras.ops.convert_to_numpy(y), x.path
        )


def test_outputs_match_reference(model, images, reference_outputs):
    outputs = model.predict(images, batch_size=2, verbose=0)
    assert set(outputs) == {"pool", "logits", "logits_unbiased"}
    pool, logits, unbiased = reference_outputs
    # The features are of order one, so the tolerance is effectively relative.
    assert 0.3 < np.abs(pool).mean() < 3 and 0.3 < np.abs(logits).mean() < 3
    assert outputs["pool"].shape == (2, 2048) and outputs["logits"].shape == (2, 1008)
    assert outputs["pool"].dtype == np.float32
    np.testing.assert_allclose(outputs["pool"], pool, rtol=0, atol=ATOL)
    np.testing.assert_allclose(outputs["logits"], logits, rtol=0, atol=ATOL)
    np.testing.assert_allclose(outputs["logits_unbiased"], unbiased, rtol=0, atol=ATOL)
    assert np.abs(logits - unbiased).max() > 100 * ATOL  # the bias is not zero


def test_pools_match_reference(model):
    """The branch pools on this backend, on inputs of both signs."""
    x = np.random.default_rng(2).normal(size=(2, 8, 8, 5)).astype("float32")
    x_torch = torch.from_numpy(x.transpose(0, 3, 1, 2))
    average = F.avg_pool2d(x_torch, 3, stride=1, padding=1, count_include_pad=False)
    maximum = F.max_pool2d(x_torch, 3, stride=1, padding=1)
    for name in ("Mixed_5b", "Mixed_6b", "Mixed_7b"):
        layer = model.get_layer(f"{name}__avgpool")
        np.testing.assert_allclose(
            keras.ops.convert_to_numpy(layer(x)),
            average.numpy().transpose(0, 2, 3, 1),
            rtol=0,
            atol=1e-6,
        )
    layer = model.get_layer("Mixed_7c__maxpool")
    np.testing.assert_array_equal(
        keras.ops.convert_to_numpy(layer(x)), maximum.numpy().transpose(0, 2, 3, 1)
    )


def test_parameter_count(model, reference):
    parameters = sum(p.numel() for p in reference.parameters())
    buffers = sum(
        b.numel()
        for name, b in reference.named_buffers()
        if not name.endswith("num_batches_tracked")
    )
    trainable = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
    assert trainable == parameters == 23_850_960
    assert model.count_params() == parameters + buffers


def test_batchnorm_epsilon_and_layer_names(model):
    bn = model.get_layer("Mixed_5b__branch1x1__bn")
    assert bn.epsilon == 1e-3
    assert isinstance(model.get_layer("Mixed_5b__branch1x1__conv"), keras.layers.Conv2D)
    assert model.get_layer("fc").units == 1008


@pytest.mark.parametrize(
    "change, match",
    [
        ("missing", "Mixed_6c.branch7x7_2.bn.running_var"),
        ("extra", "AuxLogits.fc.weight"),
        ("shape", "Mixed_7c.branch_pool.conv.weight"),
    ],
)
def test_conversion_errors_leave_model_untouched(model, arrays, change, match):
    bad = dict(arrays)
    # Give every other weight a new value: none of them may be assigned.
    bad = {key: value + 1 for key, value in bad.items()}
    if change == "missing":
        del bad[match]
    elif change == "extra":
        bad[match] = np.zeros((1008, 768), "float32")
    else:
        bad[match] = np.zeros((192, 2048, 1, 2), "float32")
    before = [keras.ops.convert_to_numpy(w) for w in model.weights[:6]]
    with pytest.raises(ValueError, match=match.replace(".", r"\.")):
        inception.convert_state_dict(bad, model=model)
    after = [keras.ops.convert_to_numpy(w) for w in model.weights[:6]]
    for x, y in zip(before, after, strict=True):
        np.testing.assert_array_equal(x, y)


def test_conversion_rejects_non_mapping():
    with pytest.raises(TypeError, match="mapping"):
        inception.convert_state_dict([("fc.weight", np.zeros(3))])


@pytest.fixture
def server(tmp_path, monkeypatch):
    """A loopback server, a fresh ganzoo cache and no models cached."""
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.setenv("GANZOO_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("GANZOO_OFFLINE", raising=False)
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setattr(download, "_TIMEOUT", 5.0)
    inception.clear_model_cache()
    with LoopbackServer() as loopback:
        yield loopback
    inception.clear_model_cache()


def test_load_downloads_converts_and_caches(server, pth_path, model, monkeypatch):
    data = pth_path.read_bytes()
    server.routes["/fid_weights/random.pth"] = static(data)
    url = server.url + "/fid_weights/random.pth"
    sha256 = download.file_sha256(pth_path)
    monkeypatch.setattr(inception_weights, "WEIGHTS_URL", url)
    monkeypatch.setattr(inception_weights, "WEIGHTS_SHA256", sha256)

    loaded = inception.load_fid_inception()
    assert len(server.requests) == 1
    assert loaded.trainable is False
    _assert_same_weights(loaded, model)
    assert inception.load_fid_inception() is loaded
    directory = os.path.join(download.cache_dir(), "inception")
    converted = os.path.join(directory, f"fid_inception-{sha256[:16]}.weights.h5")
    with open(converted.replace(".weights.h5", ".json")) as f:
        record = json.load(f)
    assert record["source_sha256"] == sha256
    assert record["weights_sha256"] == download.file_sha256(converted)
    assert not [name for name in os.listdir(directory) if name.startswith(".")]

    # A new process (the model cache cleared) needs neither torch nor a request.
    inception.clear_model_cache()

    def no_torch(path):
        raise ImportError("torch is not installed")

    with monkeypatch.context() as patch:
        patch.setattr(torch_checkpoint, "read_state_dict", no_torch)
        again = inception.load_fid_inception(url=url, sha256=sha256)
    assert len(server.requests) == 1
    assert again is not loaded
    _assert_same_weights(again, model)

    # A damaged converted file is converted again from the cached `.pth`.
    with open(converted, "ab") as f:
        f.write(b"damage")
    inception.clear_model_cache()
    with pytest.warns(UserWarning, match="do not match their record"):
        repaired = inception.load_fid_inception()
    assert len(server.requests) == 1
    _assert_same_weights(repaired, model)
    with open(converted.replace(".weights.h5", ".json")) as f:
        assert json.load(f)["weights_sha256"] == download.file_sha256(converted)


def test_load_local_files(pth_path, model, tmp_path):
    inception.clear_model_cache()
    try:
        from_pth = inception.load_fid_inception(pth_path)
        _assert_same_weights(from_pth, model)
        assert inception.load_fid_inception(str(pth_path)) is from_pth
        h5_path = tmp_path / "fid_inception.weights.h5"
        model.save_weights(str(h5_path))
        _assert_same_weights(inception.load_fid_inception(h5_path), model)
    finally:
        inception.clear_model_cache()


def test_load_argument_errors(pth_path, tmp_path):
    with pytest.raises(ValueError, match="weights"):
        inception.load_fid_inception(tmp_path / "weights.npz")
    with pytest.raises(FileNotFoundError):
        inception.load_fid_inception(tmp_path / "absent.pth")
    with pytest.raises(TypeError, match="weights"):
        inception.load_fid_inception(3)
    with pytest.raises(ValueError, match="url"):
        inception.load_fid_inception(pth_path, url="http://127.0.0.1/x.pth")
    with pytest.raises(ValueError, match="sha256"):
        inception.load_fid_inception(sha256="6726825d")
