"""What `ganzoo train` gives a generator family: its data and its arguments.

The data come from `--images` (a folder of images; for the families that
take labels, one sub-folder per class) or `--dataset` (a name of
`ganzoo.datasets.load`); the constructor's arguments from `--image-size`,
`--channels`, `--latent-dim`, `--filters` and `--option NAME=VALUE`,
checked against the family's signature before anything is built.
"""

import collections
import inspect
import json
import os

import numpy as np

# Constructor arguments the command sets itself, and the option that sets them.
_SET_BY_COMMAND = {
    "image_shape": "--image-size and --channels",
    "num_classes": "the data (the number of classes)",
    "seed": "--seed",
}
_DEFAULT_IMAGE_SIZE = 64
_DEFAULT_CHANNELS = 3

#: Training data: float32 images in [-1, 1], int32 labels or None, the class
#: names (sub-folder names) or None, the number of classes or None, and the
#: data's source for the preset's metadata.
Data = collections.namedtuple("Data", "images labels class_names num_classes source")


def parse_options(options):
    """`["z0_dim=16", ...]` as a dict; values read as JSON, else as strings.

    Example:
        >>> parse_options(["z0_dim=16", "loss=hinge"])
        {'z0_dim': 16, 'loss': 'hinge'}
    """
    parsed = {}
    for text in options or ():
        name, sep, value = text.partition("=")
        name = name.strip().replace("-", "_")
        if not sep or not name.isidentifier():
            raise ValueError(
                "--option takes NAME=VALUE, e.g. --option z0_dim=16. "
                f"Received: --option {text!r}"
            )
        try:
            parsed[name] = json.loads(value)
        except json.JSONDecodeError:
            parsed[name] = value
    return parsed


def constructor_arguments(cls):
    """Names of the keyword arguments a ganzoo model class takes.

    Collected along the class's ancestry, as subclasses pass `**kwargs` on
    (every family takes `BaseGAN`'s).
    """
    import keras

    names = []
    for klass in cls.__mro__:
        if klass is keras.Model:
            break
        for parameter in inspect.signature(klass.__init__).parameters.values():
            if parameter.kind in (
                parameter.POSITIONAL_OR_KEYWORD,
                parameter.KEYWORD_ONLY,
            ) and parameter.name not in ("self", *names):
                names.append(parameter.name)
    return names


def load(args, labelled):
    """Reads `--images` or `--dataset` into a `Data`.

    Args:
        args: The parsed arguments.
        labelled: Whether the family trains on labels.
    """
    if bool(args.images) == bool(args.dataset):
        raise ValueError(
            f"{args.family} trains on --images FOLDER or --dataset NAME (e.g. "
            "--dataset mnist_5k, bundled and offline); give one of them."
        )
    if args.mnist_path is not None and args.dataset != "mnist":
        raise ValueError(
            "--mnist-path is a local copy of MNIST, read with --dataset mnist. "
            f"Received: --dataset {args.dataset!r}"
        )
    if args.dataset:
        return _load_dataset(args, labelled)
    from ganzoo import datasets
    from ganzoo.datasets import image_folders

    size = args.image_size or _DEFAULT_IMAGE_SIZE
    channels = args.channels or _DEFAULT_CHANNELS
    folder = args.images
    source = os.path.abspath(folder)
    if labelled:
        if not _subfolders(folder):
            raise ValueError(
                f"{args.family} trains on labelled images: --images {folder!r} "
                "must hold one sub-folder of images per class (e.g. cat/, "
                "dog/); the sub-folder names are the class names."
            )
        images, labels, names = datasets.load_labelled_image_folder(
            folder, size, channels
        )
        return Data(images, labels, names, len(names), source)
    has_images = any(
        name.lower().endswith(image_folders.IMAGE_EXTENSIONS)
        for name in os.listdir(folder)
    )
    if not has_images and _subfolders(folder):
        # A folder laid out for a conditional family: its labels are unused.
        images = datasets.load_labelled_image_folder(folder, size, channels)[0]
    else:
        images = datasets.load_image_folder(folder, size, channels)
    return Data(images, None, None, None, source)


