"""Keras callbacks for watching a GAN train."""

import os

import keras
import numpy as np

from ganzoo import images as image_utils


class SampleGrid(keras.callbacks.Callback):
    """Writes a PNG grid of samples every `every` epochs.

    The same `seed` is used each time, so successive grids show how the
    same latent points evolve. For image-to-image models (`Pix2Pix`,
    `CycleGAN`) pass `inputs`: the grid then shows each input beside its
    translation (`model.translate(inputs)`).

    Args:
        directory: Folder for `epoch_0001.png`, `epoch_0002.png`, ...
        num_images: Images per grid (ignored with `inputs`).
        every: Write after every `every`-th epoch.
        seed: Seed of the latent noise.
        inputs: Optional images in [-1, 1] for a model with `translate`.

    Example:

    ```python
    model.fit(images, epochs=10, callbacks=[ganzoo.SampleGrid("samples")])
    model.fit(pairs, epochs=10, callbacks=[ganzoo.SampleGrid("samples",
                                                             inputs=test_a)])
    ```
    """

    def __init__(self, directory, num_images=64, every=1, seed=0, inputs=None):
        super().__init__()
        if every < 1:
            raise ValueError(f"`every` must be >= 1. Received: every={every!r}")
        self.directory = directory
        self.num_images = num_images
        self.every = every
        self.seed = seed
        self.inputs = None if inputs is None else np.asarray(inputs, "float32")
        self.paths = []

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every:
            return
        if self.inputs is None:
            samples = self.model.generate(self.num_images, seed=self.seed)
            columns = None
        else:
            samples = image_utils.side_by_side(
                self.inputs, self.model.translate(self.inputs)
            )
            columns = 8
        path = os.path.join(self.directory, f"epoch_{epoch + 1:04d}.png")
        self.paths.append(image_utils.save_grid(samples, path, columns=columns))
