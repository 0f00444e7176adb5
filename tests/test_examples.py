"""Every example runs (in its `--quick` mode), so the examples cannot rot.

The training examples are shared out between the backends' suites (each
runs on one backend per full run; GANZOO_TEST_ALL=1 runs all of them on
every backend): the families themselves are tested on every backend in
tests/models/, and what can rot here is the scripts' use of the API.
"""

import importlib.util
import os
import sys

import keras
import numpy as np
import pytest
from PIL import Image

import ganzoo
from ganzoo.models import BaseGAN
from tests.testing import runs_on_this_backend

EXAMPLES = os.path.join(os.path.dirname(os.path.dirname(__file__)), "examples")

# The example script of each family.
TRAINING = {
    "GAN": "train_gan",
    "DCGAN": "train_dcgan",
    "CGAN": "train_cgan",
    "ConditionalDCGAN": "train_conditional_dcgan",
    "ACGAN": "train_acgan",
    "SGAN": "train_sgan",
    "InfoGAN": "train_infogan",
    "StackedGAN": "train_stackedgan",
    "WGAN": "train_wgan",
    "WGANGP": "train_wgangp",
    "LSGAN": "train_lsgan",
    "SNGAN": "train_sngan",
    "Pix2Pix": "train_pix2pix",
    "CycleGAN": "train_cyclegan",
}


def load_example(name):
    if EXAMPLES not in sys.path:
        sys.path.insert(0, EXAMPLES)  # as when the script runs: for `_common`
    spec = importlib.util.spec_from_file_location(
        f"example_{name}", os.path.join(EXAMPLES, f"{name}.py")
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_family_has_an_example():
    families = {
        name
        for name in ganzoo.models.__all__
        if isinstance(getattr(ganzoo, name), type)
        and issubclass(getattr(ganzoo, name), BaseGAN)
        and name not in ("BaseGAN", "NoiseToImageGAN", "ImageToImageGAN")
    }
    assert set(TRAINING) == families
    scripts = {f[:-3] for f in os.listdir(EXAMPLES) if f.startswith("train_")}
    assert scripts == set(TRAINING.values())


@pytest.mark.parametrize("index, family", enumerate(sorted(TRAINING)))
def test_training_example(index, family, tmp_path):
    if not runs_on_this_backend(index):
        pytest.skip("runs in another backend's suite (GANZOO_TEST_ALL=1: here too)")
    module = load_example(TRAINING[family])
    model_path, grid_path = module.main(["--quick", "--out", str(tmp_path)])
    model = keras.saving.load_model(model_path)
    assert type(model).__name__ == family
    with Image.open(grid_path) as grid:
        assert grid.width > 28 and grid.height > 28
    assert os.listdir(os.path.join(tmp_path, "grids"))  # the per-epoch grids


def test_stackedgan_control(tmp_path):
    paths = load_example("stackedgan_control").main(
        ["--columns", "3", "--out", str(tmp_path)]
    )
    z1, z0 = (np.asarray(Image.open(path)) for path in paths)
    assert z1.shape == z0.shape
    assert not np.array_equal(z1, z0)


def test_infogan_codes(tmp_path):
    example = load_example("infogan_codes")
    paths = example.main(["--columns", "3", "--out", str(tmp_path)])
    grids = [np.asarray(Image.open(path)) for path in paths]
    assert len(grids) == 2 and grids[0].shape == grids[1].shape
    # The middle column is the same image in both: code 0 for both codes.
    cell = grids[0].shape[1] // 3
    np.testing.assert_array_equal(
        grids[0][:, cell : 2 * cell], grids[1][:, cell : 2 * cell]
    )
