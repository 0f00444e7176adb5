"""Tiny data for the docs' code blocks that tests/test_doc_blocks.py runs.

The test puts this folder on `PYTHONPATH` for the commands a `bash` block
runs, so Python imports this module at start-up, and calls `shrink` itself
for the Python blocks it runs in its own process. `ganzoo.datasets.load`
and `demo_task` then keep only their first images, so an epoch of a block
is a step or two, and `PairedImages` and `UnpairedImages` crop to
`SMALL_SIDE` by default, the side that tests/test_doc_blocks.py gives the
blocks that train at 256 px; nothing else in the block changes.
"""

import functools
import importlib.abc
import importlib.util
import sys

# Enough for the SGAN page's 100 labelled digits plus unlabelled ones.
NUM_IMAGES = 128
# The side that the blocks which train at 256 px train at instead; the
# image-pair data sets crop to it (after resizing to 286/256 of it) unless
# a block says otherwise.
SMALL_SIDE = 32
SMALL_LOAD_SIZE = round(SMALL_SIDE * 286 / 256)


def _first(arrays):
    return tuple(a[:NUM_IMAGES] if a is not None else None for a in arrays)


def shrink(datasets):
    """Makes `datasets` (the `ganzoo.datasets` module) load few images."""
    load, demo_task = datasets.load, datasets.demo_task

    @functools.wraps(load)
    def small_load(*args, **kwargs):
        return _first(load(*args, **kwargs))

    @functools.wraps(demo_task)
    def small_demo_task(*args, **kwargs):
        task = demo_task(*args, **kwargs)
        labels = {
            name: _first(getattr(task, name))
            for name in ("train_labels", "test_labels")
            if getattr(task, name) is not None
        }
        return type(task)(
            task.name, task.paired, _first(task.train), _first(task.test), **labels
        )

    datasets.load, datasets.demo_task = small_load, small_demo_task
    datasets.PairedImages = _cropping_small(datasets.PairedImages)
    datasets.UnpairedImages = _cropping_small(datasets.UnpairedImages)


def _cropping_small(cls):
    """`cls` (an image-pair data set) cropping to `SMALL_SIDE` by default."""

    class Small(cls):
        def __init__(
            self,
            *args,
            load_size=SMALL_LOAD_SIZE,
            crop_size=SMALL_SIDE,
            **kwargs,
        ):
            super().__init__(*args, load_size=load_size, crop_size=crop_size, **kwargs)

    Small.__name__ = Small.__qualname__ = cls.__name__
    return Small


class _ShrinkOnImport(importlib.abc.MetaPathFinder):
    """Calls `shrink` once `ganzoo.datasets` has been imported."""

    def find_spec(self, name, path, target=None):
        if name != "ganzoo.datasets":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        exec_module = spec.loader.exec_module

        def exec_and_shrink(module):
            exec_module(module)
            shrink(module)

        spec.loader.exec_module = exec_and_shrink
        return spec


if __name__ == "sitecustomize":
    sys.meta_path.insert(0, _ShrinkOnImport())
