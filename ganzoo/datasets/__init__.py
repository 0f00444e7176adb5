"""Image datasets as float32 images in [-1, 1], ready for the models.

`load("mnist_5k")` needs no network: its 5,000 MNIST digits ship with the
package. `"mnist"`, `"fashion_mnist"` and `"cifar10"` come from
`keras.datasets` (downloaded on first use).

`load_image_folder` reads a folder of your own images;
`load_labelled_image_folder` one with a sub-folder per class.

For image-to-image translation: `PairedImages` (pix2pix) and
`UnpairedImages` (CycleGAN) read image folders or arrays for `fit`;
`load_cyclegan_dataset` and `load_pix2pix_dataset` fetch the authors'
archives; `digits_to_edges`, `grey_to_colour` and
`plain_to_textured_digits` are small tasks built offline.
"""

from ganzoo.datasets.archives import cyclegan_dataset_names
from ganzoo.datasets.archives import load_cyclegan_dataset
from ganzoo.datasets.archives import load_pix2pix_dataset
from ganzoo.datasets.archives import pix2pix_dataset_names
from ganzoo.datasets.demo_tasks import DemoTask
from ganzoo.datasets.demo_tasks import demo_task
from ganzoo.datasets.demo_tasks import demo_task_names
from ganzoo.datasets.demo_tasks import digits_to_edges
from ganzoo.datasets.demo_tasks import grey_to_colour
from ganzoo.datasets.demo_tasks import plain_to_textured_digits
from ganzoo.datasets.image_folders import load_image_folder
from ganzoo.datasets.image_folders import load_labelled_image_folder
from ganzoo.datasets.image_pairs import PairedImages
from ganzoo.datasets.image_pairs import UnpairedImages
from ganzoo.datasets.loaders import load
from ganzoo.datasets.loaders import names

__all__ = [
    "DemoTask",
    "PairedImages",
    "UnpairedImages",
    "cyclegan_dataset_names",
    "demo_task",
    "demo_task_names",
    "digits_to_edges",
    "grey_to_colour",
    "load",
    "load_image_folder",
    "load_labelled_image_folder",
    "load_cyclegan_dataset",
    "load_pix2pix_dataset",
    "names",
    "pix2pix_dataset_names",
    "plain_to_textured_digits",
]
