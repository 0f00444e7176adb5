"""Turns a preset handle into a verified local folder."""

import importlib.resources
import os
import shutil
import tarfile
import tempfile
import zipfile

from ganzoo.presets import registry
from ganzoo.presets.converted import converted_folder
from ganzoo.presets.download import cache_dir
from ganzoo.presets.download import check_sha256
from ganzoo.presets.download import fetch
from ganzoo.presets.hf import hf_fetch
from ganzoo.presets.hf import parse_hf_handle
from ganzoo.presets.preset_io import CONFIG_FILE
from ganzoo.presets.preset_io import METADATA_FILE
from ganzoo.presets.preset_io import PRESET_FILES
from ganzoo.presets.preset_io import read_metadata
from ganzoo.presets.preset_io import verify_files
from ganzoo.presets.safety import UnsafePresetError

#: The most a preset archive may unpack to, in bytes (the authors' largest
#: converted generators are under 100 MB).
MAX_PRESET_BYTES = 2 * 1024**3


def builtin_folder(name):
    """The folder of a preset that ships inside the package."""
    return str(importlib.resources.files("ganzoo._weights").joinpath(name))


def resolve(handle, sha256=None):
    """Returns `(local_folder, registered_info_or_None)` for a handle.

    Handles: a registered name, a local folder, an `http(s)://` URL of a
    `.tar.gz`/`.zip` preset archive (with `sha256`), or `hf://owner/repo`.
    For a registered name converted from a published checkpoint, `sha256`
    pins that checkpoint (see `ganzoo.presets.converted`).
    """
    if not isinstance(handle, (str, os.PathLike)):
        raise TypeError(
            f"`preset` must be a name, a folder, a URL or an hf:// handle. "
            f"Received: preset={handle!r}"
        )
    handle = os.fspath(handle)
    if registry.is_registered(handle):
        info = registry.get_preset_info(handle)
        if info.source == "builtin":
            return builtin_folder(info.name), info
        if info.converter is not None:
            return converted_folder(info, sha256=sha256), info
        return resolve(info.source, sha256=info.sha256)[0], info
    if os.path.isdir(handle):
        return handle, None
    if handle.startswith("hf://"):
        return _from_hf(handle), None
    if handle.startswith(("https://", "http://")):
        if not sha256:
            raise ValueError(
                "A preset URL needs the archive's SHA-256 so that what is "
                f"downloaded can be verified: from_preset({handle!r}, "
                f"sha256=...). Received: sha256={sha256!r}"
            )
        return _from_archive_url(handle, sha256), None
    if os.sep in handle or handle.startswith("."):
        raise FileNotFoundError(f"No preset folder at {handle!r}.")
    registry.get_preset_info(handle)  # raises with the closest names


def _from_hf(handle):
    repo_id, revision = parse_hf_handle(handle)
    meta_path = hf_fetch(repo_id, METADATA_FILE, revision=revision)
    listed = read_metadata(os.path.dirname(meta_path)).get("files", {})
    for name in listed:
        if name not in PRESET_FILES:
            raise UnsafePresetError(
                f"{handle}: {METADATA_FILE} lists an unexpected file. Expected "
                f"some of {list(PRESET_FILES)}. Received: {name!r}"
            )
        hf_fetch(repo_id, name, revision=revision)
    return os.path.dirname(meta_path)


def _from_archive_url(url, sha256):
    """Downloads, checks and unpacks a preset archive into the cache.

    The whole preset (its files, their hashes in `metadata.json`) is
    checked in a staging folder before it is moved into place; on any
    failure neither the staging folder nor the archive is left behind.
    """
    sha256 = check_sha256(sha256)  # before it is used in a path
    folder = os.path.join(cache_dir(), "presets", sha256)
    if os.path.isfile(os.path.join(folder, METADATA_FILE)):
        return folder
    archive = fetch(url, sha256, subdir="archives")
    staging = tempfile.mkdtemp(prefix=".extract-", dir=os.path.dirname(archive))
    try:
        _unpack(archive, staging)
        for required in (CONFIG_FILE, METADATA_FILE):
            if not os.path.isfile(os.path.join(staging, required)):
                raise UnsafePresetError(f"{url}: the archive holds no {required}.")
        verify_files(staging, read_metadata(staging))
        os.makedirs(os.path.dirname(folder), exist_ok=True)
        if os.path.isdir(folder):  # an earlier, unfinished copy
            shutil.rmtree(folder)
        os.replace(staging, folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if os.path.exists(archive):
            os.remove(archive)
        raise
    return folder


def _unpack(path, staging, limit=None):
    """Writes a preset archive's files into `staging`, in bounded chunks.

    Only regular files with the preset's known names are written, at the
    top level or inside one folder; anything else (links, other names,
    `..`, absolute paths) or more than `limit` bytes in all (default
    `MAX_PRESET_BYTES`) refuses the whole archive.
    """
    budget = [MAX_PRESET_BYTES if limit is None else limit]
    for name, stream in _archive_members(path):
        with stream, open(os.path.join(staging, name), "wb") as out:
            while chunk := stream.read(1 << 20):
                budget[0] -= len(chunk)
                if budget[0] < 0:
                    raise UnsafePresetError(
                        f"{path}: the archive unpacks to more than "
                        f"{MAX_PRESET_BYTES if limit is None else limit:,} bytes, "
                        "the most a preset may hold (MAX_PRESET_BYTES)."
                    )
                out.write(chunk)


def _archive_members(path):
    """Yields `(file_name, readable stream)` of a preset archive's files."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                if info.is_dir():
                    continue
                name = _member_name(info.filename, path)
                if (info.external_attr >> 16) & 0o170000 not in (0, 0o100000):
                    raise UnsafePresetError(
                        f"{path}: preset archives hold regular files only. "
                        f"Received: {info.filename!r} (a link or special file)"
                    )
                yield name, archive.open(info)
        return
    with tarfile.open(path, "r:*") as archive:
        for member in archive.getmembers():
            if member.isdir():
                continue
            name = _member_name(member.name, path)
            if not member.isfile():
                raise UnsafePresetError(
                    f"{path}: preset archives hold regular files only. "
                    f"Received: {member.name!r}"
                )
            yield name, archive.extractfile(member)


def _member_name(name, path):
    parts = name.replace("\\", "/").split("/")
    if (
        name.startswith("/")
        or ".." in parts
        or len(parts) > 2
        or parts[-1] not in PRESET_FILES
    ):
        raise UnsafePresetError(
            f"{path}: unexpected archive member. Expected preset files "
            f"{list(PRESET_FILES)}, at the top or in one folder. "
            f"Received: {name!r}"
        )
    return parts[-1]


__all__ = ["builtin_folder", "resolve"]
