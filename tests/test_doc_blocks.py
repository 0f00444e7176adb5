"""Every code block of the README and of `docs/` runs as written.

One test per block, named by page and line. A page's Python blocks run in
order in one namespace (a fresh one per page), as a reader would run them,
in a temporary folder of their own; `bash` blocks run there too, with
`bash -e`, this virtual environment's `python` and `ganzoo` first on
`PATH`. `text` blocks are output and are not run.

What a block trains is made tiny, and nothing else changes:
`epochs=N` (`--epochs N`) becomes 1, `ganzoo.datasets.load` and
`demo_task` keep their first 128 images, and what trains at 256 px trains
at 32 (`quick_source`, `tests/doc_blocks/sitecustomize.py`, which the
commands a `bash` block run import at start-up).

HTML comments before a block, which the page does not show, tell the test
what the prose already tells the reader:

- `<!-- skip-test: REASON -->`: the block is not run, e.g. because it needs
  the network or several processes; the page says so where it shows the
  block.
- `<!-- test-data: faces/ animals/ -->`: the block reads the reader's own
  folders; the test makes tiny ones of those names (`FOLDERS`) first.

A Python block whose first line is `# KERAS_BACKEND=NAME` (or `NAME or
NAME`) runs on that backend's suite only. Three kinds of blocks are
shared out between the backends' suites with `runs_on_this_backend`, as in
tests/test_examples.py, so each runs on one backend per full run
(GANZOO_TEST_ALL=1 runs all of them on every backend): those that train a
256-px model (a step takes half a minute to two on one CPU core), the
`bash` blocks, whose every command starts a process that imports Keras,
and the model pages' blocks that train (on JAX each compiles its family's
step). The other pages that train (the README, the quick start, the
guides) are shared out whole, so that a block always finds what the
page's earlier blocks made; their blocks for one backend (a first line
`# KERAS_BACKEND=NAME`) stand alone and run on it in every full run. What
can rot in them is the docs' side (arguments, file names, the order of
steps): the commands are tested on every backend by tests/test_cli*.py,
and each family's training by tests/models/.
"""

import collections
import dataclasses
import glob
import os
import re
import subprocess
import sys

import keras
import numpy as np
import pytest
from PIL import Image

from tests.doc_blocks import sitecustomize as quick
from tests.testing import runs_on_this_backend

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
QUICK_PATH = os.path.join(ROOT, "tests", "doc_blocks")
PAGES = ["README.md"] + sorted(
    os.path.relpath(path, ROOT)
    for path in glob.glob(os.path.join(ROOT, "docs", "**", "*.md"), recursive=True)
)
RUN = ("python", "bash", "sh")
NOT_RUN = ("text",)
FENCE = re.compile(r"^(?P<indent> *)```(?P<language>\S*)\s*$")
MARKER = re.compile(r"^<!-- (?P<kind>skip-test|test-data): (?P<value>.+?) -->$")
BACKEND_LINE = re.compile(r"^# KERAS_BACKEND=(\w+(?: or \w+)*)$")
BASH_TIMEOUT_S = 300


@dataclasses.dataclass(frozen=True)
class Block:
    page: str
    line: int  # of the block's first line of code
    language: str
    source: str
    skip: str = ""  # the reason, when the block is not run
    data: tuple = ()  # folders to make first

    @property
    def id(self):
        return f"{self.page}:{self.line}"

    def backends(self):
        first = self.source.split("\n", 1)[0].strip()
        match = BACKEND_LINE.match(first) if self.language == "python" else None
        return match.group(1).split(" or ") if match else None

    def trains_at_256_px(self):
        return bool(
            re.search(r"image_shape=\(256, 256, 3\)", self.source)
            or re.search(r"ganzoo train (cyclegan|pix2pix)\b", self.source)
        )

    def is_shell(self):
        return self.language != "python"

    def trains_a_family(self):
        return self.page.startswith("docs/models/") and ".fit(" in self.source


