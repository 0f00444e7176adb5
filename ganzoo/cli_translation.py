"""`ganzoo translate` and `ganzoo train`: the image-to-image commands.

`translate` runs a Pix2Pix or CycleGAN preset on image files and writes the
translations as PNG files; `train` trains one on folders of images and
writes a preset. Both are registered by `ganzoo.cli.build_parser`.
"""

import argparse
import importlib.util
import os
import sys

import numpy as np

from ganzoo import cli_checks

SAMPLE_INPUTS = 4  # training inputs whose translations --tensorboard shows

TRANSLATE_EXAMPLES = """examples:
  ganzoo translate pix2pix_edges_to_digits outline.png outlines/ --out digits/
  ganzoo translate cyclegan_horse2zebra horses/ --out zebras/
  ganzoo translate my_cyclegan/ zebras/ --direction b_to_a --out horses/
"""

TRAIN_EXAMPLES = """examples:
  # pix2pix on side-by-side pairs (A left, B right), as its archives store them
  ganzoo train pix2pix --paired facades/train --direction b_to_a --out facades_preset
  # pix2pix on two folders whose files match by name
  ganzoo train pix2pix --a edges/ --b photos/ --image-size 128 --out my_pix2pix
  # CycleGAN on two unpaired folders
  ganzoo train cyclegan --a horses/ --b zebras/ --epochs 200 --out my_cyclegan
  # the same, watched in TensorBoard (losses, translations of training images)
  ganzoo train cyclegan --a horses/ --b zebras/ --out my_cyclegan \
      --tensorboard logs/horses   # then: tensorboard --logdir logs
"""


def add_commands(sub):
    """Adds the `translate` and `train` sub-commands to `sub`.

    Args:
        sub: The sub-parsers action of the `ganzoo` parser
            (`parser.add_subparsers(...)`).
    """
    positive = cli_checks.positive
    formatter = argparse.RawDescriptionHelpFormatter
    p = sub.add_parser(
        "translate",
        help="translate image files with a Pix2Pix or CycleGAN preset",
        description="Translates images (files or folders of them) with an "
        "image-to-image preset and writes PNG files of the preset's image "
        "size, named after the inputs. Inputs of another size or number of "
        "channels are resized (bicubic) and converted.",
        epilog=TRANSLATE_EXAMPLES,
        formatter_class=formatter,
    )
    p.add_argument("preset", help="name, folder, or hf://owner/repo")
    p.add_argument("inputs", nargs="+", help="image files or folders of images")
    p.add_argument("--out", required=True, help="folder for the translations")
    p.add_argument(
        "--direction",
        choices=("a_to_b", "b_to_a"),
        help="CycleGAN only (default a_to_b)",
    )
    p.add_argument("--batch-size", type=positive, default=16)
    p.set_defaults(run=cmd_translate)

    p = sub.add_parser(
        "train",
        help="train Pix2Pix or CycleGAN on image folders and write a preset",
        description="Trains Pix2Pix (paired images) or CycleGAN (unpaired) "
        "with the papers' preprocessing (resize to --load-size, random crop "
        "to --image-size, random flip) and writes a preset folder. Keras's "
        "progress bar shows each epoch.",
        epilog=TRAIN_EXAMPLES,
        formatter_class=formatter,
    )
    p.add_argument("family", choices=("pix2pix", "cyclegan"))
    p.add_argument("--paired", help="pix2pix: folder of side-by-side A|B images")
    p.add_argument("--a", help="folder of domain A images")
    p.add_argument("--b", help="folder of domain B images")
    p.add_argument(
        "--direction",
        choices=("a_to_b", "b_to_a"),
        default="a_to_b",
        help="pix2pix: which side is the input (default a_to_b)",
    )
    p.add_argument("--out", required=True, help="preset folder to write")
    p.add_argument("--image-size", type=positive, default=256)
    p.add_argument(
        "--load-size", type=positive, help="resize before cropping (default +12%%)"
    )
    p.add_argument("--channels", type=int, choices=(1, 3), default=3)
    p.add_argument("--epochs", type=positive, default=200)
    p.add_argument("--batch-size", type=positive, default=1)
    p.add_argument("--filters", type=positive, default=64)
    p.add_argument(
        "--num-blocks", type=positive, default=9, help="ResNet blocks (CycleGAN)"
    )
    p.add_argument("--seed", type=cli_checks.seed, default=0)
    p.add_argument(
        "--checkpoint-dir",
        help="resume from and back up to this folder (keras BackupAndRestore)",
    )
    p.add_argument(
        "--tensorboard",
        metavar="LOG_DIR",
        help="write the losses and translations of a few training images "
        "after each epoch to this TensorBoard log folder (needs the "
        "tensorboard package)",
    )
    p.set_defaults(run=cmd_train)


