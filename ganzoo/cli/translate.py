"""`ganzoo translate`: runs a Pix2Pix or CycleGAN preset on image files.

Writes the translations as PNG files; `ganzoo demo-inputs` writes example
inputs for the presets trained on an offline demo task.
"""

import argparse
import os
import sys

import numpy as np

from ganzoo.cli import checks

TRANSLATE_EXAMPLES = """examples:
  ganzoo translate pix2pix_edges_to_digits outline.png outlines/ --out digits/
  ganzoo translate cyclegan_horse2zebra horses/ --out zebras/
  ganzoo translate my_cyclegan/ zebras/ --direction b_to_a --out horses/
  # no images at hand: eight outlines of the offline demo task first
  ganzoo demo-inputs pix2pix_edges_to_digits --out outlines/
  ganzoo translate pix2pix_edges_to_digits outlines/ --out digits/
"""


def add_command(sub):
    """Adds the `translate` sub-command to `sub`.

    Args:
        sub: The sub-parsers action of the `ganzoo` parser
            (`parser.add_subparsers(...)`).
    """
    positive = checks.positive
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


def cmd_translate(args):
    paths = _image_paths(args.inputs)
    checks.writable_folder(args.out, "--out")
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
