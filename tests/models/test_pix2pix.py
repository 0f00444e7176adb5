import keras
import numpy as np
import pytest

import ganzoo
from tests.models.families import PIX2PIX_TINY
from tests.testing import GANTestCase
from tests.testing import changed
from tests.testing import fake_images
from tests.testing import snapshot

SHAPE = (32, 32, 1)
TINY = PIX2PIX_TINY
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

    def test_phases_train_every_variable_and_log_each_loss(self):
        # What fit does with them is checked with every family in
        # test_families.py.
        model = ganzoo.Pix2Pix(**TINY)
        model.compile()
        phases = model.phases()
        assert [p.name for p in phases] == ["discriminator", "generator"]
        assert model.d_optimizer.beta_1 == 0.5
        trained = [v for phase in phases for v in phase.variables]
        assert {id(v) for v in trained} == {id(v) for v in model.trainable_variables}
        assert moving_statistics(model)
        log_names = {name for phase in phases for name in phase.log_names}
        assert log_names == {"d_loss", "g_loss", "adversarial_loss", "l1_loss"}

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
