"""`ganzoo train`: trains any family on images and writes a preset.

Generator families train on a folder of images (`--images`; the families
that take labels read one sub-folder per class) or on a dataset of
`ganzoo.datasets.load` (`--dataset`); Pix2Pix and CycleGAN on paired or
unpaired folders (`--paired`, `--a`, `--b`).
Every run shows Keras's progress bar, backs up to `--checkpoint-dir`
(`keras.callbacks.BackupAndRestore`, so the same command resumes an
interrupted run) and ends with `model.save_to_preset(--out)`. Registered by
`ganzoo.cli.build_parser`.
"""

import argparse
import contextlib
import math
import os
import sys

from ganzoo.cli import checks
from ganzoo.cli import train_data

#: `ganzoo train FAMILY`: the lower-case class names, as `ganzoo presets
#: --family` takes them.
GENERATORS = {
    "gan": "GAN",
    "dcgan": "DCGAN",
    "cgan": "CGAN",
    "conditionaldcgan": "ConditionalDCGAN",
    "acgan": "ACGAN",
    "sgan": "SGAN",
    "wgan": "WGAN",
    "wgangp": "WGANGP",
    "lsgan": "LSGAN",
    "sngan": "SNGAN",
    "infogan": "InfoGAN",
    "stackedgan": "StackedGAN",
}
IMAGE_TO_IMAGE = {"pix2pix": "Pix2Pix", "cyclegan": "CycleGAN"}

# Options of one kind of family only (dest: flag); the other kind refuses them.
_IMAGE_TO_IMAGE_OPTIONS = {
    "paired": "--paired",
    "a": "--a",
    "b": "--b",
    "direction": "--direction",
    "load_size": "--load-size",
    "num_blocks": "--num-blocks",
}
_GENERATOR_OPTIONS = {
    "images": "--images",
    "dataset": "--dataset",
    "mnist_path": "--mnist-path",
    "latent_dim": "--latent-dim",
    "options": "--option",
    "num_labelled": "--num-labelled",
    "encoder_epochs": "--encoder-epochs",
    "samples": "--samples",
}
# Defaults that differ between the two kinds of family.
_IMAGE_TO_IMAGE_DEFAULTS = dict(
    image_size=256, channels=3, epochs=200, batch_size=1, filters=64, num_blocks=9
)
_GENERATOR_DEFAULTS = dict(
    epochs=50, batch_size=64, num_labelled=100, encoder_epochs=10
)
# Beyond this many classes the per-epoch grid is a plain 8x8 one.
_MAX_GRID_CLASSES = 10
SAMPLE_INPUTS = 4  # training inputs whose translations --tensorboard shows

TRAIN_EXAMPLES = """examples:
  # DCGAN on a folder of images, resized to 64x64 RGB
  ganzoo train dcgan --images faces/ --image-size 64 --epochs 50 --out my_dcgan
  # a conditional family: one sub-folder per class (animals/cat, animals/dog, ...)
  ganzoo train conditionaldcgan --images animals/ --image-size 32 --out my_cdcgan
  # the bundled 5,000 MNIST digits (offline), or the full MNIST from a local copy
  ganzoo train cgan --dataset mnist_5k --epochs 150 --out my_cgan
  ganzoo train wgangp --dataset mnist --mnist-path mnist.npz --out my_wgangp
  # sizes: --latent-dim, --filters, or any constructor argument with --option
  ganzoo train stackedgan --dataset mnist_5k --option z0_dim=16 --out my_stackedgan
  ganzoo train sgan --dataset mnist_5k --num-labelled 100 --out my_sgan
  # pix2pix on side-by-side pairs (A left, B right), as its archives store them
  ganzoo train pix2pix --paired facades/train --direction b_to_a --out facades_preset
  # pix2pix on two folders whose files match by name
  ganzoo train pix2pix --a edges/ --b photos/ --image-size 128 --out my_pix2pix
  # CycleGAN on two unpaired folders
  ganzoo train cyclegan --a horses/ --b zebras/ --epochs 200 --out my_cyclegan
  # the same, watched in TensorBoard (losses, translations of training images)
  ganzoo train cyclegan --a horses/ --b zebras/ --out my_cyclegan \\
      --tensorboard logs/horses   # then: tensorboard --logdir logs
"""


