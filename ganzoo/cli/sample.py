"""`ganzoo sample`: a PNG grid of a generator preset's samples.

`--labels` chooses the classes of a conditional preset (CGAN,
ConditionalDCGAN, ACGAN, StackedGAN), `--category` and `--continuous` the
codes of an InfoGAN. Several labels or categories make a grid with one row
each.
"""

import argparse
import inspect

import numpy as np

from ganzoo.cli import checks

DEFAULT_NUM_IMAGES = 64
DEFAULT_PER_ROW = 10

SAMPLE_EXAMPLES = """examples:
  ganzoo sample dcgan_mnist --out digits.png
  ganzoo sample cdcgan_mnist --seed 3 --out grid.png      # one row per digit
  ganzoo sample cgan_mnist --labels 7 --num-images 16 --out sevens.png
  ganzoo sample acgan_mnist --labels 0,1,2 --out rows.png
  ganzoo sample infogan_mnist --category 0,1,2,3 --continuous 1,0 --out codes.png
  ganzoo sample my_presets/dcgan/ --num-images 16 --out small.jpg
"""


def add_command(sub):
    """Adds the `sample` sub-command to `sub`, the `ganzoo` sub-parsers."""
    p = sub.add_parser(
        "sample",
        help="write a PNG grid of samples",
        description="Generates images with a generator preset and writes them "
        "as one grid image. The same --seed gives the same images on every "
        "backend.",
        epilog=SAMPLE_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("preset", help="name, folder, or hf://owner/repo")
    p.add_argument(
        "--num-images",
        type=checks.positive,
        help=f"default {DEFAULT_NUM_IMAGES}; a grid of one row per class or "
        f"category: {DEFAULT_PER_ROW} per row",
    )
    p.add_argument("--seed", type=checks.seed, default=0, help="default 0")
    p.add_argument(
        "--out", default="samples.png", help="image path (default samples.png)"
    )
    add_options(p)
    p.set_defaults(run=cmd_sample)


def cmd_sample(args):
    """Runs `ganzoo sample`; returns the exit status."""
    checks.image_file(args.out, "--out")
    import ganzoo

    model = ganzoo.from_preset(args.preset)
    if not hasattr(model, "generate"):
        hint = ""
        if hasattr(model, "translate"):
            hint = "; use `ganzoo translate` for image-to-image presets"
        raise ValueError(
            f"Preset {args.preset!r} is a {type(model).__name__}, not a "
            f"generator{hint}."
        )
    images, columns = generate(model, args)
    path = ganzoo.images.save_grid(images, args.out, columns=columns)
    print(f"Wrote {len(images)} samples of {args.preset} to {path}")
    return 0


def add_options(parser):
    """Adds `--labels`, `--category` and `--continuous` to `parser`."""
    parser.add_argument(
        "--labels",
        help="conditional presets: class ids, or the class names of the "
        "preset's metadata, comma-separated (e.g. 7 or 0,1,2). Several make "
        "one row each; default: every class, one row each",
    )
    parser.add_argument(
        "--category",
        help="InfoGAN: values of the categorical code, comma-separated; "
        "several make one row each (default: drawn at random)",
    )
    parser.add_argument(
        "--continuous",
        metavar="VALUES",
        help="InfoGAN: the continuous codes of every image, comma-separated, "
        "one per code (training draws them from [-1, 1])",
    )


def generate(model, args):
    """Generates the images `ganzoo sample` writes.

    Args:
        model: A loaded generator preset.
        args: The parsed arguments (`preset`, `num_images`, `seed`,
            `labels`, `category`, `continuous`).

    Returns:
        Tuple `(images, columns)`: the images, and the images per row of
        the grid (None for a square grid).
    """
    takes = inspect.signature(model.generate).parameters
    kind = type(model).__name__
    for option, value, argument, hint in (
        ("--labels", args.labels, "labels", "; its codes are --category"),
        ("--category", args.category, "categorical", ""),
        ("--continuous", args.continuous, "continuous", ""),
    ):
        if value is not None and argument not in takes:
            hint = hint if "categorical" in takes else ""
            raise ValueError(
                f"{option} applies to presets whose generator takes {argument}; "
                f"{args.preset!r} is a {kind}, whose generator does not{hint}."
            )
    options = {}
    if args.continuous is not None:
        options["continuous"] = _numbers(args.continuous, "--continuous", float)
    rows = None
    if "labels" in takes:
        rows = range(model.num_classes)
        if args.labels is not None:
            rows = _labels(args.labels, model.num_classes, args.preset)
        argument = "labels"
    elif args.category is not None:
        rows = _numbers(args.category, "--category", int)
        argument = "categorical"
    if rows is None:
        num_images = args.num_images or DEFAULT_NUM_IMAGES
        return model.generate(num_images, seed=args.seed, **options), None
    if len(rows) == 1:
        num_images = args.num_images or DEFAULT_NUM_IMAGES
        options[argument] = np.full(num_images, rows[0])
        columns = None
    else:
        columns = max(1, (args.num_images or DEFAULT_PER_ROW * len(rows)) // len(rows))
        options[argument] = np.repeat(np.asarray(rows), columns)
        num_images = columns * len(rows)
    return model.generate(num_images, seed=args.seed, **options), columns


def _numbers(text, option, kind):
    try:
        return [kind(item) for item in text.split(",")]
    except ValueError:
        raise ValueError(
            f"{option} takes comma-separated {kind.__name__} values, e.g. "
            f"{option} 0,1,2. Received: {option} {text!r}"
        ) from None


def _labels(text, num_classes, preset):
    """Class ids from ids or class names; raises ValueError naming the range."""
    ids = []
    for item in text.split(","):
        item = item.strip()
        if item.lstrip("-").isdigit():
            label = int(item)
        else:
            names = _class_names(preset)
            if item not in names:
                known = (
                    f"the class names of this preset: {', '.join(names)}"
                    if names
                    else "this preset has no class names in its metadata"
                )
                raise ValueError(
                    f"--labels takes class ids 0 to {num_classes - 1} or class "
                    f"names ({known}). Received: {item!r}"
                )
            label = names.index(item)
        if not 0 <= label < num_classes:
            raise ValueError(
                f"--labels: class ids of this preset are 0 to {num_classes - 1}. "
                f"Received: {label}"
            )
        ids.append(label)
    return ids


def _class_names(preset):
    """The `class_names` of a preset's metadata (`ganzoo train` writes them)."""
    from ganzoo.presets.preset_io import read_metadata
    from ganzoo.presets.resolve import resolve

    return read_metadata(resolve(preset)[0]).get("class_names") or []
