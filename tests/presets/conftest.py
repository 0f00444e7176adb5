"""Fixtures shared by the preset tests: a loopback server and a fresh cache."""

import importlib

import pytest

from ganzoo.presets import download
from tests.presets.servers import LoopbackServer

PROXY_VARIABLES = (
    "http_proxy",
    "HTTP_PROXY",
    "https_proxy",
    "HTTPS_PROXY",
    "all_proxy",
    "ALL_PROXY",
)


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
    # Bounded requests: a hung server fails the test instead of blocking it.
    monkeypatch.setattr(download, "_TIMEOUT", 5.0)
    return path


@pytest.fixture
def hub_server(server, cache, tmp_path, monkeypatch):
    """The loopback server, with `huggingface_hub` pointed at it.

    Routes added under `/{repo_id}/resolve/{revision}/{filename}` answer
    the Hub's file protocol as `hf_hub_download` uses it: `HEAD` then
    `GET`, with the commit in `X-Repo-Commit` and the blob's hash in `ETag`.
    """
    # Set before the first import of huggingface_hub, which reads them...
    monkeypatch.setenv("HF_ENDPOINT", server.url)
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf_home"))
    monkeypatch.setenv("HF_HUB_DISABLE_IMPLICIT_TOKEN", "1")
    monkeypatch.setenv("HF_HUB_DISABLE_TELEMETRY", "1")
    huggingface_hub = pytest.importorskip("huggingface_hub")
    # ... and patched in case an earlier test imported it.
    constants = importlib.import_module("huggingface_hub.constants")
    monkeypatch.setattr(constants, "ENDPOINT", server.url)
    monkeypatch.setattr(
        constants,
        "HUGGINGFACE_CO_URL_TEMPLATE",
        server.url + "/{repo_id}/resolve/{revision}/{filename}",
    )
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setattr(constants, "HF_HUB_DISABLE_IMPLICIT_TOKEN", True)
    try:
        yield server
    finally:
        huggingface_hub.close_session()