def family(text):
    """argparse `type=`: a family name, any case, `_` and `-` ignored.

    Example:
        >>> family("Conditional_DCGAN")
        'conditionaldcgan'
    """
    key = text.lower().replace("_", "").replace("-", "")
    if key not in GENERATORS and key not in IMAGE_TO_IMAGE:
        choices = ", ".join([*GENERATORS, *IMAGE_TO_IMAGE])
        raise argparse.ArgumentTypeError(f"unknown family {text!r}; one of {choices}")
    return key


def add_command(sub):
    """Adds the `train` sub-command to `sub`.

    Args:
        sub: The sub-parsers action of the `ganzoo` parser
            (`parser.add_subparsers(...)`).
    """
    positive = checks.positive
    p = sub.add_parser(
        "train",
        help="train any family on images and write a preset",
        description="Trains a model family and writes a preset folder that "
        "`ganzoo sample`, `ganzoo translate` and `from_preset` load. "
        "Generators train on --images (families with labels: one "
        "sub-folder per class, class ids in sorted order of the folder "
        "names, kept in the preset's metadata.json as class_names) or "
        "--dataset; Pix2Pix and CycleGAN on --paired or --a/--b folders "
        "with the papers' preprocessing (resize to --load-size, random crop "
        "to --image-size, random flip). Keras's progress bar shows each "
        "epoch. Generators write a sample grid after each epoch and back "
        "up to a checkpoint folder after each epoch: run the same command "
        "again after an interruption and it resumes from the last epoch.",
        epilog=TRAIN_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "family",
        type=family,
        metavar="FAMILY",
        help=f"one of {', '.join([*GENERATORS, *IMAGE_TO_IMAGE])} (the class "
        "name, any case)",
    )
    p.add_argument("--out", required=True, help="preset folder to write")
    g = p.add_argument_group("generators (every family but pix2pix and cyclegan)")
    g.add_argument(
        "--images",
        metavar="FOLDER",
        help="folder of training images (families with labels: one "
        "sub-folder per class)",
    )
    g.add_argument(
        "--dataset",
        help="mnist_5k (5,000 digits bundled, offline), or mnist, "
        "fashion_mnist, cifar10 (downloaded by keras.datasets)",
    )
    g.add_argument(
        "--mnist-path",
        metavar="FILE",
        help="--dataset mnist: a local copy of keras's mnist.npz, read "
        "instead of downloading (default $GANZOO_MNIST_PATH)",
    )
    g.add_argument("--latent-dim", type=positive, help="size of the noise vector")
    g.add_argument(
        "--option",
        dest="options",
        action="append",
        metavar="NAME=VALUE",
        help="any other argument of the family's constructor, e.g. "
        "--option z0_dim=16 or --option ema_decay=0.999 (the value is read "
        "as JSON, else as a string); repeatable",
    )
    g.add_argument(
        "--num-labelled",
        "--num-labeled",
        type=positive,
        help="sgan: images that keep their label, spread evenly over the "
        "classes; the others train unlabelled (default "
        f"{_GENERATOR_DEFAULTS['num_labelled']})",
    )
    g.add_argument(
        "--encoder-epochs",
        type=positive,
        help="stackedgan: epochs of the encoder's training before the GANs' "
        f"(default {_GENERATOR_DEFAULTS['encoder_epochs']})",
    )
    g.add_argument(
        "--samples",
        metavar="FOLDER",
        help="folder of the sample grid written after each epoch (default "
        "OUT_samples beside --out)",
    )
    g = p.add_argument_group("image-to-image (pix2pix, cyclegan)")
    g.add_argument("--paired", help="pix2pix: folder of side-by-side A|B images")
    g.add_argument("--a", help="folder of domain A images")
    g.add_argument("--b", help="folder of domain B images")
    g.add_argument(
        "--direction",
        choices=("a_to_b", "b_to_a"),
        help="pix2pix: which side is the input (default a_to_b)",
    )
    g.add_argument(
        "--load-size", type=positive, help="resize before cropping (default +12%%)"
    )
    g.add_argument(
        "--num-blocks",
        type=positive,
        help="ResNet blocks (CycleGAN; default "
        f"{_IMAGE_TO_IMAGE_DEFAULTS['num_blocks']})",
    )
    g = p.add_argument_group("both")
    g.add_argument(
        "--image-size",
        type=positive,
        help="side of the square images (default 64 for --images, the "
        "dataset's for --dataset, 256 for pix2pix and cyclegan)",
    )
    g.add_argument(
        "--channels",
        type=int,
        choices=(1, 3),
        help="1 (greyscale) or 3 (RGB; default, except for --dataset)",
    )
    g.add_argument(
        "--epochs",
        type=positive,
        help=f"default {_GENERATOR_DEFAULTS['epochs']}, "
        f"{_IMAGE_TO_IMAGE_DEFAULTS['epochs']} for pix2pix and cyclegan",
    )
    g.add_argument(
        "--batch-size",
        type=positive,
        help=f"default {_GENERATOR_DEFAULTS['batch_size']}, "
        f"{_IMAGE_TO_IMAGE_DEFAULTS['batch_size']} for pix2pix and cyclegan",
    )
    g.add_argument(
        "--filters",
        type=positive,
        help="channels of the networks' outer convolutions (default: the "
        f"family's; {_IMAGE_TO_IMAGE_DEFAULTS['filters']} for pix2pix and "
        "cyclegan)",
    )
    g.add_argument("--seed", type=checks.seed, default=0, help="default 0")
    g.add_argument(
        "--checkpoint-dir",
        help="resume from and back up to this folder (keras BackupAndRestore; "
        "default for generators: OUT_checkpoint beside --out, removed when "
        "training ends)",
    )
    g.add_argument(
        "--tensorboard",
        metavar="LOG_DIR",
        help="write the losses and the sample grid (for pix2pix and "
        "cyclegan: translations of a few training images) after each epoch "
        "to this TensorBoard log folder (needs the tensorboard package)",
    )
    p.set_defaults(run=cmd_train)


