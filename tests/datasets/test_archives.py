"""Tests of the published-archive loaders, against a loopback server.

Tiny archives of the real layouts (a CycleGAN zip, a pix2pix tar.gz) are
built in `tmp_path` and served on 127.0.0.1; nothing touches the network.
"""

import functools
import hashlib
import io
import os
import tarfile
import zipfile

import numpy as np
import pytest
from PIL import Image

from ganzoo.datasets import archives
from ganzoo.datasets.image_pairs import PairedImages
from ganzoo.datasets.image_pairs import UnpairedImages
from ganzoo.presets import download
from ganzoo.presets.download import DownloadError
from tests.presets.conftest import PROXY_VARIABLES
from tests.presets.servers import LoopbackServer
from tests.presets.servers import static


@pytest.fixture
def server(monkeypatch):
    """A loopback server, reached without any proxy."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    with LoopbackServer() as loopback:
        yield loopback


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """An empty ganzoo cache under `tmp_path`, with offline mode off."""
    path = tmp_path / "cache"
    monkeypatch.setenv("GANZOO_CACHE", str(path))
    monkeypatch.delenv("GANZOO_OFFLINE", raising=False)
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setattr(download, "_TIMEOUT", 5.0)
    return path


def png_bytes(width=8, height=8, seed=0):
    rng = np.random.default_rng(seed)
    image = rng.integers(0, 256, size=(height, width, 3), dtype=np.uint8)
    out = io.BytesIO()
    Image.fromarray(image).save(out, format="PNG")
    return out.getvalue()


def zip_archive(members):
    """A zip of `{name: bytes}` (names ending in / are folders)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return out.getvalue()


