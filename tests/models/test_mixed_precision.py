"""Mixed precision policies: saving, the `dtype` argument, presets.

That every family trains under `mixed_bfloat16` (and the loss-scaled ones
under `mixed_float16`) is checked with the registry in test_families.py.
"""

import keras
import numpy as np
import pytest

import ganzoo
from tests.models.test_families import build_under
from tests.models.test_families import half_precision_layers
from tests.testing import dtype_policy

DIGIT = (28, 28, 1)


def test_a_float16_model_saves_and_loads_with_its_loss_scales(tmp_path):
    model, (x, y) = build_under("DCGAN", "mixed_float16")
    model.fit(x, y, batch_size=len(x), verbose=0)
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
