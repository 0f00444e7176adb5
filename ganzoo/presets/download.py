"""The one place where ganzoo downloads files.

`fetch` downloads a file over HTTP(S) into ganzoo's cache, checks its
SHA-256 and returns the local path. A file already in the cache with the
right hash is returned without any network request. Downloads stream into
a temporary file in the cache directory and are moved into place only once
their size and hash have been checked, so the cache never holds a partial
or unverified file.
"""

import hashlib
import http.client
import os
import posixpath
import re
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import warnings

from ganzoo.version import __version__

_SHA256_PATTERN = re.compile(r"[0-9a-fA-F]{64}")
_CHUNK_SIZE = 1 << 16
_HASH_CHUNK_SIZE = 1 << 20
# Seconds to wait for the server to connect or send the next bytes.
_TIMEOUT = 30.0
# With `progress=None`, files at least this large show a progress line.
_PROGRESS_MIN_BYTES = 1 << 20
_PROGRESS_INTERVAL = 0.1
_SCHEMES = ("http", "https", "file")
_OFFLINE_VARIABLES = ("GANZOO_OFFLINE", "HF_HUB_OFFLINE")
_TRUE_STRINGS = ("1", "true", "yes", "on")


class DownloadError(OSError):
    """A file could not be downloaded, or did not match its expected hash."""


def cache_dir():
    """Returns ganzoo's cache directory, creating it if needed.

    The directory is `$GANZOO_CACHE` if that variable is set, else
    `$KERAS_HOME/ganzoo` if `KERAS_HOME` is set, else `~/.keras/ganzoo`.

    Returns:
        The absolute path of the directory, as a string.
    """
    path = os.environ.get("GANZOO_CACHE")
    if not path:
        keras_home = os.environ.get("KERAS_HOME")
        if keras_home:
            path = os.path.join(keras_home, "ganzoo")
        else:
            path = os.path.join("~", ".keras", "ganzoo")
    path = os.path.abspath(os.path.expanduser(path))
    os.makedirs(path, exist_ok=True)
    return path


def offline_mode():
    """Returns the environment variable that turns offline mode on, or None.

    Offline mode is on when `GANZOO_OFFLINE` or `HF_HUB_OFFLINE` is set to
    `1`, `true`, `yes` or `on`. In offline mode `fetch` only returns files
    that are already cached.

    Returns:
        The name of the first variable that is set, or `None`.
    """
    for name in _OFFLINE_VARIABLES:
        if os.environ.get(name, "").strip().lower() in _TRUE_STRINGS:
            return name
    return None


def file_sha256(path):
    """Computes the SHA-256 of a file, reading it in chunks.

    Args:
        path: path of the file.

    Returns:
        The hash as a string of 64 lowercase hexadecimal digits.
    """
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(_HASH_CHUNK_SIZE), b""):
            digest.update(chunk)
    return digest.hexdigest()


def fetch(url, sha256, filename=None, subdir="downloads", progress=None):
    """Downloads a file into ganzoo's cache, checking its SHA-256.

    If `<cache_dir()>/<subdir>/<filename>` exists and has the expected hash,
    its path is returned without any network request. A cached file with
    another hash is deleted (with a warning) and downloaded again.

    The download streams into a temporary file next to the destination,
    hashing as it goes. The number of bytes received is checked against the
    server's `Content-Length`, and the hash against `sha256`; only then is
    the file moved into place, atomically. On any failure the temporary
    file is deleted and nothing is left in the cache.

    With `GANZOO_OFFLINE=1` or `HF_HUB_OFFLINE=1` set, a file that is not
    cached raises a `DownloadError` without any network request.

    Args:
        url: an `http://`, `https://` or `file://` URL.
        sha256: the expected SHA-256 of the file, as 64 hexadecimal digits.
        filename: name of the file in the cache. Defaults to the last
            component of the URL's path. May not contain a path separator
            and may not be `.` or `..`.
        subdir: directory inside `cache_dir()` to put the file in. May
            contain `/` but no empty, `.` or `..` component.
        progress: `True` to show a progress line on stderr, `False` to
            never show one. `None` (the default) shows one only for files
            of at least 1 MiB when stderr is a terminal.

    Returns:
        The local path of the verified file, as a string.

    Raises:
        ValueError: if `url`, `sha256`, `filename`, `subdir` or `progress`
            is invalid.
        DownloadError: if the download fails, is cut short, or the file
            does not match `sha256`; or if the file is not cached and
            offline mode is on.
    """
    url = _check_url(url)
    expected = check_sha256(sha256)
    if filename is None:
        filename = posixpath.basename(
            urllib.parse.unquote(urllib.parse.urlsplit(url).path)
        )
        if not filename:
            raise ValueError(
                "Cannot tell a file name from the URL; pass `filename`. "
                f"Received: url={url!r}"
            )
    _check_filename(filename)
    _check_subdir(subdir)
    if progress not in (None, True, False):
        raise ValueError(
            f"`progress` must be None, True or False. Received: progress={progress!r}"
        )

    directory = os.path.join(cache_dir(), *subdir.split("/"))
    path = os.path.join(directory, filename)
    if os.path.isfile(path):
        actual = file_sha256(path)
        if actual == expected:
            return path
        warnings.warn(
            f"The cached file {path} does not match its expected SHA-256 "
            f"(expected {expected}, found {actual}). Deleting it and "
            f"downloading it again from {url}.",
            stacklevel=2,
        )
        os.remove(path)

    variable = offline_mode()
    if variable is not None:
        raise DownloadError(
            f"{filename} is not cached (looked for {path}) and offline mode is "
            f"on ({variable}={os.environ[variable]}), so it cannot be "
            f"downloaded from {url}. Unset {variable} to download it, or put "
            "the file at that path."
        )

    os.makedirs(directory, exist_ok=True)
    _download(url, path, expected, progress)
    return path


