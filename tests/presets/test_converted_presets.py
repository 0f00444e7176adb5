"""Presets converted from a published checkpoint on first use.

A loopback server publishes a `.pth` file; a test preset registered with
`register_converted_preset` downloads, converts and caches it on first use,
loads later without any request or torch, and refuses what is not the
expected network, leaving nothing in the cache.
"""

import functools
import hashlib
import io
import os
import subprocess
import sys

import keras
import numpy as np
import pytest

import ganzoo
from ganzoo.presets import converted
from ganzoo.presets import registry
from ganzoo.presets.download import DownloadError
from ganzoo.presets.download import fetch_unpinned
from ganzoo.presets.preset_io import read_metadata
from tests.presets.servers import static
from tests.presets.servers import truncated

torch = pytest.importorskip("torch")
reference = pytest.importorskip("tests.models.torch_image_to_image_reference")

TINY = {"image_shape": (28, 28, 1), "latent_dim": 8, "filters": 4, "seed": 0}
NAME = "test_converted_dcgan"


def tiny_state_dict(model=None):
    """A `state_dict` holding the tiny DCGAN generator's weights as `w.<i>`."""
    model = model or ganzoo.DCGAN(**TINY)
    return {
        f"w.{i}": torch.from_numpy(np.asarray(w.numpy()) + 0.5)
        for i, w in enumerate(model.generator.weights)
    }


def convert_tiny(state):
    """The test converter: checks every name and shape, like the real ones."""
    model = ganzoo.DCGAN(**TINY)
    weights = model.generator.weights
    expected = {f"w.{i}": tuple(w.shape) for i, w in enumerate(weights)}
    actual = {key: tuple(value.shape) for key, value in state.items()}
    if actual != expected:
        raise ValueError("The checkpoint does not hold the tiny generator.")
    for i, weight in enumerate(weights):
        weight.assign(state[f"w.{i}"])
    return model


def pth_bytes(state):
    buffer = io.BytesIO()
    torch.save(state, buffer)
    return buffer.getvalue()


def files_in(path):
    found = []
    for root, _, files in os.walk(path):
        found += [os.path.relpath(os.path.join(root, f), path) for f in files]
    return sorted(found)


@pytest.fixture
def publish(server, cache, monkeypatch):
    """`publish(data)` serves a checkpoint and registers a preset for it."""
    monkeypatch.setattr(registry, "_REGISTRY", dict(registry._REGISTRY))

    def publish_(data, sha256=None):
        server.routes["/models/tiny.pth"] = static(data)
        url = server.url + "/models/tiny.pth"
        converted.register_converted_preset(
            NAME,
            "DCGAN",
            "a test conversion",
            url,
            convert_tiny,
            card="Converted for a test.",
            dataset="none",
            sha256=sha256,
        )
        return url

    return publish_


def test_first_load_converts_then_the_cache_serves(publish, server, cache):
    state = tiny_state_dict()
    data = pth_bytes(state)
    url = publish(data)
    model = ganzoo.DCGAN.from_preset(NAME)
    for i, weight in enumerate(model.generator.weights):
        np.testing.assert_allclose(weight.numpy(), state[f"w.{i}"].numpy())
    assert len(server.requests) == 1
    folder = cache / "presets" / "converted" / NAME
    assert files_in(cache) == [
        os.path.join("presets", "converted", NAME, name)
        for name in (
            "README.md",
            "config.json",
            "metadata.json",
            "model.weights.h5",
            "sample.png",
        )
    ]
    meta = read_metadata(folder)
    assert meta["converted_from"] == {
        "url": url,
        "sha256": hashlib.sha256(data).hexdigest(),
        "bytes": len(data),
        "pinned": False,
    }
    card = (folder / "README.md").read_text()
    assert hashlib.sha256(data).hexdigest() in card and url in card
    assert "Converted for a test." in card

    server.routes.clear()  # any further request would fail
    again = ganzoo.from_preset(NAME)
    np.testing.assert_array_equal(again.generate(2, seed=1), model.generate(2, seed=1))
    assert len(server.requests) == 1


def test_later_loads_read_no_checkpoint(publish, cache, monkeypatch):
    publish(pth_bytes(tiny_state_dict()))
    ganzoo.from_preset(NAME)

    def no_torch(path):
        raise AssertionError("the checkpoint was read again")

    monkeypatch.setattr(converted, "read_state_dict", no_torch)
    monkeypatch.setenv("GANZOO_OFFLINE", "1")
    assert ganzoo.from_preset(NAME).generate(1, seed=0).shape == (1, 28, 28, 1)