def cmd_train(args):
    """Runs `ganzoo train`; returns the exit status.

    Under `torchrun` (PyTorch), or with a `TF_CONFIG` that names several
    tasks (TensorFlow's `MultiWorkerMirroredStrategy`), every process joins
    the others and trains its share (`--batch-size` is each process's);
    only the first writes grids and the preset, and each backs up to its
    own sub-folder of the checkpoint folder.
    """
    from ganzoo import backend

    _, processes = backend.join_launched_processes()
    if processes > 1 and args.family in IMAGE_TO_IMAGE:
        raise ValueError(
            f"`ganzoo train {args.family}` does not split its image folders "
            f"between processes, and this is one of {processes}: run it in "
            "one process, or call `fit` under torchrun from a script with a "
            "torch DataLoader and a DistributedSampler."
        )
    if args.family in IMAGE_TO_IMAGE:
        _refuse(args, _GENERATOR_OPTIONS, "generator families")
        _fill_defaults(args, _IMAGE_TO_IMAGE_DEFAULTS, direction="a_to_b")
        return _train_image_to_image(args)
    _refuse(args, _IMAGE_TO_IMAGE_OPTIONS, "pix2pix and cyclegan")
    _fill_defaults(args, _GENERATOR_DEFAULTS)
    return _train_generator(args)


def _refuse(args, options, who):
    for dest, flag in options.items():
        if getattr(args, dest) is not None:
            raise ValueError(
                f"{flag} applies to {who} only, not to {args.family}. "
                "`ganzoo train --help` lists the options of each."
            )


def _fill_defaults(args, defaults, **more):
    for dest, value in {**defaults, **more}.items():
        if getattr(args, dest, None) is None:
            setattr(args, dest, value)


