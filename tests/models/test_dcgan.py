import re

import numpy as np
import pytest

import ganzoo
from tests.testing import GANTestCase
from tests.testing import fake_images

TINY = {"image_shape": (28, 28, 1), "latent_dim": 8, "filters": 8, "seed": 2}


class TestDCGAN(GANTestCase):
    @pytest.mark.parametrize(
        "image_shape, map_side, num_stages",
        [((28, 28, 1), 7, 2), ((32, 32, 3), 4, 3), ((64, 64, 3), 4, 4)],
    )
    def test_output_shape(self, image_shape, map_side, num_stages):
        init = dict(TINY, image_shape=image_shape)
        model = self.run_output_shape_test(ganzoo.DCGAN, init)
        assert model.generator.get_layer("to_map").output.shape[1] == map_side
        strided = [
            layer
            for layer in model.discriminator.layers
            if layer.__class__.__name__ == "Conv2D"
        ]
        assert len(strided) == num_stages
        assert model.discriminator.output_shape == (None, 1)

    def test_color_images_fit(self):
        init = dict(TINY, image_shape=(32, 32, 3))
        self.run_fit_test(ganzoo.DCGAN, init, fake_images(16, (32, 32, 3)), 8)

    def test_saved_model_trains_on_another_backend(self, tmp_path):
        # The backend `other_backends()` names: over the three suites every
        # backend trains on another's file; GANZOO_TEST_ALL=1 checks all six
        # directions.
        data = fake_images(16, TINY["image_shape"])
        model = ganzoo.DCGAN(**TINY)
        model.compile()
        model.fit(data, batch_size=16, verbose=0)
        self.run_cross_backend_training_test(model, tmp_path, data)

    @pytest.mark.parametrize("image_shape", [(30, 30, 1), (28, 28), "28x28"])
    def test_bad_image_shape(self, image_shape):
        with pytest.raises(ValueError, match="image_shape"):
            ganzoo.DCGAN(image_shape=image_shape)

    @pytest.mark.parametrize(
        "arg, value, error",
        [
            ("filters", 0, ValueError),
            ("filters", 8.0, TypeError),
            ("kernel_size", -1, ValueError),
            ("dropout", 1.0, ValueError),
        ],
    )
    def test_bad_network_arguments(self, arg, value, error):
        with pytest.raises(error, match=arg):
            ganzoo.DCGAN(**{arg: value})


# Every family built on DCGAN's networks, with what else it needs.
DCGAN_NETWORK_FAMILIES = [
    (ganzoo.DCGAN, {}),
    (ganzoo.LSGAN, {}),
    (ganzoo.WGAN, {}),
    (ganzoo.WGANGP, {}),
    (ganzoo.SNGAN, {}),
    (ganzoo.ConditionalDCGAN, {"num_classes": 10}),
    (ganzoo.ACGAN, {"num_classes": 10}),
    (ganzoo.SGAN, {"num_classes": 10}),
]
EXTRA = {"extra_generator_stages": 1, "extra_discriminator_stages": 1}


def strided_convolutions(network):
    """The discriminator's stages: `down_{i}` (`down_{i}_sn` if normalised)."""
    return [
        layer for layer in network.layers if re.fullmatch(r"down_\d+(_sn)?", layer.name)
    ]


class TestExtraStages(GANTestCase):
    def test_generator_works_on_the_seed_map_before_upsampling(self):
        model = ganzoo.DCGAN(**TINY, **EXTRA)
        seed_map = model.generator.get_layer("to_map").output
        assert tuple(seed_map.shape[1:]) == (7, 7, 4 * TINY["filters"])
        refined = model.generator.get_layer("seed_0").output
        assert tuple(refined.shape[1:]) == (7, 7, 2 * TINY["filters"])
        up = model.generator.get_layer("up_0").output
        assert tuple(up.shape[1:]) == (14, 14, TINY["filters"])
        assert model.generate(2, seed=0).shape == (2, 28, 28, 1)

    def test_discriminator_goes_on_to_a_4x4_map(self):
        model = ganzoo.DCGAN(**TINY, **EXTRA)
        stages = strided_convolutions(model.discriminator)
        assert len(stages) == 3
        last = stages[-1].output
        assert tuple(last.shape[1:]) == (4, 4, 4 * TINY["filters"])

    def test_defaults_are_dcgans_networks(self):
        plain = ganzoo.DCGAN(**TINY)
        zero = ganzoo.DCGAN(
            **TINY, extra_generator_stages=0, extra_discriminator_stages=0
        )
        names = [layer.name for layer in plain.generator.layers]
        assert names == [layer.name for layer in zero.generator.layers]
        assert len(strided_convolutions(plain.discriminator)) == 2
        assert plain.count_params() == zero.count_params()

    def test_extra_stages_fit_and_survive_saving(self, tmp_path):
        init = dict(TINY, **EXTRA)
        data = fake_images(16, TINY["image_shape"])
        model = self.run_fit_test(ganzoo.DCGAN, init, data, 8)
        loaded = self.run_saving_test(model, tmp_path, data, 8)
        assert loaded.extra_generator_stages == 1
        assert loaded.extra_discriminator_stages == 1

    @pytest.mark.parametrize(
        "cls, extra_init",
        DCGAN_NETWORK_FAMILIES,
        ids=lambda x: getattr(x, "__name__", ""),
    )
    def test_every_dcgan_family_takes_them(self, cls, extra_init):
        model = cls(**TINY, **extra_init, **EXTRA)
        config = model.get_config()
        assert config["extra_generator_stages"] == 1
        assert config["extra_discriminator_stages"] == 1
        assert len(strided_convolutions(model.discriminator)) == 3
        assert "seed_0" in [layer.name for layer in model.generator.layers]
        rebuilt = cls.from_config(config)
        assert rebuilt.count_params() == model.count_params()

    def test_label_is_tiled_at_the_rounded_up_side(self):
        # 28 -> 14 -> 7 -> 4 -> 2: the fourth stage's input is 4x4, not 28 >> 3.
        model = ganzoo.ConditionalDCGAN(
            **TINY, num_classes=10, extra_discriminator_stages=2
        )
        tiled = model.discriminator.get_layer("label_3").output
        assert tuple(tiled.shape[1:3]) == (4, 4)
        model.compile()
        history = model.fit(
            fake_images(16, TINY["image_shape"]),
            np.arange(16) % 10,
            batch_size=8,
            verbose=0,
        )
        assert all(np.isfinite(v[-1]) for v in history.history.values())

    @pytest.mark.parametrize(
        "arg, value, error",
        [
            ("extra_generator_stages", -1, ValueError),
            ("extra_discriminator_stages", -2, ValueError),
            ("extra_generator_stages", 1.0, TypeError),
            ("extra_discriminator_stages", True, TypeError),
        ],
    )
    def test_bad_extra_stages(self, arg, value, error):
        with pytest.raises(error, match=f"`{arg}` must be a non-negative integer"):
            ganzoo.DCGAN(**{arg: value})
