"""The CycleGAN and pix2pix authors' dataset archives, by name.

The archives are downloaded with `ganzoo.presets.download.fetch` (SHA-256
checked, atomic) and unpacked into ganzoo's cache,
`<cache_dir>/datasets/{cyclegan,pix2pix}/<name>/`; the archive itself is
deleted once unpacked (or refused). A later call finds the folders (they record the
archive's SHA-256) and makes no request.

Checksums. The authors publish none. TensorFlow Datasets recorded the
SHA-256 of eleven CycleGAN zips when it downloaded them
(`tensorflow_datasets/url_checksums/cycle_gan.txt` in
github.com/tensorflow/datasets); those are the defaults below. They were
recorded at the authors' former address
(`people.eecs.berkeley.edu/~taesung_park/CycleGAN/datasets/`), which now
answers 404; the files are served from `efrosgans.eecs.berkeley.edu`
instead, and a file there that differs from the recorded one is refused.
For the other archives (CycleGAN's `ae_photos` and `mini*` sets, all
pix2pix archives) no published checksum was found, so ganzoo asks for
one: pass `sha256=` from a source you trust. To trust the file you
download yourself, fetch it once, hash it with
`ganzoo.presets.download.file_sha256(path)`, and pass that hash with
`url="file:///absolute/path/to/archive"`.

Unpacking refuses members with absolute paths, `..` components, links or
special files. The archive is unpacked into a temporary folder next to the
destination and moved into place with `os.replace` only when complete.
"""

import os
import shutil
import stat
import tarfile
import tempfile
import zipfile

from ganzoo.presets import download

CYCLEGAN_URL = "https://efrosgans.eecs.berkeley.edu/cyclegan/datasets/{name}.zip"
PIX2PIX_URL = "https://efrosgans.eecs.berkeley.edu/pix2pix/datasets/{name}.tar.gz"

# name: SHA-256 as recorded by TensorFlow Datasets, or None (none published).
CYCLEGAN_SHA256 = {
    "ae_photos": None,
    "apple2orange": "845a191e9af8926408ea597001cd03a452e3300a1f44a79fe329b3d59f6e3eb8",
    "cezanne2photo": "3a6c10ca21f9485862f1cbd707744b9dc258954a04631271d23a3605eeb63cff",
    "cityscapes": "d2f6910fd056c1ee9873777ae838e7ac4a2c833598ae62a04188e5ab2f4ea036",
    "facades": "9a31ebf3a31b9b5cd195dd5bf62e9308e00cb94604d1019e3889ac84248695c0",
    "horse2zebra": "a74d9d392eecca9966b51287a76ca126af473d9de4f3e8fc0e9cda08fa1730a1",
    "iphone2dslr_flower": (
        "8fcb5e374d631b107e1d961b8c4cd0a186aa2a4ff3e279923f4c426128de7113"
    ),
    "maps": "639534f69dbf9f36bef8d6292a7698006361221f83f0285d7c9ca78afe6e8a9e",
    "mini": None,
    "mini_colorization": None,
    "mini_pix2pix": None,
    "monet2photo": "88f91b00fc228f97c9411fbf1880ec1d119c98f1722e4cfcfaa2fb35fac05b04",
    "summer2winter_yosemite": (
        "167fe1726807a9d22bd106b4a6c0bd7953b688af924ac1bf967439c4961e49f9"
    ),
    "ukiyoe2photo": "02a2a2fb5ecf425ca1bf86aca7304377da64a2a1d3b86df54eb65e4068bf3b08",
    "vangogh2photo": "362c3473e70be0944bda08d49d660eafdc2854df55d697835b8186d1d79caaff",
}
PIX2PIX_SHA256 = {
    "edges2handbags": None,
    "edges2shoes": None,
    "facades": None,
    "maps": None,
    "night2day": None,
}
_NOT_DISTRIBUTED = {
    "cityscapes": (
        "The pix2pix authors do not distribute Cityscapes (license). Download "
        "gtFine_trainvaltest.zip and leftImg8bit_trainvaltest.zip from "
        "https://www.cityscapes-dataset.com, combine them side by side as the "
        "reference's datasets/prepare_cityscapes_dataset.py does, and read "
        "them with `ganzoo.datasets.PairedImages`."
    )
}
_COMPLETE_MARKER = ".ganzoo_archive_sha256"
_IGNORED_FOLDERS = ("__MACOSX",)


def cyclegan_dataset_names():
    """Names accepted by `load_cyclegan_dataset`, sorted.

    Returns:
        A list of strings.

    Example:

    >>> "horse2zebra" in ganzoo.datasets.cyclegan_dataset_names()
    True
    """
    return sorted(CYCLEGAN_SHA256)


def pix2pix_dataset_names():
    """Names accepted by `load_pix2pix_dataset`, sorted.

    Returns:
        A list of strings.

    Example:

    >>> ganzoo.datasets.pix2pix_dataset_names()
    ['edges2handbags', 'edges2shoes', 'facades', 'maps', 'night2day']
    """
    return sorted(PIX2PIX_SHA256)


