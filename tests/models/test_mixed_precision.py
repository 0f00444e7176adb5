"""Every family trains under Keras's mixed precision policies.

Each family's one-epoch run under a policy compiles a whole train step, the
slowest thing in the suite, so the families are shared out between the
three backends' suites with `runs_on_this_backend`: each family trains
under each policy on one backend per full run (GANZOO_TEST_ALL=1 runs them
all everywhere). DCGAN, whose step is the quickest, runs under both
policies in every backend's suite, as the loss scaling (`mixed_float16`)
and the casts differ per backend; so does the saving test below.
"""

import keras
import numpy as np
import pytest

import ganzoo
from tests.models.test_stackedgan import TINY as TINY_STACKEDGAN
from tests.testing import changed
from tests.testing import dtype_policy
from tests.testing import fake_images
from tests.testing import runs_on_this_backend
from tests.testing import snapshot

DIGIT = (28, 28, 1)
COLOUR = (32, 32, 3)
N = 8


def labels(num_classes):
    return np.arange(N) % num_classes


def partly_labelled(num_classes):
    return np.where(np.arange(N) < N // 2, np.arange(N) % num_classes, -1)


# Tiny settings of every family, with what its `fit` takes.
FAMILIES = {
    "GAN": ({"latent_dim": 4}, lambda: (fake_images(N, DIGIT),)),
    "DCGAN": ({"latent_dim": 4, "filters": 4}, lambda: (fake_images(N, DIGIT),)),
    "WGAN": ({"latent_dim": 4, "filters": 4}, lambda: (fake_images(N, DIGIT),)),
    "WGANGP": ({"latent_dim": 4, "filters": 4}, lambda: (fake_images(N, DIGIT),)),
    "LSGAN": ({"latent_dim": 4, "filters": 4}, lambda: (fake_images(N, DIGIT),)),
    "SNGAN": ({"latent_dim": 4, "filters": 4}, lambda: (fake_images(N, DIGIT),)),
    "CGAN": ({"latent_dim": 4}, lambda: (fake_images(N, DIGIT), labels(10))),
    "ConditionalDCGAN": (
        {"latent_dim": 4, "filters": 4},
        lambda: (fake_images(N, DIGIT), labels(10)),
    ),
    "ACGAN": (
        {"latent_dim": 4, "filters": 4},
        lambda: (fake_images(N, DIGIT), labels(10)),
    ),
    "SGAN": (
        {"latent_dim": 4, "filters": 4, "num_classes": 3},
        lambda: (fake_images(N, DIGIT), partly_labelled(3)),
    ),
    "InfoGAN": (
        {"latent_dim": 4, "filters": 4, "num_categories": 3},
        lambda: (fake_images(N, DIGIT),),
    ),
    "StackedGAN": (TINY_STACKEDGAN, lambda: (fake_images(N, DIGIT), labels(3))),
    "Pix2Pix": (
        {"image_shape": (32, 32, 1), "target_channels": 3, "filters": 4},
        lambda: (fake_images(N, (32, 32, 1)), fake_images(N, COLOUR, seed=1)),
    ),
    "CycleGAN": (
        {"image_shape": COLOUR, "filters": 4, "num_blocks": 1, "pool_size": 2},
        lambda: ((fake_images(N, COLOUR), fake_images(N, COLOUR, seed=1)),),
    ),
}


def test_every_family_is_listed():
    bases = {"BaseGAN", "NoiseToImageGAN", "ImageToImageGAN", "Phase"}
    assert set(FAMILIES) == set(ganzoo.models.__all__) - bases


# Runs under every policy on every backend; the other families are shared out.
EVERY_BACKEND = "DCGAN"


def skip_unless_this_backends_share(name, names):
    """Skips family `name` unless this backend's suite has its turn."""
    if name == EVERY_BACKEND:
        return
    shared = [n for n in names if n != EVERY_BACKEND]
    # Shifted by one so that JAX's suite, the longest, gets none of the
    # slowest (CycleGAN, Pix2Pix, StackedGAN, float16 WGANGP).
    if not runs_on_this_backend(shared.index(name) + 1):
        pytest.skip(f"{name} runs in another backend's suite (GANZOO_TEST_ALL=1)")


def build(name, policy):
    init, data = FAMILIES[name]
    init = dict(init, seed=1)
    init.setdefault("image_shape", DIGIT)
    with dtype_policy(policy):
        model = getattr(ganzoo, name)(**init)
        if name == "StackedGAN":
            model.pretrain_encoder(*data(), epochs=1, batch_size=N, verbose=0)
        model.compile()
    return model, data()


def half_precision_layers(model, dtype):
    return [
        layer
        for layer in model._flatten_layers(include_self=False)
        if not isinstance(layer, keras.Model)
        and layer.weights
        and layer.compute_dtype == dtype
    ]


@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_mixed_bfloat16_trains_every_family(name):
    skip_unless_this_backends_share(name, sorted(FAMILIES))
    model, data = build(name, "mixed_bfloat16")
    assert half_precision_layers(model, "bfloat16"), "nothing computes in bfloat16"
    assert all(v.dtype == "float32" for v in model.trainable_variables)
    before = snapshot(model.trainable_variables)
    history = model.fit(*data, batch_size=4 if name == "CycleGAN" else N, verbose=0)
    for key, values in history.history.items():
        assert np.isfinite(values[-1]), f"{key} is {values[-1]}"
    moved = {id(v) for v in changed(before, model.trainable_variables)}
    for phase in model.phases():
        assert any(id(v) in moved for v in phase.variables), phase.name
    # Outputs reach the user (and the losses) in float32.
    if name in ("Pix2Pix", "CycleGAN"):
        out = model.translate(data[0][0][:2] if name == "CycleGAN" else data[0][:2])
    else:
        out = model.generate(2, seed=0)
    assert out.dtype == np.float32 and np.all(np.isfinite(out))


FLOAT16 = ["DCGAN", "WGANGP", "CycleGAN"]


@pytest.mark.parametrize("name", FLOAT16)
def test_mixed_float16_scales_each_players_loss(name):
    skip_unless_this_backends_share(name, FLOAT16)
    model, data = build(name, "mixed_float16")
    assert half_precision_layers(model, "float16")
    for optimizer_name in model.optimizer_names:
        optimizer = getattr(model, optimizer_name)
        assert isinstance(optimizer, keras.optimizers.LossScaleOptimizer)
    history = model.fit(*data, batch_size=4 if name == "CycleGAN" else N, verbose=0)
    for key, values in history.history.items():
        assert np.isfinite(values[-1]), f"{key} is {values[-1]}"


def test_a_float16_model_saves_and_loads_with_its_loss_scales(tmp_path):
    model, data = build("DCGAN", "mixed_float16")
    model.fit(*data, batch_size=N, verbose=0)
    model.g_optimizer.dynamic_scale.assign(1024.0)
    path = str(tmp_path / "dcgan.keras")
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert loaded.dtype_policy.name == "mixed_float16"
    assert half_precision_layers(loaded, "float16")
    scale = loaded.g_optimizer.dynamic_scale
    assert float(keras.ops.convert_to_numpy(scale)) == 1024.0
    np.testing.assert_allclose(loaded.generate(2, seed=0), model.generate(2, seed=0))


def test_dtype_argument_sets_the_networks_policy_and_presets_follow_the_global(
    tmp_path,
):
    model = ganzoo.DCGAN(
        image_shape=DIGIT, latent_dim=4, filters=4, dtype="mixed_bfloat16"
    )
    assert keras.config.dtype_policy().name == "float32"  # left as it was
    assert half_precision_layers(model, "bfloat16")
    with pytest.raises(ValueError, match="filters"):
        ganzoo.DCGAN(filters=0, dtype="mixed_bfloat16")
    assert keras.config.dtype_policy().name == "float32"
    folder = model.save_to_preset(str(tmp_path / "preset"))
    assert not half_precision_layers(ganzoo.DCGAN.from_preset(folder), "bfloat16")
    with dtype_policy("mixed_bfloat16"):
        loaded = ganzoo.DCGAN.from_preset(folder)
    assert half_precision_layers(loaded, "bfloat16")
    loaded = ganzoo.DCGAN.from_preset(folder, dtype="mixed_bfloat16")
    assert half_precision_layers(loaded, "bfloat16")
