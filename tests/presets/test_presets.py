"""Preset loading: every kind of handle, verification, and refusals."""

import io
import json
import os
import tarfile
import zipfile

import numpy as np
import pytest

import ganzoo
from ganzoo.presets.download import DownloadError
from ganzoo.presets.download import file_sha256
from ganzoo.presets.preset_io import METADATA_FILE
from ganzoo.presets.preset_io import output_check
from ganzoo.presets.registry import registered_presets
from ganzoo.presets.resolve import builtin_folder
from ganzoo.presets.safety import UnsafePresetError
from tests.presets.servers import static

TINY = {"image_shape": (28, 28, 1), "latent_dim": 8, "filters": 4, "seed": 0}


@pytest.fixture(scope="module")
def tiny_preset(tmp_path_factory):
    model = ganzoo.DCGAN(**TINY)
    folder = str(tmp_path_factory.mktemp("presets") / "tiny_dcgan")
    model.save_to_preset(folder, metadata={"dataset": "none"})
    return folder, model.generate(3, seed=7)


def archive_bytes(folder, kind="tar.gz", rename=None):
    rename = rename or {}
    buffer = io.BytesIO()
    names = sorted(os.listdir(folder))
    if kind == "zip":
        with zipfile.ZipFile(buffer, "w") as z:
            for name in names:
                z.write(os.path.join(folder, name), rename.get(name, f"p/{name}"))
    else:
        with tarfile.open(fileobj=buffer, mode="w:gz") as t:
            for name in names:
                t.add(os.path.join(folder, name), rename.get(name, f"p/{name}"))
    return buffer.getvalue()


def sha256_of(data):
    import hashlib

    return hashlib.sha256(data).hexdigest()


def test_folder_round_trip_and_card(tiny_preset):
    folder, expected = tiny_preset
    model = ganzoo.DCGAN.from_preset(folder)
    np.testing.assert_allclose(model.generate(3, seed=7), expected, atol=1e-6)
    meta = json.load(open(os.path.join(folder, METADATA_FILE)))
    assert meta["class_name"] == "DCGAN"
    assert meta["parameter_count"] == model.count_params()
    assert set(meta["files"]) == {
        "config.json",
        "model.weights.h5",
        "README.md",
        "sample.png",
    }
    assert "DCGAN.from_preset" in open(os.path.join(folder, "README.md")).read()
    # ganzoo.from_preset finds the class by itself; a base class accepts it.
    assert type(ganzoo.from_preset(folder)) is ganzoo.DCGAN
    assert type(ganzoo.NoiseToImageGAN.from_preset(folder)) is ganzoo.DCGAN


def test_overrides(tiny_preset):
    folder, _ = tiny_preset
    assert ganzoo.DCGAN.from_preset(folder, dropout=0.0).dropout == 0.0
    with pytest.raises(TypeError, match="unknown"):
        ganzoo.DCGAN.from_preset(folder, dropuot=0.0)


def test_unknown_name_and_wrong_class():
    with pytest.raises(ValueError, match="Closest: dcgan_mnist"):
        ganzoo.DCGAN.from_preset("dcgan_mnst")
    with pytest.raises(ValueError, match=r"ganzoo\.GAN\.from_preset\('gan_mnist'\)"):
        ganzoo.DCGAN.from_preset("gan_mnist")
    assert "dcgan_mnist" in ganzoo.DCGAN.presets
    assert "dcgan_mnist" in ganzoo.NoiseToImageGAN.presets  # DCGAN is one
    assert "dcgan_mnist" not in ganzoo.GAN.presets  # families are siblings
    assert "gan_mnist" not in ganzoo.DCGAN.presets


@pytest.mark.parametrize("kind", ["tar.gz", "zip"])
def test_url_archive(tiny_preset, server, cache, kind):
    folder, expected = tiny_preset
    data = archive_bytes(folder, kind)
    server.routes[f"/p.{kind}"] = static(data)
    url = f"{server.url}/p.{kind}"
    model = ganzoo.from_preset(url, sha256=sha256_of(data))
    np.testing.assert_allclose(model.generate(3, seed=7), expected, atol=1e-6)
    assert len(server.requests) == 1
    ganzoo.from_preset(url, sha256=sha256_of(data))  # from the cache
    assert len(server.requests) == 1


def test_url_with_wrong_sha256_leaves_nothing(tiny_preset, server, cache):
    data = archive_bytes(tiny_preset[0])
    server.routes["/p.tar.gz"] = static(data)
    with pytest.raises(DownloadError, match="SHA-256|sha256"):
        ganzoo.from_preset(f"{server.url}/p.tar.gz", sha256="0" * 64)
    assert not [f for _, _, files in os.walk(cache) for f in files]