def _subfolders(folder):
    return [
        name
        for name in os.listdir(folder)
        if not name.startswith(".") and os.path.isdir(os.path.join(folder, name))
    ]


def _load_dataset(args, labelled):
    from ganzoo import datasets

    path = {"path": args.mnist_path} if args.mnist_path is not None else {}
    images, labels = datasets.load(args.dataset, "train", **path)
    for option, value, actual in (
        ("--image-size", args.image_size, images.shape[1]),
        ("--channels", args.channels, images.shape[3]),
    ):
        if value is not None and value != actual:
            raise ValueError(
                f"{option} applies to --images; {args.dataset} images are "
                f"{images.shape[1]}x{images.shape[2]} with {images.shape[3]} "
                f"channel(s). Received: {option} {value}"
            )
    if not labelled:
        return Data(images, None, None, None, args.dataset)
    return Data(images, labels, None, int(labels.max()) + 1, args.dataset)


def model_arguments(args, accepted, options, data):
    """The family's constructor arguments, checked against its signature.

    Args:
        args: The parsed arguments.
        accepted: `constructor_arguments` of the family's class.
        options: `parse_options` of the `--option` values.
        data: The training `Data`.
    """
    arguments = {"image_shape": data.images.shape[1:], "seed": args.seed}
    if data.num_classes is not None:
        arguments["num_classes"] = data.num_classes
    for option, name, value in (
        ("--latent-dim", "latent_dim", args.latent_dim),
        ("--filters", "filters", args.filters),
    ):
        if value is not None:
            if name not in accepted:
                raise ValueError(
                    f"{option} does not apply to {args.family}; its sizes are "
                    f"set with --option NAME=VALUE, NAME one of "
                    f"{_settable(accepted)}."
                )
            arguments[name] = value
    for name, value in options.items():
        if name in _SET_BY_COMMAND:
            raise ValueError(
                f"--option {name}: set by {_SET_BY_COMMAND[name]}, not --option."
            )
        if name not in accepted:
            raise ValueError(
                f"--option {name}: not an argument of {args.family}. Its "
                f"arguments: {_settable(accepted)}."
            )
        arguments[name] = value
    return arguments


def _settable(accepted):
    return ", ".join(name for name in accepted if name not in _SET_BY_COMMAND)


def semi_supervised(data, num_labelled, seed):
    """SGAN's `(x, y)`: `num_labelled` images keep their label, spread evenly.

    The labelled images are drawn (with `seed`) from each class in turn, so
    every class has `num_labelled // num_classes` of them, or one more; the
    other images train unlabelled (see
    `ganzoo.models.sgan.semi_supervised_dataset`).
    """
    from ganzoo.models.sgan import semi_supervised_dataset

    num_classes = data.num_classes
    if not num_classes <= num_labelled < len(data.images):
        raise ValueError(
            "--num-labelled must be at least the number of classes and less "
            f"than the number of images: {num_classes} to "
            f"{len(data.images) - 1} here. Received: --num-labelled {num_labelled}"
        )
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(data.images))
    chosen = []
    for label in range(num_classes):
        share = num_labelled // num_classes + (label < num_labelled % num_classes)
        chosen += list(order[data.labels[order] == label][:share])
    chosen = np.asarray(sorted(chosen))
    rest = np.setdiff1d(np.arange(len(data.images)), chosen)
    return semi_supervised_dataset(
        data.images[chosen], data.labels[chosen], data.images[rest], seed=seed
    )


def restore_if_backed_up(model, checkpoint_dir):
    """Loads the weights of an interrupted run; returns whether there were any.

    `keras.callbacks.BackupAndRestore` restores them only once `fit` starts;
    a StackedGAN must know before, to skip training its encoder again (the
    backup holds the trained encoder). Reads the file that callback writes
    (`latest.weights.h5`), after building the optimizer as it does.
    """
    path = os.path.join(checkpoint_dir, "latest.weights.h5")
    if not os.path.isfile(path):
        return False
    model.compile()
    model.optimizer.build(model.trainable_variables)
    model.load_weights(path)
    return True
