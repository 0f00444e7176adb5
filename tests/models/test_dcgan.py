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
