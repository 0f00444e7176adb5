"""Fixtures shared by the preset tests: a loopback server and a fresh cache."""

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