def check_outputs(args, checkpoint_dir, more=()):
    """Fails before any work on an unwritable --out, checkpoint or log folder.

    Args:
        args: The parsed arguments (`out`, `tensorboard`).
        checkpoint_dir: The checkpoint folder, or None.
        more: `(option, folder)` pairs of other folders to be written.
    """
    import importlib.util

    from ganzoo.presets.preset_io import METADATA_FILE

    checks.writable_folder(args.out, "--out")
    if (
        os.path.isdir(args.out)
        and os.listdir(args.out)
        and not os.path.isfile(os.path.join(args.out, METADATA_FILE))
    ):
        raise ValueError(
            f"--out {args.out!r} holds files and is not a ganzoo preset, which "
            "the new preset would replace. Give a new folder."
        )
    if checkpoint_dir:
        checks.writable_folder(checkpoint_dir, "--checkpoint-dir")
    for option, folder in more:
        checks.writable_folder(folder, option)
    if args.tensorboard:
        checks.writable_folder(args.tensorboard, "--tensorboard")
        if importlib.util.find_spec("tensorboard") is None:
            raise ValueError(
                "--tensorboard needs the tensorboard package: "
                "`pip install tensorboard`."
            )


def fit_and_save(
    model, args, fit_args, steps_per_epoch, checkpoint_dir, grid=None, metadata=None
):
    """Fits with the progress bar, backups and sample grids; writes the preset.

    Args:
        model: A compiled ganzoo model.
        args: The parsed arguments (`epochs`, `out`, `tensorboard`).
        fit_args: Dict of the data arguments of `fit` (`x`, `y`,
            `batch_size`).
        steps_per_epoch: Training steps of one epoch, for the metadata.
        checkpoint_dir: Folder of `keras.callbacks.BackupAndRestore`, or None.
        grid: Optional dict of `ganzoo.SampleGrid` arguments; with no
            `directory`, the grid is written only to TensorBoard.
        metadata: Optional dict added to the preset's `metadata.json`.

    Returns:
        0, the exit status.
    """
    import keras

    import ganzoo
    from ganzoo.cli.progress import FirstStepNotice

    rank, processes = ganzoo.backend.processes()
    if "batch_size" in fit_args:
        batch_size = ganzoo.backend.fit_batch_size(fit_args["batch_size"])
        fit_args = dict(fit_args, batch_size=batch_size)
    shared_checkpoint_dir = checkpoint_dir
    callbacks = []
    if checkpoint_dir:
        if processes > 1:  # each process restores its own state
            checkpoint_dir = os.path.join(checkpoint_dir, f"rank{rank}")
        callbacks.append(keras.callbacks.BackupAndRestore(checkpoint_dir))
    board = None
    if args.tensorboard:
        board = keras.callbacks.TensorBoard(args.tensorboard)
        callbacks.append(board)
    if grid is not None and (grid.get("directory") or board is not None):
        callbacks.append(ganzoo.SampleGrid(tensorboard=board, **grid))
    if rank == 0:
        callbacks.append(FirstStepNotice())
    try:
        model.fit(
            **fit_args,
            epochs=args.epochs,
            callbacks=callbacks,
            verbose=1 if rank == 0 else 0,
        )
    except KeyboardInterrupt:
        if checkpoint_dir and os.path.isdir(checkpoint_dir):
            print(
                f"The last finished epoch is backed up in {checkpoint_dir}: "
                "run the same command again to resume from it.",
                file=sys.stderr,
            )
        raise
    if checkpoint_dir != shared_checkpoint_dir:
        # Keras removed this process's backup; the last one out removes
        # the folder that held them.
        with contextlib.suppress(OSError):
            os.rmdir(shared_checkpoint_dir)
    command = "ganzoo " + " ".join(sys.argv[1:])
    folder = model.save_to_preset(
        args.out,
        metadata={
            "description": f"{type(model).__name__} trained with `ganzoo train`.",
            "recipe": command,
            # Each step takes a batch from every process.
            "training_steps": args.epochs * math.ceil(steps_per_epoch / processes),
            **(metadata or {}),
        },
    )
    if rank == 0:
        print(f"Wrote the preset {folder}")
    return 0


