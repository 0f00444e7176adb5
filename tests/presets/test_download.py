"""Tests for `ganzoo.presets.download` and `ganzoo.presets.hf`.

Nothing here touches the network: every download is served by a
`LoopbackServer` on 127.0.0.1, which logs each request so the tests can
check when the cache is used instead.
"""

import hashlib
import os
import socket
import sys

import pytest

from ganzoo.presets import download
from ganzoo.presets import hf
from ganzoo.presets.download import DownloadError
from ganzoo.presets.download import fetch
from tests.presets.servers import static
from tests.presets.servers import truncated

DATA = bytes(range(256)) * 64  # 16 KiB
DATA_SHA = hashlib.sha256(DATA).hexdigest()
OTHER_SHA = hashlib.sha256(b"something else").hexdigest()


def serve(server, name="weights.bin", data=DATA):
    path = f"/files/{name}"
    server.routes[path] = static(data)
    return server.url + path


def listing(path):
    """All files under `path`, relative to it (temporary files included)."""
    found = []
    for root, _, files in os.walk(path):
        found += [os.path.relpath(os.path.join(root, f), path) for f in files]
    return sorted(found)


# ----------------------------------------------------------------- cache_dir


def test_cache_dir_precedence(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("GANZOO_CACHE", raising=False)
    monkeypatch.delenv("KERAS_HOME", raising=False)
    assert download.cache_dir() == str(tmp_path / "home" / ".keras" / "ganzoo")
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    assert download.cache_dir() == str(tmp_path / "keras" / "ganzoo")
    monkeypatch.setenv("GANZOO_CACHE", str(tmp_path / "ganzoo"))
    assert download.cache_dir() == str(tmp_path / "ganzoo")
    for path in ("home/.keras/ganzoo", "keras/ganzoo", "ganzoo"):
        assert (tmp_path / path).is_dir()


def test_file_sha256(tmp_path):
    path = tmp_path / "f"
    path.write_bytes(DATA)
    assert download.file_sha256(path) == DATA_SHA
    path.write_bytes(b"")
    assert download.file_sha256(str(path)) == hashlib.sha256(b"").hexdigest()


# --------------------------------------------------------------------- fetch


def test_good_download(server, cache):
    url = serve(server)
    path = fetch(url, DATA_SHA)
    assert path == str(cache / "downloads" / "weights.bin")
    with open(path, "rb") as f:
        assert f.read() == DATA
    assert [(r.method, r.path) for r in server.requests] == [
        ("GET", "/files/weights.bin")
    ]
    user_agent = server.requests[0].headers["User-Agent"]
    assert user_agent == f"ganzoo/{download.__version__}"
    assert listing(cache) == [os.path.join("downloads", "weights.bin")]


def test_filename_and_subdir(server, cache):
    url = serve(server)
    path = fetch(url, DATA_SHA.upper(), filename="renamed.bin", subdir="a/b")
    assert path == str(cache / "a" / "b" / "renamed.bin")
    assert listing(cache) == [os.path.join("a", "b", "renamed.bin")]


def test_second_call_uses_cache(server, cache):
    url = serve(server)
    first = fetch(url, DATA_SHA)
    assert len(server.requests) == 1
    server.routes.clear()  # Any further request would now get a 404.
    assert fetch(url, DATA_SHA) == first
    assert len(server.requests) == 1


def test_wrong_sha256(server, cache):
    url = serve(server)
    with pytest.raises(DownloadError) as info:
        fetch(url, OTHER_SHA)
    message = str(info.value)
    assert OTHER_SHA in message and DATA_SHA in message
    assert url in message and "removed" in message
    assert listing(cache) == []
    assert isinstance(info.value, OSError)


def test_connection_dropped_mid_body(server, cache):
    path = "/files/weights.bin"
    server.routes[path] = truncated(DATA, len(DATA) // 2)
    with pytest.raises(DownloadError, match=r"(?i)cut short|connection") as info:
        fetch(server.url + path, DATA_SHA)
    assert server.url + path in str(info.value)
    assert listing(cache) == []

    server.routes[path] = static(DATA)
    local = fetch(server.url + path, DATA_SHA)
    with open(local, "rb") as f:
        assert f.read() == DATA
    assert len(server.requests) == 2
    assert listing(cache) == [os.path.join("downloads", "weights.bin")]


def test_corrupted_cache_is_downloaded_again(server, cache):
    url = serve(server)
    path = fetch(url, DATA_SHA)
    with open(path, "r+b") as f:
        f.write(b"\0" * 10)
    with pytest.warns(UserWarning, match="does not match"):
        again = fetch(url, DATA_SHA)
    assert again == path
    with open(path, "rb") as f:
        assert f.read() == DATA
    assert len(server.requests) == 2


def test_http_error(server, cache):
    url = server.url + "/missing.bin"
    with pytest.raises(DownloadError, match="404") as info:
        fetch(url, DATA_SHA)
    assert url in str(info.value)
    assert listing(cache) == []


def test_connection_refused(cache):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/weights.bin"
    with pytest.raises(DownloadError, match="Could not download") as info:
        fetch(url, DATA_SHA)
    assert url in str(info.value)
    assert listing(cache) == []


@pytest.mark.parametrize("filename", ["../x", "a/b", "..", ".", "a\\b", ""])
def test_bad_filename(server, cache, filename):
    with pytest.raises(ValueError, match="Received: filename="):
        fetch(serve(server), DATA_SHA, filename=filename)
    assert server.requests == []


@pytest.mark.parametrize("sha256", ["abc", "g" * 64, DATA_SHA + "0", None, 123])
def test_bad_sha256(server, cache, sha256):
    with pytest.raises(ValueError, match=r"sha256.*Received: sha256=") as info:
        fetch(serve(server), sha256)
    assert str(info.value).endswith(f"Received: sha256={sha256!r}")
    assert server.requests == []


@pytest.mark.parametrize("subdir", ["../up", "/abs", "a/../b", "", "a//b"])
def test_bad_subdir(server, cache, subdir):
    with pytest.raises(ValueError, match="Received: subdir="):
        fetch(serve(server), DATA_SHA, subdir=subdir)


def test_bad_url(cache):
    with pytest.raises(ValueError, match="Received: url="):
        fetch("ftp://example.com/x.bin", DATA_SHA)
    with pytest.raises(ValueError, match="pass `filename`"):
        fetch("http://127.0.0.1:1/", DATA_SHA)


@pytest.mark.parametrize("variable", ["GANZOO_OFFLINE", "HF_HUB_OFFLINE"])
def test_offline_cache_miss(server, cache, monkeypatch, variable):
    url = serve(server)
    monkeypatch.setenv(variable, "1")
    with pytest.raises(DownloadError, match="not cached") as info:
        fetch(url, DATA_SHA)
    assert "offline mode is on" in str(info.value)
    assert variable in str(info.value)
    assert server.requests == []
    assert listing(cache) == []


def test_offline_cache_hit(server, cache, monkeypatch):
    url = serve(server)
    path = fetch(url, DATA_SHA)
    monkeypatch.setenv("GANZOO_OFFLINE", "true")
    assert fetch(url, DATA_SHA) == path
    assert len(server.requests) == 1


def test_progress(server, cache, capsys):
    fetch(serve(server, "a.bin"), DATA_SHA, progress=True)
    assert "Downloading a.bin" in capsys.readouterr().err
    fetch(serve(server, "b.bin"), DATA_SHA, progress=False)
    fetch(serve(server, "c.bin"), DATA_SHA)  # stderr is not a terminal here.
    assert capsys.readouterr().err == ""
    with pytest.raises(ValueError, match="Received: progress="):
        fetch(serve(server, "d.bin"), DATA_SHA, progress="yes")


# ------------------------------------------------------------------------ hf

REPO = "ganzoo-test/tiny-gan"
COMMIT = "0123456789abcdef0123456789abcdef01234567"
HF_FILE = "presets/model.weights.h5"


@pytest.fixture
def hub(hub_server):
    """The Hub's loopback stand-in, serving `HF_FILE` at `main` and `COMMIT`."""
    headers = {"X-Repo-Commit": COMMIT, "ETag": f'"{DATA_SHA}"'}
    for revision in ("main", COMMIT):
        route = f"/{REPO}/resolve/{revision}/{HF_FILE}"
        hub_server.routes[route] = static(DATA, headers)
    return hub_server


def test_hf_fetch(hub, cache):
    path = hf.hf_fetch(REPO, HF_FILE)
    with open(path, "rb") as f:
        assert f.read() == DATA
    assert os.path.realpath(path).startswith(os.path.realpath(cache / "hf"))
    resolve = f"/{REPO}/resolve/main/{HF_FILE}"
    assert [(r.method, r.path) for r in hub.requests] == [
        ("HEAD", resolve),
        ("GET", resolve),
    ]
    assert "ganzoo/" in hub.requests[0].headers["user-agent"]
    assert "authorization" not in {k.lower() for k in hub.requests[0].headers}

    # A branch is checked with a HEAD, but the file comes from the cache.
    assert hf.hf_fetch(REPO, HF_FILE) == path
    assert [r.method for r in hub.requests] == ["HEAD", "GET", "HEAD"]
    # A commit hash needs no request at all.
    assert hf.hf_fetch(REPO, HF_FILE, revision=COMMIT) == path
    assert len(hub.requests) == 3


def test_hf_fetch_offline(hub, cache, monkeypatch):
    monkeypatch.setenv("GANZOO_OFFLINE", "1")
    with pytest.raises(DownloadError, match="offline mode is on"):
        hf.hf_fetch(REPO, HF_FILE)
    assert hub.requests == []
    monkeypatch.delenv("GANZOO_OFFLINE")
    path = hf.hf_fetch(REPO, HF_FILE)
    monkeypatch.setenv("GANZOO_OFFLINE", "1")
    assert hf.hf_fetch(REPO, HF_FILE) == path
    assert len(hub.requests) == 2


def test_hf_fetch_missing_file(hub, cache):
    with pytest.raises(DownloadError, match="missing.bin"):
        hf.hf_fetch(REPO, "missing.bin", revision=COMMIT)


def test_hf_fetch_without_huggingface_hub(cache, monkeypatch):
    monkeypatch.setitem(sys.modules, "huggingface_hub", None)
    with pytest.raises(ImportError, match="pip install huggingface_hub"):
        hf.hf_fetch(REPO, HF_FILE)


@pytest.mark.parametrize(
    "filename", ["../x", "a/../b", "/etc/passwd", "\\x", "C:x", "", "a//b", None]
)
def test_hf_fetch_bad_filename(cache, filename):
    with pytest.raises(ValueError, match="Received: filename="):
        hf.hf_fetch(REPO, filename)


def test_hf_fetch_bad_repo_or_revision(cache):
    with pytest.raises(ValueError, match="Received: repo_id="):
        hf.hf_fetch("no-owner", HF_FILE)
    with pytest.raises(ValueError, match="Received: revision="):
        hf.hf_fetch(REPO, HF_FILE, revision="a b")


@pytest.mark.parametrize(
    "handle, expected",
    [
        ("hf://owner/repo", ("owner/repo", None)),
        ("hf://owner/repo@main", ("owner/repo", "main")),
        ("hf://Owner-1/repo_2.v3@v1.0", ("Owner-1/repo_2.v3", "v1.0")),
        ("hf://owner/repo@refs/pr/1", ("owner/repo", "refs/pr/1")),
        (f"hf://owner/repo@{COMMIT}", ("owner/repo", COMMIT)),
    ],
)
def test_parse_hf_handle(handle, expected):
    assert hf.parse_hf_handle(handle) == expected


@pytest.mark.parametrize(
    "handle",
    [
        "owner/repo",
        "https://huggingface.co/owner/repo",
        "hf://",
        "hf://repo",
        "hf://owner/",
        "hf:///repo",
        "hf://owner/repo/extra",
        "hf://owner/repo@",
        "hf://owner/repo@a b",
        "hf://owner/repo@../x",
        "hf://owner/../repo",
        "hf://own--er/repo",
        "hf://owner/re po",
        "hf://owner/repo@v1@v2",
        None,
    ],
)
def test_parse_hf_handle_errors(handle):
    with pytest.raises(ValueError, match="Received: handle="):
        hf.parse_hf_handle(handle)
