"""`NoiseToImageGAN`: the base of every family that samples from noise."""

import numpy as np

from ganzoo import backend
from ganzoo import validation
from ganzoo.models.base_gan import BaseGAN


class NoiseToImageGAN(BaseGAN):
    """A `BaseGAN` whose generator maps latent noise (and codes) to images.

    Adds sampling to the base: `generate(num_images, seed=...)` draws the
    noise on the host (the same on every backend) and runs the generator
    in inference mode. Families with inputs beside the noise (labels,
    codes) override `generate` to assemble them and end in
    `run_generator(inputs)`. Subclasses set `self.latent_dim`.
    """

    def sample_latent(self, num_images, seed=None):
        """Latent noise drawn on the host, identical on every backend."""
        rng = np.random.default_rng(seed)
        return rng.standard_normal((num_images, self.latent_dim)).astype("float32")

    def generate(self, num_images, seed=None, batch_size=None):
        """Generates images.

        Args:
            num_images: How many images to make.
            seed: Optional int. The same seed gives the same images on every
                backend.
            batch_size: Images per forward pass (default 128).

        Returns:
            A float32 NumPy array `(num_images,) + image_shape` in [-1, 1].
        """
        num_images = validation.check_positive_int(num_images, "num_images")
        z = self.sample_latent(num_images, seed)
        return self.run_generator(z, batch_size)

    def run_generator(self, inputs, batch_size=None):
        """Runs the generator in inference mode in batches."""
        batch_size = validation.check_positive_int(batch_size or 128, "batch_size")
        images = backend.predict(self, inputs, batch_size)
        return np.asarray(images, dtype="float32")
