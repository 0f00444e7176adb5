import os

import keras
import numpy as np
import pytest

import ganzoo
from tests.testing import GANTestCase
from tests.testing import changed
from tests.testing import fake_images
from tests.testing import other_backends
from tests.testing import run_in_backend
from tests.testing import snapshot

SHAPE = (32, 32, 1)
TINY = {"image_shape": SHAPE, "target_channels": 3, "filters": 4, "seed": 2}
TARGET_SHAPE = (32, 32, 3)
BATCH = 4


def pairs(num_images=8):
    return fake_images(num_images, SHAPE, seed=0), fake_images(
        num_images, TARGET_SHAPE, seed=1
    )


def numpy_of(x):
    return np.asarray(keras.ops.convert_to_numpy(x), "float32")


def softplus(x):
    return np.logaddexp(0.0, x)


def moving_statistics(model):
    return [
        v
        for v in model.non_trainable_variables
        if "moving_mean" in v.path or "moving_variance" in v.path
    ]


class PairBatches(keras.utils.PyDataset):
    """Batches of `arrays` (one array, or an (inputs, targets) pair)."""

    def __init__(self, arrays, batch_size):
        super().__init__()
        self.arrays, self.batch_size = arrays, batch_size

    def __len__(self):
        return -(-len(self.arrays[0]) // self.batch_size)

    def __getitem__(self, index):
        window = slice(index * self.batch_size, (index + 1) * self.batch_size)
        batch = tuple(array[window] for array in self.arrays)
        return batch if len(batch) > 1 else batch[0]


class TestPix2Pix(GANTestCase):
    def test_networks(self):
        model = ganzoo.Pix2Pix(**TINY)
        assert model.num_downs == 5  # 32 -> 1x1 bottleneck
        assert model.generator.input_shape == (None,) + SHAPE
        assert model.generator.output_shape == (None,) + TARGET_SHAPE
        assert model.discriminator.input_shape == (None, 32, 32, 4)
        assert model.discriminator.output_shape == (None, 2, 2, 1)
        assert ganzoo.Pix2Pix(**dict(TINY, image_shape=(48, 64, 1))).num_downs == 4
        resnet = ganzoo.Pix2Pix(**dict(TINY, generator="resnet", num_blocks=1))
        assert resnet.num_downs is None
        assert resnet.generator.output_shape == (None,) + TARGET_SHAPE

    def test_fit_moves_every_phase_and_nothing_else(self):
        model = ganzoo.Pix2Pix(**TINY)
        model.compile()
        phases = model.phases()
        assert [p.name for p in phases] == ["discriminator", "generator"]
        assert model.d_optimizer.beta_1 == 0.5
        trained = [v for phase in phases for v in phase.variables]
        assert {id(v) for v in trained} == {id(v) for v in model.trainable_variables}
        before = snapshot(model.variables)
        history = model.fit(x=pairs(), batch_size=BATCH, verbose=0)
        assert not [v.path for v in trained if not changed(before, [v])]
        statistics = moving_statistics(model)
        assert statistics and len(changed(before, statistics)) == len(statistics)
        self.check_iterations(model, 2)
        assert set(history.history) == {
            "loss",
            "d_loss",
            "g_loss",
            "adversarial_loss",
            "l1_loss",
        }
        for name, values in history.history.items():
            assert np.all(np.isfinite(values)), name
        # `fit(inputs, targets)` works as well.
        model.fit(*pairs(4), batch_size=BATCH, verbose=0)
        self.check_iterations(model, 3)

    def test_fit_on_a_py_dataset_of_pairs(self):
        model = ganzoo.Pix2Pix(**TINY)
        model.compile()
        inputs, targets = pairs(6)
        history = model.fit(PairBatches((inputs, targets), BATCH), verbose=0)
        assert np.isfinite(history.history["g_loss"][-1])
        self.check_iterations(model, 2)
        with pytest.raises(ValueError, match="pairs"):
            model.fit(PairBatches((inputs,), BATCH), verbose=0)
        model.translate(inputs)  # still usable after the failed fit

    def test_losses_match_numpy(self):
        model = ganzoo.Pix2Pix(**dict(TINY, dropout=False, l1_weight=7.0))
        model.compile()
        inputs, targets = pairs(2)

        def run(network, x):
            return numpy_of(getattr(model, network)(x, training=True))

        loss, logs = model.generator_loss((inputs, targets))
        logs = {name: float(numpy_of(value)) for name, value in logs.items()}
        fake = run("generator", inputs)
        fake_logits = run("discriminator", np.concatenate([inputs, fake], -1))
        adversarial = softplus(-fake_logits).mean()
        l1 = np.abs(fake - targets).mean()
        np.testing.assert_allclose(logs["adversarial_loss"], adversarial, rtol=1e-5)
        np.testing.assert_allclose(logs["l1_loss"], l1, rtol=1e-5)
        np.testing.assert_allclose(logs["g_loss"], adversarial + 7.0 * l1, rtol=1e-5)
        np.testing.assert_allclose(float(numpy_of(loss)), logs["g_loss"])

        d_loss, _ = model.discriminator_loss((inputs, targets))
        real_logits = run("discriminator", np.concatenate([inputs, targets], -1))
        expected = 0.5 * (softplus(-real_logits).mean() + softplus(fake_logits).mean())
        np.testing.assert_allclose(float(numpy_of(d_loss)), expected, rtol=1e-5)

    def test_translate_modes(self):
        # 64 pixels: 6 U-Net levels, the first size with a dropout stage.
        model = ganzoo.Pix2Pix(**dict(TINY, image_shape=(64, 64, 1)))
        assert model.generator.get_layer("up5_dropout")
        inputs = fake_images(3, (64, 64, 1), seed=5)
        default = model.translate(inputs, batch_size=2)
        assert default.shape == (3, 64, 64, 3) and default.dtype == np.float32
        np.testing.assert_allclose(default, model.translate(inputs), atol=1e-6)
        np.testing.assert_allclose(default, numpy_of(model(inputs)), atol=1e-6)
        statistics = moving_statistics(model)
        before = snapshot(model.trainable_variables + statistics)
        paper = model.translate(inputs, test_time_dropout=True)
        again = model.translate(inputs, test_time_dropout=True)
        assert paper.shape == default.shape
        assert np.all(np.abs(paper) <= 1)
        assert not np.allclose(paper, default)
        assert not np.allclose(paper, again)  # dropout is on
        assert not changed(before, model.trainable_variables + statistics)
        np.testing.assert_allclose(default, model.translate(inputs), atol=1e-6)

    def test_ema(self):
        model = ganzoo.Pix2Pix(**dict(TINY, ema_decay=0.5))
        model.compile()
        average = snapshot(model.generator_ema.weights)
        model.fit(x=pairs(4), batch_size=BATCH, verbose=0)
        assert changed(average, model.generator_ema.weights)
        inputs = fake_images(2, SHAPE)
        np.testing.assert_allclose(
            model.translate(inputs), numpy_of(model.generator_ema(inputs)), atol=1e-6
        )

    def test_save_load_preset_and_other_backends(self, tmp_path):
        model = ganzoo.Pix2Pix(**TINY)
        model.compile()
        data = pairs(4)
        model.fit(x=data, batch_size=BATCH, verbose=0)
        inputs = fake_images(2, SHAPE, seed=9)
        expected = model.translate(inputs)

        path = os.path.join(tmp_path, "model.keras")
        model.save(path)
        loaded = keras.saving.load_model(path)
        assert type(loaded) is ganzoo.Pix2Pix
        assert loaded.get_config() == model.get_config()
        np.testing.assert_allclose(loaded.translate(inputs), expected, atol=1e-6)
        for ours, theirs in zip(
            model.optimizer.variables, loaded.optimizer.variables, strict=True
        ):
            np.testing.assert_array_equal(numpy_of(ours.value), numpy_of(theirs.value))
        trained = [v for phase in loaded.phases() for v in phase.variables]
        before = snapshot(trained)
        loaded.fit(x=data, batch_size=BATCH, verbose=0)
        assert len(changed(before, trained)) == len(trained)
        self.check_iterations(loaded, 2)

        folder = model.save_to_preset(os.path.join(tmp_path, "preset"))
        preset = ganzoo.Pix2Pix.from_preset(folder)
        assert preset.get_config() == model.get_config()
        np.testing.assert_allclose(preset.translate(inputs), expected, atol=1e-6)
        for other in other_backends():
            got = run_in_backend(other, _TRANSLATE_IN, folder)
            np.testing.assert_allclose(got, expected, atol=1e-5, err_msg=other)

    @pytest.mark.parametrize(
        "kwargs, error, message",
        [
            ({"generator": "vgg"}, ValueError, "generator"),
            ({"num_downs": 6}, ValueError, "multiples of 64"),
            ({"generator": "resnet", "num_downs": 3}, ValueError, "num_downs"),
            ({"image_shape": (33, 33, 1)}, ValueError, "even"),
            ({"l1_weight": -1.0}, ValueError, "l1_weight"),
            ({"target_channels": 0}, ValueError, "target_channels"),
            ({"diffaugment": "translation"}, ValueError, "DiffAugment"),
        ],
    )
    def test_bad_arguments(self, kwargs, error, message):
        with pytest.raises(error, match=message):
            ganzoo.Pix2Pix(**dict(TINY, **kwargs))

    def test_bad_inputs(self):
        model = ganzoo.Pix2Pix(**TINY)
        model.compile()
        inputs, targets = pairs(4)
        with pytest.raises(ValueError, match="as many targets as inputs"):
            model.fit(x=(inputs, targets[:3]), verbose=0)
        with pytest.raises(ValueError, match="targets"):
            model.fit(x=(inputs, fake_images(4, SHAPE)), verbose=0)
        with pytest.raises(ValueError, match=r"\[-1, 1\]"):
            model.fit(x=(inputs * 3, targets), verbose=0)
        with pytest.raises(ValueError, match="pairs"):
            model.fit(inputs, verbose=0)
        with pytest.raises(ValueError, match="images"):
            model.translate(fake_images(2, TARGET_SHAPE))
        with pytest.raises(TypeError, match="batch_size"):
            model.translate(inputs, batch_size=0.5)
        with pytest.raises(AttributeError, match="translate"):
            model.generate(4)


_TRANSLATE_IN = """
import json, sys
import ganzoo
from tests.testing import fake_images
model = ganzoo.Pix2Pix.from_preset(sys.argv[1])
images = fake_images(2, tuple(model.image_shape), seed=9)
print(json.dumps(model.translate(images).tolist()))
"""