def _train_generator(args):
    out = os.path.normpath(args.out)
    checkpoint_dir = args.checkpoint_dir or f"{out}_checkpoint"
    samples = args.samples or f"{out}_samples"
    if args.images:
        checks.existing_folder(args.images, "--images")
    check_outputs(args, checkpoint_dir, [("--samples", samples)])
    options = train_data.parse_options(args.options)
    import ganzoo

    cls = getattr(ganzoo, GENERATORS[args.family])
    accepted = train_data.constructor_arguments(cls)
    data = train_data.load(args, labelled="num_classes" in accepted)
    model = cls(**train_data.model_arguments(args, accepted, options, data))
    x, y = data.images, data.labels
    if args.family == "sgan":
        x, y = train_data.semi_supervised(data, args.num_labelled, args.seed)
    if args.family == "stackedgan" and not train_data.restore_if_backed_up(
        model, checkpoint_dir
    ):
        model.pretrain_encoder(
            x, y, epochs=args.encoder_epochs, batch_size=args.batch_size, verbose=1
        )
    model.compile()
    num_images = 64
    if (
        data.num_classes
        and data.num_classes <= _MAX_GRID_CLASSES
        and args.family != "sgan"
    ):
        # Labels cycle through the classes, so each column is one class.
        num_images = data.num_classes**2
    metadata = {"dataset": data.source}
    if data.class_names is not None:
        metadata["class_names"] = data.class_names
    if args.family == "sgan":
        metadata["num_labelled"] = args.num_labelled
    return fit_and_save(
        model,
        args,
        {"x": x, "y": y, "batch_size": args.batch_size},
        math.ceil(len(x) / args.batch_size),
        checkpoint_dir,
        grid={"directory": samples, "num_images": num_images},
        metadata=metadata,
    )


def _train_image_to_image(args):
    for option, folder in (("--paired", args.paired), ("--a", args.a), ("--b", args.b)):
        if folder:
            checks.existing_folder(folder, option)
    check_outputs(args, args.checkpoint_dir)
    import ganzoo

    data = _image_to_image_data(args)
    shape = (args.image_size, args.image_size, args.channels)
    if args.family == "pix2pix":
        model = ganzoo.Pix2Pix(image_shape=shape, filters=args.filters, seed=args.seed)
        model.compile()
    else:
        model = ganzoo.CycleGAN(
            image_shape=shape,
            filters=args.filters,
            num_blocks=args.num_blocks,
            seed=args.seed,
        )
        model.compile(total_steps=args.epochs * len(data))
    grid = None
    if args.tensorboard:
        import numpy as np

        # A batch is ((inputs, targets),); batches may hold one image each.
        batches = range(min(len(data), SAMPLE_INPUTS))
        inputs = np.concatenate([data[i][0][0] for i in batches])[:SAMPLE_INPUTS]
        grid = {"directory": None, "inputs": inputs}
    return fit_and_save(
        model, args, {"x": data}, len(data), args.checkpoint_dir, grid=grid
    )


def _image_to_image_data(args):
    from ganzoo.datasets import PairedImages
    from ganzoo.datasets import UnpairedImages

    options = dict(
        batch_size=args.batch_size,
        crop_size=args.image_size,
        load_size=args.load_size or int(round(args.image_size * 286 / 256)),
        channels=args.channels,
        seed=args.seed,
    )
    if args.load_size is not None and args.load_size < args.image_size:
        raise ValueError(
            "--load-size must be at least --image-size. Received: "
            f"--load-size {args.load_size}, --image-size {args.image_size}"
        )
    if args.family == "pix2pix":
        if args.paired and (args.a or args.b):
            raise ValueError("Give either --paired or --a and --b, not both.")
        if args.paired:
            return PairedImages(args.paired, direction=args.direction, **options)
        if not (args.a and args.b):
            raise ValueError("pix2pix needs --paired DIR, or --a DIR and --b DIR.")
        return PairedImages(args.a, args.b, direction=args.direction, **options)
    if args.paired or not (args.a and args.b):
        raise ValueError("cyclegan needs two unpaired folders: --a DIR --b DIR.")
    return UnpairedImages(args.a, args.b, **options)