def load_cyclegan_dataset(name, *, sha256=None, url=None, progress=None):
    """Downloads and unpacks one of the CycleGAN authors' datasets.

    The zip comes from the reference repository's address,
    `https://efrosgans.eecs.berkeley.edu/cyclegan/datasets/<name>.zip`,
    is checked against its SHA-256 and unpacked once into ganzoo's cache;
    later calls return the folders without any network request. The
    unpaired sets hold `trainA`, `trainB`, `testA` and `testB` folders of
    JPEG images (256x256 for most); read them with
    `ganzoo.datasets.UnpairedImages`.

    Checksums come from TensorFlow Datasets for the eleven sets it
    records; `ae_photos`, `mini`, `mini_pix2pix` and `mini_colorization`
    have none, so pass `sha256=` for them (see the module docstring).
    `cityscapes` may no longer be served (TensorFlow Datasets dropped it).

    Args:
        name: One of `cyclegan_dataset_names()`, e.g. `"horse2zebra"`.
        sha256: SHA-256 of the zip; required where none is recorded, and
            overrides the recorded one otherwise.
        url: Another address of the same zip (a mirror, or a `file://`
            URL of a copy you downloaded).
        progress: Progress line on stderr: `True`, `False`, or `None` for
            large files on a terminal only.

    Returns:
        A dict from split name (each folder in the archive, e.g.
        `"trainA"`) to the absolute path of that folder.

    Raises:
        ValueError: for an unknown name, a missing checksum, or an archive
            with unsafe members or no folders.
        ganzoo.presets.download.DownloadError: if the download fails or
            the file does not match its SHA-256.

    Example:

    ```python
    folders = ganzoo.datasets.load_cyclegan_dataset("horse2zebra")
    data = ganzoo.datasets.UnpairedImages(folders["trainA"], folders["trainB"])
    ```

    Reference:
        Zhu et al., "Unpaired Image-to-Image Translation using
        Cycle-Consistent Adversarial Networks", ICCV 2017; the reference
        repository's `datasets/download_cyclegan_dataset.sh`.
    """
    return _load(
        "cyclegan", name, CYCLEGAN_SHA256, CYCLEGAN_URL, ".zip", sha256, url, progress
    )


def load_pix2pix_dataset(name, *, sha256=None, url=None, progress=None):
    """Downloads and unpacks one of the pix2pix authors' datasets.

    The archive comes from the reference repository's address,
    `https://efrosgans.eecs.berkeley.edu/pix2pix/datasets/<name>.tar.gz`,
    is checked against its SHA-256 and unpacked once into ganzoo's cache;
    later calls return the folders without any network request. The sets
    hold `train`, `val` and (some) `test` folders of side-by-side A|B
    images; read them with `ganzoo.datasets.PairedImages`. No checksum of
    these archives is published, so `sha256` is required (see the module
    docstring). Cityscapes is not distributed by the authors.

    Args:
        name: One of `pix2pix_dataset_names()`, e.g. `"facades"`.
        sha256: SHA-256 of the `.tar.gz` archive.
        url: Another address of the same archive (a mirror, or a `file://`
            URL of a copy you downloaded).
        progress: Progress line on stderr: `True`, `False`, or `None` for
            large files on a terminal only.

    Returns:
        A dict from split name (each folder in the archive, e.g.
        `"train"`) to the absolute path of that folder.

    Raises:
        ValueError: for an unknown name, a missing checksum, or an archive
            with unsafe members or no folders.
        ganzoo.presets.download.DownloadError: if the download fails or
            the file does not match its SHA-256.

    Example:

    ```python
    folders = ganzoo.datasets.load_pix2pix_dataset("facades", sha256="...")
    data = ganzoo.datasets.PairedImages(folders["train"], direction="b_to_a")
    ```

    Reference:
        Isola et al., "Image-to-Image Translation with Conditional
        Adversarial Networks", CVPR 2017; the reference repository's
        `datasets/download_pix2pix_dataset.sh`.
    """
    if name in _NOT_DISTRIBUTED:
        raise ValueError(f"{_NOT_DISTRIBUTED[name]} Received: name={name!r}")
    return _load(
        "pix2pix", name, PIX2PIX_SHA256, PIX2PIX_URL, ".tar.gz", sha256, url, progress
    )