def test_url_needs_sha256(server):
    with pytest.raises(ValueError, match="sha256"):
        ganzoo.from_preset(f"{server.url}/p.tar.gz")


def test_archive_with_path_traversal_is_refused(tiny_preset, server, cache):
    data = archive_bytes(tiny_preset[0], rename={"config.json": "../config.json"})
    server.routes["/p.tar.gz"] = static(data)
    with pytest.raises(UnsafePresetError, match="archive member"):
        ganzoo.from_preset(f"{server.url}/p.tar.gz", sha256=sha256_of(data))
    assert not os.path.exists(cache / "presets")


def files_in(folder):
    return sorted(f for _, _, files in os.walk(folder) for f in files)


def serve_archive(server, data, kind="tar.gz"):
    server.routes[f"/p.{kind}"] = static(data)
    return f"{server.url}/p.{kind}"


@pytest.mark.parametrize("dropped", ["metadata.json", "config.json"])
def test_archive_missing_a_preset_file_leaves_nothing(
    tiny_preset, server, cache, dropped
):
    folder = tiny_preset[0]
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as t:
        for name in sorted(os.listdir(folder)):
            if name != dropped:
                t.add(os.path.join(folder, name), f"p/{name}")
    data = buffer.getvalue()
    url = serve_archive(server, data)
    for _ in range(2):  # the second call fails the same way, not on leftovers
        with pytest.raises(UnsafePresetError, match=f"holds no {dropped}"):
            ganzoo.from_preset(url, sha256=sha256_of(data))
        assert files_in(cache) == []


def test_archive_with_altered_weights_leaves_nothing(tiny_preset, server, cache):
    folder = tiny_preset[0]
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as t:
        for name in sorted(os.listdir(folder)):
            content = open(os.path.join(folder, name), "rb").read()
            if name == "model.weights.h5":
                content = content[:-1] + bytes([content[-1] ^ 1])
            info = tarfile.TarInfo(f"p/{name}")
            info.size = len(content)
            t.addfile(info, io.BytesIO(content))
    data = buffer.getvalue()
    with pytest.raises(ValueError, match="corrupted"):
        ganzoo.from_preset(serve_archive(server, data), sha256=sha256_of(data))
    assert files_in(cache) == []


def test_sha256_is_checked_before_any_use(tiny_preset, server, cache):
    data = archive_bytes(tiny_preset[0])
    url = serve_archive(server, data)
    with pytest.raises(ValueError, match="64 hexadecimal digits"):
        ganzoo.from_preset(url, sha256="../../" + tiny_preset[0])
    assert server.requests == []
    # Upper case is the same hash: one cache entry.
    ganzoo.from_preset(url, sha256=sha256_of(data).upper())
    ganzoo.from_preset(url, sha256=sha256_of(data))
    assert os.listdir(cache / "presets") == [sha256_of(data)]
    assert len(server.requests) == 1


def test_zip_symlink_member_is_refused(tiny_preset, server, cache):
    folder = tiny_preset[0]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name in sorted(os.listdir(folder)):
            if name == "sample.png":
                link = zipfile.ZipInfo(f"p/{name}")
                link.external_attr = (0o120777) << 16  # a symbolic link
                z.writestr(link, "/etc/passwd")
            else:
                z.write(os.path.join(folder, name), f"p/{name}")
    data = buffer.getvalue()
    with pytest.raises(UnsafePresetError, match="regular files only"):
        ganzoo.from_preset(serve_archive(server, data, "zip"), sha256=sha256_of(data))
    assert files_in(cache) == []


def test_archive_expansion_is_bounded(tiny_preset, server, cache, monkeypatch):
    from ganzoo.presets import resolve

    monkeypatch.setattr(resolve, "MAX_PRESET_BYTES", 1000)
    data = archive_bytes(tiny_preset[0])
    with pytest.raises(UnsafePresetError, match=r"more than 1,000 bytes"):
        ganzoo.from_preset(serve_archive(server, data), sha256=sha256_of(data))
    assert files_in(cache) == []


def test_hf_handle(tiny_preset, hub_server):
    folder, expected = tiny_preset
    commit = "0123456789abcdef0123456789abcdef01234567"
    for name in os.listdir(folder):
        data = open(os.path.join(folder, name), "rb").read()
        headers = {"X-Repo-Commit": commit, "ETag": f'"{sha256_of(data)}"'}
        hub_server.routes[f"/owner/tiny/resolve/main/{name}"] = static(data, headers)
    model = ganzoo.DCGAN.from_preset("hf://owner/tiny")
    np.testing.assert_allclose(model.generate(3, seed=7), expected, atol=1e-6)


