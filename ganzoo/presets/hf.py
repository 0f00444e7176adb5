"""Downloads from the Hugging Face Hub, through the optional `huggingface_hub`.

`huggingface_hub` is imported only when a file is fetched, so ganzoo works
without it until an `hf://` handle is used.
"""

import os
import re

from ganzoo.presets.download import DownloadError
from ganzoo.presets.download import cache_dir
from ganzoo.presets.download import offline_mode
from ganzoo.version import __version__

HF_PREFIX = "hf://"

# The Hub's rules for repository names: `owner/name`, each part made of
# letters, digits, `-`, `_` and `.`, starting and ending with a letter or
# digit, at most 96 characters, with no `--` or `..`.
_REPO_PART = r"[A-Za-z0-9](?:[A-Za-z0-9._-]{0,94}[A-Za-z0-9])?"
_REPO_ID_PATTERN = re.compile(rf"{_REPO_PART}/{_REPO_PART}")
# Branch and tag names, or commit hashes. `/` is allowed (`refs/pr/1`).
_REVISION_PATTERN = re.compile(r"[A-Za-z0-9._-]+(?:/[A-Za-z0-9._-]+)*")

_INSTALL_MESSAGE = (
    "Downloading from the Hugging Face Hub needs the `huggingface_hub` "
    "package, which is not installed. Install it with "
    "`pip install huggingface_hub` (or `pip install 'keras-ganzoo[hf]'`)."
)


def parse_hf_handle(handle):
    """Splits an `hf://owner/repo[@revision]` handle.

    Example:

    >>> parse_hf_handle("hf://ganzoo/dcgan-mnist")
    ('ganzoo/dcgan-mnist', None)
    >>> parse_hf_handle("hf://ganzoo/dcgan-mnist@v1.0")
    ('ganzoo/dcgan-mnist', 'v1.0')

    Args:
        handle: a string `hf://owner/repo`, optionally followed by
            `@revision` (a branch, a tag or a commit hash).

    Returns:
        A tuple `(repo_id, revision)`; `revision` is `None` when the handle
        names none.

    Raises:
        ValueError: if the handle is not of that form.
    """
    if not isinstance(handle, str) or not handle.startswith(HF_PREFIX):
        raise ValueError(
            "A Hugging Face handle must look like 'hf://owner/repo' or "
            f"'hf://owner/repo@revision'. Received: handle={handle!r}"
        )
    body = handle[len(HF_PREFIX) :]
    repo_id, at, revision = body.partition("@")
    if not _valid_repo_id(repo_id):
        raise ValueError(
            "A Hugging Face handle must name a repository as 'owner/repo' "
            "(letters, digits, '-', '_' and '.'; no '--' or '..'), as in "
            f"'hf://owner/repo@revision'. Received: handle={handle!r}"
        )
    if not at:
        return repo_id, None
    if not _valid_revision(revision):
        raise ValueError(
            "The revision after '@' in a Hugging Face handle must be a "
            "non-empty branch name, tag or commit hash. "
            f"Received: handle={handle!r}"
        )
    return repo_id, revision


def hf_fetch(repo_id, filename, revision=None):
    """Downloads a file from a Hugging Face Hub model repository.

    Files are cached by `huggingface_hub` under `<cache_dir()>/hf`. With
    `GANZOO_OFFLINE=1` or `HF_HUB_OFFLINE=1` set, only cached files are
    returned.

    Args:
        repo_id: the repository, as `"owner/repo"`.
        filename: path of the file inside the repository, with `/` between
            folders; not absolute and with no `..` component.
        revision: a branch, tag or commit hash. Defaults to the default
            branch, `main`.

    Returns:
        The local path of the file, as a string.

    Raises:
        ImportError: if `huggingface_hub` is not installed.
        ValueError: if `repo_id`, `filename` or `revision` is invalid.
        DownloadError: if the file cannot be downloaded, or is not cached
            and offline mode is on. The error from `huggingface_hub` is
            its `__cause__`.
    """
    if not isinstance(repo_id, str) or not _valid_repo_id(repo_id):
        raise ValueError(
            "`repo_id` must name a Hugging Face repository as 'owner/repo'. "
            f"Received: repo_id={repo_id!r}"
        )
    _check_filename(filename)
    if revision is not None and not _valid_revision(revision):
        raise ValueError(
            "`revision` must be a branch name, tag or commit hash. "
            f"Received: revision={revision!r}"
        )
    try:
        import huggingface_hub
    except ImportError as error:
        raise ImportError(_INSTALL_MESSAGE) from error

    handle = f"{HF_PREFIX}{repo_id}" + (f"@{revision}" if revision else "")
    offline = offline_mode()
    try:
        return huggingface_hub.hf_hub_download(
            repo_id,
            filename,
            revision=revision,
            cache_dir=os.path.join(cache_dir(), "hf"),
            local_files_only=offline is not None,
            library_name="ganzoo",
            library_version=__version__,
        )
    except OSError as error:
        if isinstance(error, DownloadError):
            raise
        if offline is not None:
            message = (
                f"{filename} from {handle} is not cached and offline mode is "
                f"on ({offline}={os.environ[offline]}). Unset {offline} to "
                "download it."
            )
        else:
            message = f"Could not download {filename} from {handle}: {error}"
        raise DownloadError(message) from error


def _valid_repo_id(repo_id):
    return (
        bool(_REPO_ID_PATTERN.fullmatch(repo_id))
        and "--" not in repo_id
        and ".." not in repo_id
        and not repo_id.endswith(".git")
    )


def _valid_revision(revision):
    return (
        isinstance(revision, str)
        and bool(_REVISION_PATTERN.fullmatch(revision))
        and ".." not in revision
    )


def _check_filename(filename):
    parts = filename.replace("\\", "/").split("/") if isinstance(filename, str) else []
    if (
        not parts
        or "\0" in filename
        or filename.startswith(("/", "\\"))
        or os.path.isabs(filename)
        or re.match(r"[A-Za-z]:", filename)
        or any(part in ("", ".", "..") for part in parts)
    ):
        raise ValueError(
            "`filename` must be a relative path inside the repository, with "
            f"no '..' component. Received: filename={filename!r}"
        )
