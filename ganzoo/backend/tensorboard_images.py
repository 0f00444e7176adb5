"""Writes images to TensorBoard event files, on any Keras backend.

Used by `ganzoo.SampleGrid`. The event files are written with
`tf.summary` when TensorFlow is installed (as `keras.callbacks.TensorBoard`
does on every backend), else with `torch.utils.tensorboard`. Both need the
`tensorboard` package.
"""

import importlib.util

import numpy as np


def _installed(module):
    return importlib.util.find_spec(module) is not None


class ImageSummaryWriter:
    """Appends images to an event file in `log_dir`.

    Args:
        log_dir: Folder of the event file (created if needed). TensorBoard
            shows it as a run named after the folder.

    Raises:
        ImportError: if `tensorboard`, or both TensorFlow and PyTorch, are
            missing.

    Example:
        >>> writer = ImageSummaryWriter("logs/samples")  # doctest: +SKIP
        >>> writer.write("samples", grid, step=0)  # doctest: +SKIP
        >>> writer.close()  # doctest: +SKIP
    """

    def __init__(self, log_dir):
        if not _installed("tensorboard"):
            raise ImportError(
                "Writing images to TensorBoard needs the `tensorboard` package: "
                "`pip install tensorboard`."
            )
        self.log_dir = str(log_dir)
        if _installed("tensorflow"):
            import tensorflow as tf

            self._tf = tf
            self._writer = tf.summary.create_file_writer(self.log_dir)
        elif _installed("torch"):
            from torch.utils.tensorboard import SummaryWriter

            self._tf = None
            self._writer = SummaryWriter(self.log_dir)
        else:
            raise ImportError(
                "Writing images to TensorBoard needs TensorFlow or PyTorch: "
                "`pip install tensorflow-cpu` (or torch)."
            )

    def write(self, tag, image, step):
        """Writes one image and flushes it to disk.

        Args:
            tag: Name TensorBoard shows above the image.
            image: uint8 array `(height, width, channels)`, 1, 3 or 4 channels.
            step: Integer step (the slider position in TensorBoard).
        """
        image = np.asarray(image)
        channels = image.shape[-1] if image.ndim == 3 else None
        if image.dtype != np.uint8 or channels not in (1, 3, 4):
            raise ValueError(
                "`image` must be uint8 with shape (height, width, 1, 3 or 4). "
                f"Received: dtype={image.dtype}, shape={image.shape}"
            )
        if self._tf is None:
            self._writer.add_image(tag, image, int(step), dataformats="HWC")
        else:
            # record_if(True): a TensorBoard callback may have set a
            # condition of its own for its batch-level summaries.
            summary = self._tf.summary
            with self._writer.as_default(), summary.record_if(True):
                summary.image(tag, image[None], step=int(step))
        self._writer.flush()

    def close(self):
        """Flushes and closes the event file."""
        self._writer.close()