def tampered_copy(folder, tmp_path, edit_config=None, edit_meta=None):
    """A copy of `folder` whose config (and its recorded hash) was edited."""
    copy = tmp_path / "tampered"
    copy.mkdir()
    for name in os.listdir(folder):
        (copy / name).write_bytes(open(os.path.join(folder, name), "rb").read())
    config = json.loads((copy / "config.json").read_text())
    if edit_config:
        edit_config(config)
    (copy / "config.json").write_text(json.dumps(config))
    meta = json.loads((copy / METADATA_FILE).read_text())
    meta["files"]["config.json"] = file_sha256(str(copy / "config.json"))
    if edit_meta:
        edit_meta(meta)
    (copy / METADATA_FILE).write_text(json.dumps(meta))
    return str(copy)


def _foreign_module(config):
    config["module"] = "os"


def _foreign_registered_name(config):
    config["registered_name"] = "evil>Payload"


def _lambda_layer(config):
    config["config"]["extra"] = {
        "module": "keras.layers",
        "class_name": "Lambda",
        "config": {"function": {"class_name": "__lambda__", "config": {}}},
    }


@pytest.mark.parametrize(
    "edit", [_foreign_module, _foreign_registered_name, _lambda_layer]
)
def test_hostile_config_is_refused(tiny_preset, tmp_path, edit):
    folder = tampered_copy(tiny_preset[0], tmp_path, edit_config=edit)
    with pytest.raises(UnsafePresetError):
        ganzoo.from_preset(folder)


def test_metadata_naming_other_files_is_refused(tiny_preset, tmp_path):
    def add_traversal(meta):
        meta["files"]["../../.bashrc"] = "0" * 64

    folder = tampered_copy(tiny_preset[0], tmp_path, edit_meta=add_traversal)
    with pytest.raises(UnsafePresetError, match="unexpected file"):
        ganzoo.from_preset(folder)


def test_corrupted_weights_are_refused(tiny_preset, tmp_path):
    folder = tampered_copy(tiny_preset[0], tmp_path)
    with open(os.path.join(folder, "model.weights.h5"), "r+b") as f:
        f.seek(4000)
        f.write(b"\x00garbage\x00")
    with pytest.raises(ValueError, match="corrupted"):
        ganzoo.from_preset(folder)


SHIPPED = [p.name for p in registered_presets() if p.source == "builtin"]


def test_listings_are_sorted_by_name_whatever_the_import_order():
    names = [row["name"] for row in ganzoo.list_presets()]
    assert names == sorted(names) and len(names) > 30
    assert list(ganzoo.CycleGAN.presets) == sorted(ganzoo.CycleGAN.presets)


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_preset_matches_its_recorded_output(name):
    model = ganzoo.from_preset(name)
    meta = json.load(open(os.path.join(builtin_folder(name), METADATA_FILE)))
    if "output_check" in meta:
        np.testing.assert_allclose(
            output_check(model)["values"], meta["output_check"]["values"], atol=1e-4
        )
        assert meta["metrics"]


def test_altered_output_check_is_caught(tiny_preset, tmp_path):
    """Weights changed with their hash updated still fail the output check."""
    import shutil

    folder = str(tmp_path / "altered")
    shutil.copytree(tiny_preset[0], folder)
    path = os.path.join(folder, METADATA_FILE)
    meta = json.load(open(path))
    meta["output_check"]["values"][0][0][0] += 0.5
    json.dump(meta, open(path, "w"))
    with pytest.raises(ValueError, match=r"does not reproduce the output recorded"):
        ganzoo.from_preset(folder)


@pytest.mark.parametrize(
    "file, content, message",
    [
        (METADATA_FILE, "[1]", r"metadata\.json must hold a JSON object"),
        (METADATA_FILE, "{not json", r"metadata\.json is not valid JSON"),
        ("config.json", '{"class_name": "DCGAN"}', r'config\.json must hold.*"config"'),
        ("config.json", "{", r"config\.json is not valid JSON"),
    ],
)
def test_malformed_preset_json_is_named(tiny_preset, tmp_path, file, content, message):
    import shutil

    folder = str(tmp_path / "bad")
    shutil.copytree(tiny_preset[0], folder)
    with open(os.path.join(folder, file), "w") as f:
        f.write(content)
    if file == "config.json":  # keep the hash right, so the JSON is what fails
        meta = json.load(open(os.path.join(folder, METADATA_FILE)))
        meta["files"]["config.json"] = file_sha256(os.path.join(folder, file))
        json.dump(meta, open(os.path.join(folder, METADATA_FILE), "w"))
    with pytest.raises(ValueError, match=message):
        ganzoo.from_preset(folder)
    from ganzoo import cli

    out = os.path.join(str(tmp_path), "grid.png")
    assert cli.main(["sample", folder, "--num-images", "2", "--out", out]) == 2
    assert not os.path.exists(out)