def fetch_unpinned(url, filename=None, subdir="downloads", progress=None):
    """Downloads a file whose SHA-256 is not known in advance.

    For reference files whose authors publish no checksum (the CycleGAN and
    pix2pix generators). The download is as careful as `fetch`'s: it streams
    into a temporary file next to the destination, its size is checked
    against the server's `Content-Length`, and it is moved into place
    atomically, so the cache never holds a partial file. What it cannot do
    is check the content: the caller must verify the file itself (ganzoo's
    converters check every tensor's name and shape) and should record the
    returned hash. A file already at the destination is downloaded again,
    since there is nothing to check it against; callers that know a hash
    should use `fetch`.

    Args:
        url: an `http://`, `https://` or `file://` URL.
        filename: name of the file in the cache; defaults to the last
            component of the URL's path.
        subdir: directory inside `cache_dir()` to put the file in.
        progress: as for `fetch`.

    Returns:
        `(path, sha256)`: the local path and the SHA-256 of what was
        received, as 64 lowercase hexadecimal digits.

    Raises:
        ValueError: if an argument is invalid.
        DownloadError: if the download fails or is cut short, or offline
            mode is on.

    Example:

    ```python
    path, sha256 = fetch_unpinned(
        "http://efrosgans.eecs.berkeley.edu/cyclegan/pretrained_models/"
        "horse2zebra.pth",
        subdir="reference_checkpoints",
    )
    ```
    """
    url = _check_url(url)
    if filename is None:
        filename = posixpath.basename(
            urllib.parse.unquote(urllib.parse.urlsplit(url).path)
        )
    _check_filename(filename)
    _check_subdir(subdir)
    if progress not in (None, True, False):
        raise ValueError(
            f"`progress` must be None, True or False. Received: progress={progress!r}"
        )
    directory = os.path.join(cache_dir(), *subdir.split("/"))
    path = os.path.join(directory, filename)
    variable = offline_mode()
    if variable is not None:
        raise DownloadError(
            f"Offline mode is on ({variable}={os.environ[variable]}), so "
            f"{filename} cannot be downloaded from {url}. Unset {variable} to "
            "download it."
        )
    os.makedirs(directory, exist_ok=True)
    return path, _download(url, path, None, progress)


def _check_url(url):
    if not isinstance(url, str) or not url:
        raise ValueError(f"`url` must be a non-empty string. Received: url={url!r}")
    scheme = urllib.parse.urlsplit(url).scheme.lower()
    if scheme not in _SCHEMES:
        raise ValueError(
            f"`url` must be an http://, https:// or file:// URL. Received: url={url!r}"
        )
    return url


def check_sha256(sha256):
    if not isinstance(sha256, str) or not _SHA256_PATTERN.fullmatch(sha256):
        raise ValueError(
            "`sha256` must be the file's SHA-256 as a string of 64 hexadecimal "
            f"digits. Received: sha256={sha256!r}"
        )
    return sha256.lower()


