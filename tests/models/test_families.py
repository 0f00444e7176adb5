"""The generic checks, run on every family of the registry in `families.py`.

Fit (every phase moves, nothing else does, each step depends on its
batch), `.keras` saving, presets, loading on another backend, and Keras's
mixed precision policies.

Each family's mixed precision run compiles a whole train step under a
policy, the slowest thing here, so the families are shared out between the
three backends' suites with `runs_on_this_backend`: each family trains
under each policy on one backend per full run (GANZOO_TEST_ALL=1 runs them
all everywhere). DCGAN, whose step is the quickest, runs under both
policies in every backend's suite, as the loss scaling (`mixed_float16`)
and the casts differ per backend.
"""

import keras
import numpy as np
import pytest

import ganzoo
from tests.models.families import FAMILIES
from tests.testing import GANTestCase
from tests.testing import changed
from tests.testing import dtype_policy
from tests.testing import runs_on_this_backend
from tests.testing import snapshot

NAMES = sorted(FAMILIES)


def test_every_family_is_in_the_registry():
    bases = (ganzoo.BaseGAN, ganzoo.NoiseToImageGAN, ganzoo.ImageToImageGAN)
    exported = {
        name: getattr(ganzoo, name)
        for name in ganzoo.__all__
        if isinstance(getattr(ganzoo, name), type)
        and issubclass(getattr(ganzoo, name), ganzoo.BaseGAN)
        and getattr(ganzoo, name) not in bases
    }
    assert set(FAMILIES) == set(exported)
    assert set(FAMILIES) == set(ganzoo.models.__all__) - {
        "BaseGAN",
        "NoiseToImageGAN",
        "ImageToImageGAN",
        "Phase",
    }
    for name, family in FAMILIES.items():
        assert family.cls is exported[name]


@pytest.fixture(scope="module")
def trained():
    """Models the fit test trained, by family name, for the later checks."""
    return {}


def trained_model(trained, name):
    """The fit test's model of family `name`, or one trained for an epoch."""
    if name not in trained:
        family = FAMILIES[name]
        model = family.build()
        model.compile()
        x, y = family.data(family.num_images)
        model.fit(x, y, batch_size=family.batch_size, verbose=0)
        trained[name] = model
    return trained[name]


class TestEveryFamily(GANTestCase):
    @pytest.mark.parametrize("name", NAMES)
    def test_fit_moves_every_phase_by_its_batches(self, name, trained):
        family = FAMILIES[name]
        x, y = family.data(family.num_images)
        model = self.run_fit_test(
            family.build,
            {},
            x,
            family.batch_size,
            y=y,
            may_stay=family.may_stay,
            draws_noise=family.draws_noise,
        )
        self.run_batches_matter_test(
            model,
            family.data(family.batch_size),
            family.data(family.batch_size, seed=1),
            may_stay=family.may_stay,
        )
        trained[name] = model

    @pytest.mark.parametrize("name", NAMES)
    def test_save_load_and_preset_round_trip(self, name, tmp_path, trained):
        family = FAMILIES[name]
        model = trained_model(trained, name)
        x, y = family.data(family.batch_size)
        self.run_saving_test(
            model,
            tmp_path,
            x,
            family.batch_size,
            may_stay=family.may_stay,
            y=y,
            sample=family.sample,
        )
        self.run_preset_test(
            model, tmp_path, other_backends=False, sample=family.sample
        )

    @pytest.mark.parametrize("name", NAMES)
    def test_saved_model_and_preset_load_on_another_backend(
        self, name, tmp_path, trained
    ):
        self.run_cross_backend_test(trained_model(trained, name), tmp_path, family=name)


# Runs under every policy on every backend; the other families are shared out.
EVERY_BACKEND = "DCGAN"
FLOAT16 = ["DCGAN", "WGANGP", "CycleGAN"]


def skip_unless_this_backends_share(name, names):
    """Skips family `name` unless this backend's suite has its turn."""
    if name == EVERY_BACKEND:
        return
    shared = [n for n in names if n != EVERY_BACKEND]
    # Shifted by one so that JAX's suite, the longest, gets none of the
    # slowest (CycleGAN, Pix2Pix, StackedGAN, float16 WGANGP).
    if not runs_on_this_backend(shared.index(name) + 1):
        pytest.skip(f"{name} runs in another backend's suite (GANZOO_TEST_ALL=1)")


def build_under(name, policy):
    """A compiled tiny model of `name` under `policy`, and one batch."""
    family = FAMILIES[name]
    with dtype_policy(policy):
        model = family.build()
        model.compile()
    return model, family.data(family.batch_size)


def half_precision_layers(model, dtype):
    return [
        layer
        for layer in model._flatten_layers(include_self=False)
        if not isinstance(layer, keras.Model)
        and layer.weights
        and layer.compute_dtype == dtype
    ]


def float32_outputs(model):
    """The sampler's outputs, which reach the user (and losses) in float32."""
    family = FAMILIES[type(model).__name__]
    for key, value in family.sample(model).items():
        assert value.dtype == np.float32, key
        assert np.all(np.isfinite(value)), key


@pytest.mark.parametrize("name", NAMES)
def test_mixed_bfloat16_trains_every_family(name):
    skip_unless_this_backends_share(name, NAMES)
    model, (x, y) = build_under(name, "mixed_bfloat16")
    assert half_precision_layers(model, "bfloat16"), "nothing computes in bfloat16"
    assert all(v.dtype == "float32" for v in model.trainable_variables)
    before = snapshot(model.trainable_variables)
    history = model.fit(x, y, batch_size=FAMILIES[name].batch_size, verbose=0)
    for key, values in history.history.items():
        assert np.isfinite(values[-1]), f"{key} is {values[-1]}"
    moved = {id(v) for v in changed(before, model.trainable_variables)}
    for phase in model.phases():
        assert any(id(v) in moved for v in phase.variables), phase.name
    float32_outputs(model)


@pytest.mark.parametrize("name", FLOAT16)
def test_mixed_float16_scales_each_players_loss(name):
    skip_unless_this_backends_share(name, FLOAT16)
    model, (x, y) = build_under(name, "mixed_float16")
    assert half_precision_layers(model, "float16")
    for optimizer_name in model.optimizer_names:
        optimizer = getattr(model, optimizer_name)
        assert isinstance(optimizer, keras.optimizers.LossScaleOptimizer)
    history = model.fit(x, y, batch_size=FAMILIES[name].batch_size, verbose=0)
    for key, values in history.history.items():
        assert np.isfinite(values[-1]), f"{key} is {values[-1]}"