def _load(family, name, table, url_template, extension, sha256, url, progress):
    if not isinstance(name, str) or name not in table:
        choices = ", ".join(repr(n) for n in sorted(table))
        raise ValueError(
            f"Unknown {family} dataset. Available: {choices}. Received: name={name!r}"
        )
    sha256 = sha256 if sha256 is not None else table[name]
    url = url if url is not None else url_template.format(name=name)
    if sha256 is None:
        raise ValueError(
            f"No published SHA-256 is known for the {family} archive {name!r}, "
            "so ganzoo will not download it unchecked. Pass `sha256=` from a "
            "source you trust; or download it yourself from "
            f"{url}, hash it with ganzoo.presets.download.file_sha256(path) and "
            "pass that hash with url='file:///absolute/path/to/"
            f"{name}{extension}'."
        )
    destination = os.path.join(download.cache_dir(), "datasets", family, name)
    if _read_marker(destination) != sha256.lower():
        archive = download.fetch(
            url,
            sha256,
            filename=name + extension,
            subdir=f"datasets/archives/{family}",
            progress=progress,
        )
        try:
            _unpack(archive, destination, sha256.lower())
        finally:
            os.remove(archive)
    return _splits(destination)


def _read_marker(destination):
    try:
        with open(os.path.join(destination, _COMPLETE_MARKER)) as f:
            return f.read().strip()
    except OSError:
        return None


def _unpack(archive, destination, sha256):
    """Unpacks `archive` into `destination`, replacing it atomically."""
    parent = os.path.dirname(destination)
    os.makedirs(parent, exist_ok=True)
    temp = tempfile.mkdtemp(dir=parent, prefix=f".{os.path.basename(destination)}.")
    try:
        if archive.endswith(".zip"):
            _unzip(archive, temp)
        else:
            _untar(archive, temp)
        root = _archive_root(temp, archive)
        with open(os.path.join(root, _COMPLETE_MARKER), "w") as f:
            f.write(sha256)
        if os.path.lexists(destination):
            stale = tempfile.mkdtemp(dir=parent, prefix=".stale.")
            os.replace(destination, os.path.join(stale, "old"))
            shutil.rmtree(stale)
        os.replace(root, destination)
    finally:
        shutil.rmtree(temp, ignore_errors=True)


#: The most a dataset archive may unpack to, in bytes (the authors' largest,
#: cityscapes, unpacks to well under 1 GB).
MAX_DATASET_BYTES = 20 * 1024**3


def _check_total_size(sizes, archive):
    """Refuses an archive whose members add up to more than the limit.

    Zip and tar record each member's size, and extraction writes no more
    than that, so the sum bounds what unpacking can write.
    """
    total = sum(sizes)
    if total > MAX_DATASET_BYTES:
        raise ValueError(
            f"The archive {archive} unpacks to {total:,} bytes, more than the "
            f"{MAX_DATASET_BYTES:,} a dataset archive may hold "
            "(ganzoo.datasets.archives.MAX_DATASET_BYTES)."
        )


def _check_member(name, archive):
    parts = name.replace("\\", "/").split("/")
    if (
        name.startswith(("/", "\\"))
        or (len(name) > 1 and name[1] == ":")
        or ".." in parts
        or "\0" in name
    ):
        raise ValueError(
            f"The archive {archive} holds a member outside its folder, which "
            f"ganzoo refuses to unpack. Received: member {name!r}"
        )


def _unzip(archive, folder):
    with zipfile.ZipFile(archive) as zf:
        members = zf.infolist()
        for info in members:
            _check_member(info.filename, archive)
            # Unix file type bits, 0 when the zip does not record them.
            kind = stat.S_IFMT(info.external_attr >> 16)
            if kind not in (0, stat.S_IFREG, stat.S_IFDIR):
                raise ValueError(
                    f"The archive {archive} holds a link or special file, which "
                    f"ganzoo refuses to unpack. Received: member {info.filename!r}"
                )
        _check_total_size([info.file_size for info in members], archive)
        zf.extractall(folder, members)


def _untar(archive, folder):
    with tarfile.open(archive, "r:*") as tf:
        members = tf.getmembers()
        for member in members:
            _check_member(member.name, archive)
            if not (member.isfile() or member.isdir()):
                raise ValueError(
                    f"The archive {archive} holds a link or special file, which "
                    f"ganzoo refuses to unpack. Received: member {member.name!r}"
                )
        _check_total_size([member.size for member in members], archive)
        if hasattr(tarfile, "data_filter"):
            tf.extractall(folder, members, filter="data")
        else:
            tf.extractall(folder, members)


def _folders(path):
    return sorted(
        entry.name
        for entry in os.scandir(path)
        if entry.is_dir(follow_symlinks=False)
        and not entry.name.startswith(".")
        and entry.name not in _IGNORED_FOLDERS
    )


def _archive_root(temp, archive):
    """The folder holding the splits: the archive's single top folder."""
    folders = _folders(temp)
    files = [e.name for e in os.scandir(temp) if not e.is_dir()]
    root = os.path.join(temp, folders[0]) if len(folders) == 1 and not files else temp
    if not _folders(root):
        raise ValueError(
            f"The archive {archive} holds no folders of images (expected e.g. "
            "trainA/trainB or train/val)."
        )
    return root


def _splits(destination):
    return {name: os.path.join(destination, name) for name in _folders(destination)}