def _check_filename(filename):
    separators = {"/", "\\", os.sep} | ({os.altsep} if os.altsep else set())
    if (
        not isinstance(filename, str)
        or filename in ("", ".", "..")
        or any(sep in filename for sep in separators)
        or "\0" in filename
    ):
        raise ValueError(
            "`filename` must be a plain file name, without a path separator, "
            f"and not '.' or '..'. Received: filename={filename!r}"
        )


def _check_subdir(subdir):
    if (
        not isinstance(subdir, str)
        or not subdir
        or "\\" in subdir
        or "\0" in subdir
        or os.path.isabs(subdir)
        or any(part in ("", ".", "..") for part in subdir.split("/"))
    ):
        raise ValueError(
            "`subdir` must be a relative path inside the cache, with no '..' "
            f"component. Received: subdir={subdir!r}"
        )


def _download(url, path, expected, progress):
    """Streams `url` to `path` atomically; checks `expected` unless None.

    Returns the SHA-256 of the file.
    """
    directory, filename = os.path.split(path)
    fd, temp_path = tempfile.mkstemp(
        dir=directory, prefix=f".{filename}.", suffix=".part"
    )
    try:
        with os.fdopen(fd, "wb") as out:
            actual, received, length = _stream(url, out, filename, progress)
        if length is not None and received != length:
            raise DownloadError(
                f"The download of {url} was cut short: received {received} "
                f"of {length} bytes. The partial file was removed; try again."
            )
        if expected is not None and actual != expected:
            raise DownloadError(
                f"The file downloaded from {url} does not match its expected "
                f"SHA-256: expected {expected}, received {actual} "
                f"({received} bytes). The bad file was removed."
            )
        os.replace(temp_path, path)
    except BaseException:
        try:
            os.remove(temp_path)
        except FileNotFoundError:
            pass
        raise
    return actual


def _stream(url, out, filename, progress):
    """Copies the body at `url` into `out`; returns (sha256, size, length)."""
    request = urllib.request.Request(
        url, headers={"User-Agent": f"ganzoo/{__version__}"}
    )
    try:
        response = urllib.request.urlopen(request, timeout=_TIMEOUT)
    except urllib.error.HTTPError as error:
        error.close()
        raise DownloadError(
            f"Could not download {url}: the server answered HTTP {error.code} "
            f"{error.reason}."
        ) from error
    except (urllib.error.URLError, http.client.HTTPException, OSError) as error:
        cause = getattr(error, "reason", None) or error
        raise DownloadError(f"Could not download {url}: {cause!r}") from error

    with response:
        length = _content_length(response)
        show = progress or (
            progress is None
            and length is not None
            and length >= _PROGRESS_MIN_BYTES
            and _stderr_is_tty()
        )
        bar = _ProgressLine(filename, length) if show else None
        digest = hashlib.sha256()
        received = 0
        while True:
            try:
                chunk = response.read(_CHUNK_SIZE)
            except (http.client.HTTPException, OSError) as error:
                raise DownloadError(
                    f"Could not download {url}: the connection failed after "
                    f"{received} bytes: {error!r}"
                ) from error
            if not chunk:
                break
            out.write(chunk)
            digest.update(chunk)
            received += len(chunk)
            if bar is not None:
                bar.update(received)
        if bar is not None:
            bar.close(received)
    return digest.hexdigest(), received, length


def _content_length(response):
    if response.headers.get("Content-Encoding", "identity").lower() != "identity":
        return None
    value = response.headers.get("Content-Length")
    try:
        length = int(value)
    except (TypeError, ValueError):
        return None
    return length if length >= 0 else None


def _stderr_is_tty():
    try:
        return sys.stderr is not None and sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


class _ProgressLine:
    """A one-line progress display on stderr."""

    def __init__(self, filename, total):
        self.filename = filename
        self.total = total
        self.last = 0.0

    def update(self, received, force=False):
        if sys.stderr is None:
            return
        now = time.monotonic()
        if not force and now - self.last < _PROGRESS_INTERVAL:
            return
        self.last = now
        done = f"{received / 1e6:.1f} MB"
        if self.total:
            done += f" / {self.total / 1e6:.1f} MB ({100 * received // self.total}%)"
        sys.stderr.write(f"\rDownloading {self.filename}: {done}")
        sys.stderr.flush()

    def close(self, received):
        self.update(received, force=True)
        if sys.stderr is None:
            return
        sys.stderr.write("\n")
        sys.stderr.flush()