def read_blocks(page):
    """The fenced blocks of `page` (a path under ROOT), with their markers."""
    with open(os.path.join(ROOT, page)) as f:
        lines = f.read().split("\n")
    blocks, markers, i = [], {}, 0
    while i < len(lines):
        stripped = lines[i].strip()
        marker = MARKER.match(stripped)
        fence = FENCE.match(lines[i])
        if marker:
            markers[marker.group("kind")] = marker.group("value").strip()
        elif fence:
            indent = len(fence.group("indent"))
            end = i + 1
            while not re.match(rf"^ {{{indent}}}```\s*$", lines[end]):
                end += 1
            source = "\n".join(line[indent:] for line in lines[i + 1 : end])
            blocks.append(
                Block(
                    page,
                    i + 2,
                    fence.group("language"),
                    source + "\n",
                    skip=markers.get("skip-test", ""),
                    data=tuple(markers.get("test-data", "").split()),
                )
            )
            markers, i = {}, end
        elif stripped:
            # A marker belongs to the next block only if nothing but blank
            # lines comes between them.
            markers = {}
        i += 1
    return blocks


ALL_BLOCKS = [block for page in PAGES for block in read_blocks(page)]
RUNNABLE = [block for block in ALL_BLOCKS if block.language in RUN]
# Pages whose Python blocks train, other than the model pages, those with
# the most training first, so that the rotation spreads the heavy ones.
_TRAINING = collections.Counter(
    block.page
    for block in RUNNABLE
    if block.language == "python"
    and not (block.skip or block.backends())
    and not block.page.startswith("docs/models/")
    and re.search(r"\.fit\(|pretrain_encoder\(", block.source)
)
TRAINING_PAGES = sorted(_TRAINING, key=lambda page: -_TRAINING[page])
# Blocks shared out one by one; the slow ones first, so that the rotation
# gives each backend one of them.
SHARED_OUT = [
    block.id
    for kind in (Block.trains_at_256_px, Block.is_shell, Block.trains_a_family)
    for block in RUNNABLE
    if kind(block) and not block.skip and block.page not in TRAINING_PAGES
]
SHARED_OUT = list(dict.fromkeys(SHARED_OUT))  # each block once, first place


def quick_source(block):
    """The block's source with every training run cut to one epoch.

    A block that trains at 256 px trains at `quick.SMALL_SIDE` px instead
    (a 256-px step takes half a minute to two on one CPU core): its sizes
    of 256 become that side, and `ganzoo train cyclegan|pix2pix` is given
    it as `--image-size`. The image-pair data sets crop to it by default.
    """
    if block.language == "python":
        source = re.sub(r"\bepochs=\d+", "epochs=1", block.source)
        if block.trains_at_256_px():
            source = re.sub(r"\b256\b", str(quick.SMALL_SIDE), source)
        return source
    source = re.sub(r"--epochs \d+", "--epochs 1", block.source)
    return re.sub(
        r"(ganzoo train (?:cyclegan|pix2pix)\b)(?![^\n]*--image-size)",
        rf"\1 --image-size {quick.SMALL_SIDE}",
        source,
    )


# Tiny stand-ins for the reader's folders that the docs name.


def _write_images(folder, count, size, seed, suffix=".jpg", width=None):
    os.makedirs(folder, exist_ok=True)
    rng = np.random.default_rng(seed)
    for i in range(count):
        pixels = rng.integers(0, 256, (size, width or size, 3), dtype=np.uint8)
        Image.fromarray(pixels).save(os.path.join(folder, f"{i:03d}{suffix}"))


def _image_folder(count):
    return lambda folder: _write_images(folder, count, 24, seed=len(folder))


def _labelled_folder(folder):
    for seed, name in enumerate(("cat", "dog")):
        _write_images(os.path.join(folder, name), 8, 24, seed, ".png")


def _side_by_side(folder):
    _write_images(folder, 1, 32, seed=0, width=64)


# Batches of 64 with the last one dropped (tf.data, DataLoader) need 64.
FOLDERS = {
    "faces/": _image_folder(64),
    "animals/": _labelled_folder,
    # Two, so that `ganzoo train cyclegan --epochs 1` has the two steps
    # its learning-rate schedule needs (constant, then decaying).
    "horses/": _image_folder(2),
    "zebras/": _image_folder(2),
    "horse2zebra/trainA": _image_folder(1),
    "horse2zebra/trainB": _image_folder(1),
    "facades/train": _side_by_side,
    "labels/": _image_folder(1),
    "photos/": _image_folder(1),
}