def tar_archive(members, links=()):
    """A tar.gz of `{name: bytes}`, plus symlink members `(name, target)`."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as tf:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
        for name, target in links:
            info = tarfile.TarInfo(name)
            info.type = tarfile.SYMTYPE
            info.linkname = target
            tf.addfile(info)
    return out.getvalue()


def cyclegan_zip(name="horse2zebra"):
    members = {}
    for split in ("trainA", "trainB", "testA", "testB"):
        for i in range(2):
            members[f"{name}/{split}/{i}.jpg"] = png_bytes(seed=i)
    return zip_archive(members)


def pix2pix_tar(name="facades"):
    members = {}
    for split in ("train", "val", "test"):
        for i in range(2):
            members[f"{name}/{split}/{i}.jpg"] = png_bytes(width=16, seed=i)
    return tar_archive(members)


def serve(server, path, data):
    server.routes[path] = static(data)
    return server.url + path


def sha(data):
    return hashlib.sha256(data).hexdigest()


def listing(path):
    found = []
    for root, _, files in os.walk(path):
        found += [os.path.relpath(os.path.join(root, f), path) for f in files]
    return sorted(found)


def test_cyclegan_from_the_table_then_from_the_cache(server, cache, monkeypatch):
    data = cyclegan_zip()
    monkeypatch.setattr(archives, "CYCLEGAN_URL", server.url + "/cyclegan/{name}.zip")
    monkeypatch.setitem(archives.CYCLEGAN_SHA256, "horse2zebra", sha(data))
    serve(server, "/cyclegan/horse2zebra.zip", data)

    folders = archives.load_cyclegan_dataset("horse2zebra")
    root = cache / "datasets" / "cyclegan" / "horse2zebra"
    assert folders == {s: str(root / s) for s in ("testA", "testB", "trainA", "trainB")}
    assert sorted(os.listdir(folders["trainA"])) == ["0.jpg", "1.jpg"]
    assert len(server.requests) == 1
    # Only the unpacked folders stay: no archive, no temporary folder.
    assert all(p.startswith("datasets/cyclegan/horse2zebra/") for p in listing(cache))

    assert archives.load_cyclegan_dataset("horse2zebra") == folders
    assert len(server.requests) == 1  # the second call made no request

    images = UnpairedImages(folders["trainA"], folders["trainB"], preprocess="none")
    ((a, b),) = images[0]
    assert a.shape == b.shape == (1, 8, 8, 3)


def test_pix2pix_needs_a_checksum_then_unpacks(server, cache):
    data = pix2pix_tar()
    url = serve(server, "/pix2pix/facades.tar.gz", data)
    with pytest.raises(ValueError, match="No published SHA-256.*file_sha256"):
        archives.load_pix2pix_dataset("facades", url=url)
    assert server.requests == []

    folders = archives.load_pix2pix_dataset("facades", url=url, sha256=sha(data))
    assert sorted(folders) == ["test", "train", "val"]
    pairs = PairedImages(folders["train"], preprocess="none", batch_size=2)
    ((inputs, targets),) = pairs[0]
    assert inputs.shape == targets.shape == (2, 8, 8, 3)


def test_checksum_mismatch_leaves_nothing(server, cache):
    url = serve(server, "/horse2zebra.zip", cyclegan_zip())
    with pytest.raises(DownloadError, match="SHA-256"):
        archives.load_cyclegan_dataset("horse2zebra", url=url, sha256="0" * 64)
    assert listing(cache) == []
    assert not (cache / "datasets" / "cyclegan" / "horse2zebra").exists()


def test_another_checksum_unpacks_again(server, cache):
    first, second = cyclegan_zip(), cyclegan_zip("other_top_folder")
    url = serve(server, "/mini.zip", first)
    folders = archives.load_cyclegan_dataset("mini", url=url, sha256=sha(first))
    server.routes["/mini.zip"] = static(second)
    again = archives.load_cyclegan_dataset("mini", url=url, sha256=sha(second))
    assert again == folders and len(server.requests) == 2


@pytest.mark.parametrize(
    "members, links",
    [
        ({"facades/../evil.jpg": b"x", "facades/train/0.jpg": b"x"}, ()),
        ({"/tmp/evil.jpg": b"x"}, ()),
        ({"facades/train/0.jpg": b"x"}, [("facades/train/link.jpg", "/etc/passwd")]),
    ],
    ids=["dotdot", "absolute", "symlink"],
)
def test_hostile_tar_members_are_refused(server, cache, tmp_path, members, links):
    data = tar_archive(members, links)
    url = serve(server, "/facades.tar.gz", data)
    with pytest.raises(ValueError, match="refuses to unpack"):
        archives.load_pix2pix_dataset("facades", url=url, sha256=sha(data))
    assert not (cache / "datasets" / "pix2pix" / "facades").exists()
    assert not (tmp_path / "evil.jpg").exists()
    assert listing(cache) == []


def test_hostile_zip_members_are_refused(server, cache):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("mini/trainA/0.jpg", b"x")
        link = zipfile.ZipInfo("mini/trainA/link.jpg")
        link.external_attr = 0o120777 << 16  # a symlink
        zf.writestr(link, "/etc/passwd")
    data = out.getvalue()
    url = serve(server, "/mini.zip", data)
    with pytest.raises(ValueError, match="link or special file"):
        archives.load_cyclegan_dataset("mini", url=url, sha256=sha(data))
    dotdot = zip_archive({"mini/../../evil.jpg": b"x"})
    url = serve(server, "/mini2.zip", dotdot)
    with pytest.raises(ValueError, match="outside its folder"):
        archives.load_cyclegan_dataset("mini", url=url, sha256=sha(dotdot))
    assert listing(cache) == []


@pytest.mark.parametrize("kind", ["zip", "tar"])
def test_archive_expansion_is_bounded(server, cache, monkeypatch, kind):
    monkeypatch.setattr(archives, "MAX_DATASET_BYTES", 1000)
    members = {"facades/train/0.jpg": b"x" * 600, "facades/val/0.jpg": b"y" * 600}
    if kind == "zip":
        data = zip_archive(members)
        url = serve(server, "/mini.zip", data)
        load = functools.partial(archives.load_cyclegan_dataset, "mini")
    else:
        data = tar_archive(members)
        url = serve(server, "/facades.tar.gz", data)
        load = functools.partial(archives.load_pix2pix_dataset, "facades")
    with pytest.raises(
        ValueError, match=r"unpacks to 1,200 bytes, more than the 1,000"
    ):
        load(url=url, sha256=sha(data))
    assert listing(cache) == []


def test_names_and_errors():
    assert "horse2zebra" in archives.cyclegan_dataset_names()
    assert len(archives.cyclegan_dataset_names()) == 15
    assert archives.pix2pix_dataset_names() == [
        "edges2handbags",
        "edges2shoes",
        "facades",
        "maps",
        "night2day",
    ]
    recorded = [n for n, h in archives.CYCLEGAN_SHA256.items() if h is not None]
    assert len(recorded) == 11
    with pytest.raises(ValueError, match="Unknown cyclegan dataset"):
        archives.load_cyclegan_dataset("horse2zebras")
    with pytest.raises(ValueError, match="cityscapes-dataset.com"):
        archives.load_pix2pix_dataset("cityscapes")
