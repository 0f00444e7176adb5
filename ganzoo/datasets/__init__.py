"""Image datasets as float32 images in [-1, 1], ready for the models.

`load("mnist_5k")` needs no network: its 5,000 MNIST digits ship with the
package. `"mnist"`, `"fashion_mnist"` and `"cifar10"` come from
`keras.datasets` (downloaded on first use).
"""

from ganzoo.datasets.loaders import load
from ganzoo.datasets.loaders import names

__all__ = ["load", "names"]