class Page:
    """A page's namespace and folder, and how far its blocks have run."""

    def __init__(self, folder):
        self.folder = folder
        self.namespace = {"__name__": "__main__"}
        self.done = 0  # blocks run so far, in page order
        self.failed = None


_PAGES = {}


def _run(block, page):
    for name in block.data:
        if name not in FOLDERS:
            raise ValueError(f"{block.id}: no test data named {name!r}")
        path = os.path.join(page.folder, name)
        if not os.path.exists(path):
            FOLDERS[name](path)
    source = quick_source(block)
    if block.language == "python":
        # Padded, so a traceback gives the line in the page.
        code = compile("\n" * (block.line - 1) + source, block.page, "exec")
        policy, environment = keras.config.dtype_policy(), dict(os.environ)
        try:
            exec(code, page.namespace)
        finally:
            keras.config.set_dtype_policy(policy)
            keras.distribution.set_distribution(None)
            os.environ.clear()
            os.environ.update(environment)
        return
    bin_folder = os.path.dirname(sys.executable)
    environment = dict(
        os.environ,
        PATH=os.pathsep.join([bin_folder, os.environ.get("PATH", "")]),
        PYTHONPATH=os.pathsep.join([QUICK_PATH, ROOT]),
    )
    result = subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", source],
        cwd=page.folder,
        env=environment,
        capture_output=True,
        text=True,
        timeout=BASH_TIMEOUT_S,
    )
    assert result.returncode == 0, (
        f"{block.id} exited with {result.returncode}:\n"
        f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    )


@pytest.fixture
def quick_data(monkeypatch):
    """`ganzoo.datasets` loading few images, offline, for this test only."""
    import ganzoo

    names = ("load", "demo_task", "PairedImages", "UnpairedImages")
    with monkeypatch.context() as patch:
        patch.setenv("GANZOO_OFFLINE", "1")
        for name in names:
            patch.setattr(ganzoo.datasets, name, getattr(ganzoo.datasets, name))
        quick.shrink(ganzoo.datasets)
        yield


def test_every_block_has_a_language_the_test_knows():
    unknown = [b.id for b in ALL_BLOCKS if b.language not in RUN + NOT_RUN]
    assert not unknown, f"Blocks without a language among {RUN + NOT_RUN}: {unknown}"


def test_the_markers_name_known_folders_and_reasons():
    for block in ALL_BLOCKS:
        assert set(block.data) <= set(FOLDERS), block.id
        assert not (block.skip and block.data), block.id


def skip_reason(block):
    """Why `block` does not run in this suite, or "" when it runs."""
    if block.skip:
        return f"the page marks it: {block.skip}"
    backends = block.backends()
    if backends and keras.backend.backend() not in backends:
        return f"written for KERAS_BACKEND={' or '.join(backends)}"
    if backends:
        return ""  # these stand alone
    if block.page in TRAINING_PAGES:
        index = len(SHARED_OUT) + TRAINING_PAGES.index(block.page)
    elif block.id in SHARED_OUT:
        index = SHARED_OUT.index(block.id)
    else:
        return ""
    if not runs_on_this_backend(index):
        return "runs in another backend's suite (GANZOO_TEST_ALL=1: here too)"
    return ""


@pytest.mark.parametrize("block", RUNNABLE, ids=[b.id for b in RUNNABLE])
def test_block_runs(block, quick_data, tmp_path_factory, monkeypatch):
    if skip_reason(block):
        pytest.skip(skip_reason(block))
    if block.page not in _PAGES:
        _PAGES[block.page] = Page(str(tmp_path_factory.mktemp("doc_page")))
    page = _PAGES[block.page]
    monkeypatch.chdir(page.folder)
    blocks = [b for b in ALL_BLOCKS if b.page == block.page]
    # The page's earlier blocks run first when only this one was selected.
    for earlier in blocks[page.done : blocks.index(block) + 1]:
        if page.failed:
            pytest.skip(f"an earlier block of the page failed: {page.failed}")
        page.done += 1
        if earlier.language not in RUN or skip_reason(earlier):
            continue
        try:
            _run(earlier, page)
        except BaseException:
            page.failed = earlier.id
            raise
