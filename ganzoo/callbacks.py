"""Keras callbacks for watching a GAN train."""

import os

import keras
import numpy as np

from ganzoo import backend
from ganzoo import images as image_utils

TENSORBOARD_RUN = "samples"
TENSORBOARD_TAG = "samples"


class SampleGrid(keras.callbacks.Callback):
    """Writes a grid of samples every `every` epochs, as PNG and to TensorBoard.

    The same `seed` is used each time, so successive grids show how the
    same latent points evolve. For image-to-image models (`Pix2Pix`,
    `CycleGAN`) pass `inputs`: the grid then shows each input beside its
    translation (`model.translate(inputs)`).

    To see the grids in TensorBoard, pass the `keras.callbacks.TensorBoard`
    callback of the same `fit()` as `tensorboard=` (Keras does not tell a
    callback about the other callbacks of a fit, so it is not found by
    itself), or a log folder. The grid is then also written as the image
    `samples` of the run `<log_dir>/samples`, at the step of the epoch
    (0-based, the step of the TensorBoard callback's `epoch_*` scalars).
    The run has its own folder because TensorBoard follows only the newest
    event file of a folder while a run is written. This needs the
    `tensorboard` package and TensorFlow or PyTorch, on any Keras backend.

    In a distributed run (`torchrun`, JAX's multi-process
    `keras.distribution`) only the first process writes.

    Args:
        directory: Folder for `epoch_0001.png`, `epoch_0002.png`, ...; `None`
            writes no PNG (then `tensorboard` is required).
        num_images: Images per grid (ignored with `inputs`).
        every: Write after every `every`-th epoch.
        seed: Seed of the latent noise.
        inputs: Optional images in [-1, 1] for a model with `translate`.
        tensorboard: Optional `keras.callbacks.TensorBoard` instance, or a
            TensorBoard log folder, to also write the grids to.

    Example:

    ```python
    model.fit(images, epochs=10, callbacks=[ganzoo.SampleGrid("samples")])
    model.fit(pairs, epochs=10, callbacks=[ganzoo.SampleGrid("samples",
                                                             inputs=test_a)])
    board = keras.callbacks.TensorBoard("logs")
    model.fit(images, epochs=10,
              callbacks=[board, ganzoo.SampleGrid("samples", tensorboard=board)])
    ```
    """

    def __init__(
        self,
        directory,
        num_images=64,
        every=1,
        seed=0,
        inputs=None,
        tensorboard=None,
    ):
        super().__init__()
        if every < 1:
            raise ValueError(f"`every` must be >= 1. Received: every={every!r}")
        if directory is None and tensorboard is None:
            raise ValueError(
                "Give a `directory` for PNG files, a `tensorboard` callback or "
                "log folder, or both. Received: directory=None, tensorboard=None"
            )
        self.directory = directory
        self.num_images = num_images
        self.every = every
        self.seed = seed
        self.inputs = None if inputs is None else np.asarray(inputs, "float32")
        self.tensorboard_dir = _samples_run(tensorboard)
        self.paths = []
        self._writer = None

    def on_train_begin(self, logs=None):
        if self.tensorboard_dir is not None and backend.is_chief():
            from ganzoo.backend.tensorboard_images import ImageSummaryWriter

            self._writer = ImageSummaryWriter(self.tensorboard_dir)

    def on_train_end(self, logs=None):
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every or not backend.is_chief():
            return
        if self.inputs is None:
            samples = self.model.generate(self.num_images, seed=self.seed)
            columns = None
        else:
            samples = image_utils.side_by_side(
                self.inputs, self.model.translate(self.inputs)
            )
            columns = 8
        if self.directory is not None:
            path = os.path.join(self.directory, f"epoch_{epoch + 1:04d}.png")
            self.paths.append(image_utils.save_grid(samples, path, columns=columns))
        if self._writer is not None:
            grid = image_utils.make_grid(samples, columns=columns)
            self._writer.write(TENSORBOARD_TAG, grid, step=epoch)


def _samples_run(tensorboard):
    """The `samples` run folder under a TensorBoard callback's or log folder."""
    if tensorboard is None:
        return None
    if isinstance(tensorboard, keras.callbacks.TensorBoard):
        return os.path.join(tensorboard.log_dir, TENSORBOARD_RUN)
    if isinstance(tensorboard, (str, os.PathLike)):
        return os.path.join(os.fspath(tensorboard), TENSORBOARD_RUN)
    raise TypeError(
        "`tensorboard` must be a keras.callbacks.TensorBoard instance or a log "
        f"folder. Received: tensorboard={tensorboard!r}"
    )