def cmd_translate(args):
    paths = _image_paths(args.inputs)
    cli_checks.writable_folder(args.out, "--out")
    import ganzoo
    from ganzoo.datasets import image_folders

    model = ganzoo.from_preset(args.preset)
    if not hasattr(model, "translate"):
        raise ValueError(
            f"Preset {args.preset!r} is not an image-to-image model (Pix2Pix "
            "or CycleGAN); use `ganzoo sample` for generators."
        )
    options = {}
    if args.direction is not None:
        if not isinstance(model, ganzoo.CycleGAN):
            raise ValueError(
                f"--direction applies to CycleGAN presets; {args.preset!r} is "
                f"a {type(model).__name__}."
            )
        options["direction"] = args.direction
    height, width, channels = model.image_shape
    if args.direction == "b_to_a":
        channels = model.target_shape[-1]
    names = _output_names(paths)
    for start in range(0, len(paths), args.batch_size):
        chunk = paths[start : start + args.batch_size]
        images = np.stack(
            [
                _fit_to(image_folders.read_image(path, channels), height, width)
                for path in chunk
            ]
        )
        translated = model.translate(images, batch_size=args.batch_size, **options)
        # Made only once there is something to write: an unreadable first
        # image leaves no empty folder behind.
        os.makedirs(args.out, exist_ok=True)
        for image, name in zip(translated, names[start:], strict=False):
            ganzoo.images.save_grid(image[None], os.path.join(args.out, name), 1, 0)
        print(
            f"\rtranslated {min(start + len(chunk), len(paths))}/{len(paths)}",
            end="",
            file=sys.stderr,
        )
    print(file=sys.stderr)
    print(f"Wrote {len(paths)} translations to {args.out}")
    return 0


def _image_paths(inputs):
    from ganzoo.datasets import image_folders

    paths = []
    for item in inputs:
        if os.path.isdir(item):
            paths.extend(image_folders.list_images(item, "inputs"))
        elif os.path.isfile(item):
            paths.append(item)
        else:
            raise FileNotFoundError(f"No image file or folder at {item!r}.")
    return paths


def _output_names(paths):
    """`<stem>.png` for each input; repeated stems get a numeric suffix."""
    names, seen = [], set()
    for path in paths:
        stem = os.path.splitext(os.path.basename(path))[0]
        name, n = f"{stem}.png", 1
        while name in seen:
            name, n = f"{stem}_{n}.png", n + 1
        seen.add(name)
        names.append(name)
    return names


def _fit_to(image, height, width):
    """A uint8 image resized (bicubic) to the model's size, in [-1, 1]."""
    from PIL import Image

    from ganzoo.images import from_uint8

    if image.shape[:2] != (height, width):
        squeezed = image[..., 0] if image.shape[-1] == 1 else image
        resized = Image.fromarray(squeezed).resize((width, height), Image.BICUBIC)
        image = np.asarray(resized).reshape(height, width, image.shape[-1])
    return from_uint8(image)


def cmd_train(args):
    _check_train_paths(args)
    import keras

    import ganzoo

    data = _training_data(args)
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
    callbacks = []
    if args.checkpoint_dir:
        callbacks.append(keras.callbacks.BackupAndRestore(args.checkpoint_dir))
    if args.tensorboard:
        board = keras.callbacks.TensorBoard(args.tensorboard)
        # A batch is ((inputs, targets),); batches may hold one image each.
        batches = range(min(len(data), SAMPLE_INPUTS))
        inputs = np.concatenate([data[i][0][0] for i in batches])[:SAMPLE_INPUTS]
        grid = ganzoo.SampleGrid(None, inputs=inputs, tensorboard=board)
        callbacks += [board, grid]
    model.fit(data, epochs=args.epochs, callbacks=callbacks, verbose=1)
    command = "ganzoo " + " ".join(sys.argv[1:])
    folder = model.save_to_preset(
        args.out,
        metadata={
            "description": f"{type(model).__name__} trained with `ganzoo train`.",
            "recipe": command,
            "training_steps": args.epochs * len(data),
        },
    )
    print(f"Wrote the preset {folder}")
    return 0


def _check_train_paths(args):
    """Fails before any work on a missing input or an unwritable output."""
    from ganzoo.presets.preset_io import METADATA_FILE

    for option, folder in (("--paired", args.paired), ("--a", args.a), ("--b", args.b)):
        if folder:
            cli_checks.existing_folder(folder, option)
    cli_checks.writable_folder(args.out, "--out")
    if (
        os.path.isdir(args.out)
        and os.listdir(args.out)
        and not os.path.isfile(os.path.join(args.out, METADATA_FILE))
    ):
        raise ValueError(
            f"--out {args.out!r} holds files and is not a ganzoo preset, which "
            "the new preset would replace. Give a new folder."
        )
    if args.checkpoint_dir:
        cli_checks.writable_folder(args.checkpoint_dir, "--checkpoint-dir")
    if args.tensorboard:
        cli_checks.writable_folder(args.tensorboard, "--tensorboard")
        if importlib.util.find_spec("tensorboard") is None:
            raise ValueError(
                "--tensorboard needs the tensorboard package: "
                "`pip install tensorboard`."
            )


def _training_data(args):
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
