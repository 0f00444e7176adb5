"""Keras callbacks for watching a GAN train."""

import os

import keras

from ganzoo import images as image_utils


class SampleGrid(keras.callbacks.Callback):
    """Writes a PNG grid of samples every `every` epochs.

    The same `seed` is used each time, so successive grids show how the
    same latent points evolve.

    Args:
        directory: Folder for `epoch_0001.png`, `epoch_0002.png`, ...
        num_images: Images per grid.
        every: Write after every `every`-th epoch.
        seed: Seed of the latent noise.

    Example:

    ```python
    model.fit(images, epochs=10, callbacks=[ganzoo.SampleGrid("samples")])
    ```
    """

    def __init__(self, directory, num_images=64, every=1, seed=0):
        super().__init__()
        if every < 1:
            raise ValueError(f"`every` must be >= 1. Received: every={every!r}")
        self.directory = directory
        self.num_images = num_images
        self.every = every
        self.seed = seed
        self.paths = []

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every:
            return
        samples = self.model.generate(self.num_images, seed=self.seed)
        path = os.path.join(self.directory, f"epoch_{epoch + 1:04d}.png")
        self.paths.append(image_utils.save_grid(samples, path))