@pytest.mark.skipif(
    keras.backend.backend() == "torch", reason="Keras itself needs torch here"
)
def test_later_loads_need_no_torch(publish, cache):
    url = publish(pth_bytes(tiny_state_dict()))
    ganzoo.from_preset(NAME)
    # A fresh process in which importing torch fails loads the cached preset.
    script = (
        "import sys\n"
        "class NoTorch:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] == 'torch':\n"
        "            raise ImportError('torch is blocked')\n"
        "sys.meta_path.insert(0, NoTorch())\n"
        "import ganzoo\n"
        "from ganzoo.presets import converted\n"
        f"converted.register_converted_preset({NAME!r}, 'DCGAN', 'x', "
        f"{url!r}, print)\n"
        f"print(ganzoo.from_preset({NAME!r}).generate(1, seed=0).shape)\n"
        "assert 'torch' not in sys.modules\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=dict(os.environ, GANZOO_OFFLINE="1"),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "(1, 28, 28, 1)" in result.stdout


@pytest.mark.parametrize(
    "edit",
    [
        lambda s: s.pop("w.0"),
        lambda s: s.update(extra=torch.zeros(2)),
        lambda s: s.update({"w.1": torch.zeros(5)}),
    ],
    ids=["missing", "extra", "wrong_shape"],
)
def test_a_different_network_is_refused_and_nothing_is_kept(publish, cache, edit):
    state = tiny_state_dict()
    edit(state)
    publish(pth_bytes(state))
    with pytest.raises(ValueError, match="does not hold the tiny generator"):
        ganzoo.from_preset(NAME)
    assert files_in(cache) == []


def test_a_file_that_is_not_a_state_dict_is_refused(publish, cache):
    publish(b"<html>moved</html>")
    with pytest.raises(Exception):  # noqa: B017 - torch's own unpickling error
        ganzoo.from_preset(NAME)
    assert files_in(cache) == []


def test_pinned_checkpoint(publish, server, cache):
    data = pth_bytes(tiny_state_dict())
    good = hashlib.sha256(data).hexdigest()
    publish(data)
    with pytest.raises(DownloadError, match="does not match"):
        ganzoo.from_preset(NAME, sha256="0" * 64)
    assert files_in(cache) == []
    ganzoo.from_preset(NAME, sha256=good)
    meta = read_metadata(cache / "presets" / "converted" / NAME)
    assert meta["converted_from"]["pinned"] is True
    requests = len(server.requests)
    ganzoo.from_preset(NAME, sha256=good)  # cached, same file
    ganzoo.from_preset(NAME)
    assert len(server.requests) == requests


def test_pin_other_than_the_cached_conversion_converts_again(publish, server, cache):
    first = pth_bytes(tiny_state_dict())
    publish(first)
    ganzoo.from_preset(NAME)
    second = pth_bytes(tiny_state_dict(ganzoo.DCGAN(**dict(TINY, seed=5))))
    server.routes["/models/tiny.pth"] = static(second)
    ganzoo.from_preset(NAME, sha256=hashlib.sha256(second).hexdigest())
    meta = read_metadata(cache / "presets" / "converted" / NAME)
    assert meta["converted_from"]["sha256"] == hashlib.sha256(second).hexdigest()
    assert len(server.requests) == 2


def test_corrupted_conversion_is_refused(publish, cache):
    publish(pth_bytes(tiny_state_dict()))
    ganzoo.from_preset(NAME)
    weights = cache / "presets" / "converted" / NAME / "model.weights.h5"
    with open(weights, "r+b") as f:
        f.seek(4000)
        f.write(b"\x00garbage\x00")
    with pytest.raises(ValueError, match="corrupted"):
        ganzoo.from_preset(NAME)


def test_listed_as_downloading_on_first_use(publish):
    publish(b"")
    row = {r["name"]: r for r in ganzoo.list_presets()}[NAME]
    assert row["downloads_on_first_use"] is True and "metrics" not in row
    assert {r["name"]: r for r in ganzoo.list_presets()}["dcgan_mnist"][
        "downloads_on_first_use"
    ] is False


# ------------------------------------------------------------ fetch_unpinned


def test_fetch_unpinned(server, cache):
    data = b"x" * 5000
    server.routes["/f.pth"] = static(data)
    path, sha256 = fetch_unpinned(server.url + "/f.pth", subdir="a/b")
    assert path == str(cache / "a" / "b" / "f.pth")
    assert sha256 == hashlib.sha256(data).hexdigest()
    with open(path, "rb") as f:
        assert f.read() == data


def test_fetch_unpinned_cut_short_leaves_nothing(server, cache):
    server.routes["/f.pth"] = truncated(b"x" * 5000, 100)
    with pytest.raises(DownloadError, match=r"(?i)cut short|connection"):
        fetch_unpinned(server.url + "/f.pth")
    assert files_in(cache) == []


def test_fetch_unpinned_offline(server, cache, monkeypatch):
    monkeypatch.setenv("GANZOO_OFFLINE", "1")
    with pytest.raises(DownloadError, match="Offline mode"):
        fetch_unpinned(server.url + "/f.pth")
    assert server.requests == []


# ------------------------------------- the authors' CycleGAN and pix2pix files


def test_the_authors_generators_are_registered(cache, monkeypatch):
    rows = {r["name"]: r for r in ganzoo.list_presets()}
    published = [n for n in rows if rows[n]["source"].startswith("http://efros")]
    assert len(published) == 23
    row = rows["cyclegan_horse2zebra"]
    assert row["class_name"] == "CycleGAN" and row["downloads_on_first_use"]
    assert row["source"] == (
        "http://efrosgans.eecs.berkeley.edu/cyclegan/pretrained_models/horse2zebra.pth"
    )
    assert "metrics" not in row
    assert rows["pix2pix_facades_label2photo"]["class_name"] == "Pix2Pix"
    assert "cyclegan_horse2zebra" in ganzoo.CycleGAN.presets
    assert "pix2pix_day2night" in ganzoo.Pix2Pix.presets
    # Offline, the first use fails before any request, naming the file.
    monkeypatch.setenv("GANZOO_OFFLINE", "1")
    with pytest.raises(DownloadError, match="horse2zebra.pth"):
        ganzoo.CycleGAN.from_preset("cyclegan_horse2zebra")
    assert files_in(cache) == []


@pytest.fixture
def publish_reference(server, cache, monkeypatch):
    """Serves a small random generator in the authors' layout as a preset."""
    monkeypatch.setattr(registry, "_REGISTRY", dict(registry._REGISTRY))

    def publish_(module, class_name, convert, legacy_instance_norm=False):
        buffer = io.BytesIO()
        state = module.state_dict()
        reference.save_state_dict(module, buffer, legacy_instance_norm)
        server.routes["/g.pth"] = static(buffer.getvalue())
        name = f"test_{class_name.lower()}_published"
        converted.register_converted_preset(
            name, class_name, "a test", server.url + "/g.pth", convert
        )
        return name, state

    return publish_


def test_published_cyclegan_generator_end_to_end(publish_reference, server):
    from ganzoo.models.cyclegan import reference_checkpoints

    published = {g.name: g for g in reference_checkpoints.PUBLISHED_GENERATORS}
    module = reference.randomize(reference.ResnetGenerator(3, 3, 4, num_blocks=2))
    convert = functools.partial(
        reference_checkpoints.convert_published_generator,
        generator=published["horse2zebra"],
        image_shape=(32, 32, 3),
        num_blocks=2,
        filters=4,
    )
    name, _ = publish_reference(module, "CycleGAN", convert, True)
    model = ganzoo.CycleGAN.from_preset(name)
    assert model.trained_directions == ("a_to_b",)
    x = np.random.default_rng(0).uniform(-1, 1, (2, 32, 32, 3)).astype("f4")
    np.testing.assert_allclose(
        model.translate(x), reference.run(module, x), rtol=0, atol=1e-5
    )
    with pytest.raises(ValueError, match="cyclegan_zebra2horse"):
        model.translate(x, direction="b_to_a")
    assert model.get_config()["trained_directions"] == ["a_to_b"]
    # The conversion recorded the other direction's preset in the config.
    assert model.get_config()["reverse_preset"] == "cyclegan_zebra2horse"
    with pytest.raises(ValueError, match="trained_directions"):
        ganzoo.CycleGAN(trained_directions="a_to_b")
    with pytest.raises(TypeError, match="reverse_preset"):
        ganzoo.CycleGAN(reverse_preset=3)
    one_way = ganzoo.CycleGAN(
        image_shape=(32, 32, 3), num_blocks=1, filters=4, trained_directions=["a_to_b"]
    )
    with pytest.raises(ValueError, match="publish none for that direction"):
        one_way.translate(x, direction="b_to_a")
    ganzoo.from_preset(name)
    assert len(server.requests) == 1


def test_published_pix2pix_generator_end_to_end(publish_reference):
    from ganzoo.models.pix2pix import reference_checkpoints

    published = {g.name: g for g in reference_checkpoints.PUBLISHED_GENERATORS}
    module = reference.randomize(reference.UnetGenerator(3, 3, 5, filters=4))
    convert = functools.partial(
        reference_checkpoints.convert_published_generator,
        generator=published["facades_label2photo"],
        image_shape=(32, 32, 3),
        num_downs=5,
        filters=4,
    )
    name, _ = publish_reference(module, "Pix2Pix", convert)
    model = ganzoo.Pix2Pix.from_preset(name)
    x = np.random.default_rng(0).uniform(-1, 1, (3, 32, 32, 3)).astype("f4")
    np.testing.assert_allclose(
        model.translate(x), reference.run(module, x), rtol=0, atol=1e-5
    )
    # The reference's test mode (5 levels have no dropout): batch statistics.
    np.testing.assert_allclose(
        model.translate(x, test_time_dropout=True, batch_size=3),
        reference.run(module, x, training=True),
        rtol=0,
        atol=1e-5,
    )
