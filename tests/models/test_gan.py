import numpy as np
import pytest

import ganzoo
from tests.testing import GANTestCase
from tests.testing import fake_images

INIT = {"image_shape": (28, 28, 1), "latent_dim": 16, "seed": 1}


class TestGAN(GANTestCase):
    def test_output_shape(self):
        self.run_output_shape_test(ganzoo.GAN, INIT)

    def test_networks_follow_the_reference(self):
        model = ganzoo.GAN(image_shape=(28, 28, 1))
        dense = [
            layer.units
            for layer in model.generator.layers
            if layer.__class__.__name__ == "Dense"
        ]
        assert dense == [128, 256, 512, 1024, 784]
        assert model.discriminator.output_shape == (None, 1)

    @pytest.mark.parametrize("loss", ganzoo.losses.names())
    def test_every_loss_trains(self, loss):
        model = ganzoo.GAN(**INIT, loss=loss)
        model.compile()
        history = model.fit(fake_images(32, (28, 28, 1)), batch_size=16, verbose=0)
        assert np.all(np.isfinite(history.history["d_loss"]))
        assert model.get_config()["loss"] == loss
