"""The `ganzoo` command: presets, info, sample, evaluate, translate, train, export.

Runs on the backend `KERAS_BACKEND` names. User mistakes (an unknown
preset, a bad number, a missing file, an unwritable output) print one line
on stderr and exit with status 2; unexpected failures exit with status 1
and a traceback.
"""

import argparse
import json
import os
import sys

from ganzoo import cli_checks
from ganzoo import cli_export
from ganzoo import cli_sample
from ganzoo import cli_train
from ganzoo import cli_translation

EXAMPLES = """examples:
  ganzoo presets
  ganzoo info dcgan_mnist
  ganzoo sample dcgan_mnist --num-images 64 --seed 0 --out digits.png
  ganzoo evaluate dcgan_mnist --against real_pngs/ --save-stats real.npz
  ganzoo evaluate generated_pngs/ --against real.npz --metric fid
  ganzoo translate pix2pix_edges_to_digits outlines/ --out digits/
  ganzoo train dcgan --images faces/ --image-size 64 --out my_dcgan
  ganzoo train cyclegan --a horses/ --b zebras/ --out my_cyclegan
  ganzoo export dcgan_mnist --format onnx --out dcgan.onnx

`ganzoo COMMAND --help` describes each command, with examples.

exit status:
  0    success
  1    unexpected failure (a traceback is printed)
  2    user error: a bad argument, an unknown preset, a missing or unreadable
       file, an output that cannot be written (one line on stderr)
  130  interrupted (Ctrl-C)
"""

PRESETS_EXAMPLES = """examples:
  ganzoo presets
  ganzoo presets --family cyclegan
  ganzoo presets --json > presets.json
"""

INFO_EXAMPLES = """examples:
  ganzoo info dcgan_mnist
  ganzoo info my_presets/dcgan/
  ganzoo info hf://owner/repo
"""

SAMPLE_EXAMPLES = """examples:
  ganzoo sample dcgan_mnist --out digits.png
  ganzoo sample cdcgan_mnist --seed 3 --out grid.png      # one row per digit
  ganzoo sample cgan_mnist --labels 7 --num-images 16 --out sevens.png
  ganzoo sample acgan_mnist --labels 0,1,2 --out rows.png
  ganzoo sample infogan_mnist --category 0,1,2,3 --continuous 1,0 --out codes.png
  ganzoo sample my_presets/dcgan/ --num-images 16 --out small.jpg
"""

EVALUATE_EXAMPLES = """examples:
  # FID of 10,000 samples against a folder of real images; keep its statistics
  ganzoo evaluate dcgan_mnist --against real_pngs/ --save-stats real.npz
  # FID of a folder of generated images against the saved statistics
  ganzoo evaluate generated_pngs/ --against real.npz
  ganzoo evaluate dcgan_mnist --against real_pngs/ --metric kid --num-images 2000
  ganzoo evaluate generated_pngs/ --metric is --json
"""

DEFAULT_GENERATED = 10000


def cmd_presets(args):
    import ganzoo

    rows = ganzoo.list_presets(args.family)
    if not rows:
        classes = sorted({row["class_name"] for row in ganzoo.list_presets()})
        raise ValueError(
            f"--family {args.family!r}: no preset of that class. Classes with "
            f"presets: {', '.join(classes)}."
        )
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    from ganzoo.presets.table import quality_summary

    header = ("name", "class", "params", "quality (held-out data)")
    table = [header]
    for row in rows:
        table.append(
            (
                row["name"],
                row["class_name"],
                f"{row['parameter_count']:,}" if "parameter_count" in row else "-",
                "authors' weights, downloaded on first use"
                if row.get("downloads_on_first_use")
                else quality_summary(row.get("metrics", {})),
            )
        )
    widths = [max(len(str(r[i])) for r in table) for i in range(len(header))]
    for r in table:
        print("  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)))
    return 0


def cmd_info(args):
    from ganzoo.presets.preset_io import CARD_FILE
    from ganzoo.presets.preset_io import read_metadata
    from ganzoo.presets.resolve import resolve

    folder, _ = resolve(args.preset)
    metadata = read_metadata(folder)  # a clear error for a non-preset folder
    card = os.path.join(folder, CARD_FILE)
    if os.path.isfile(card):
        with open(card) as f:
            print(f.read())
    else:
        print(json.dumps(metadata, indent=2))
    print(f"Folder: {folder}")
    return 0


def cmd_sample(args):
    cli_checks.image_file(args.out, "--out")
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
    images, columns = cli_sample.generate(model, args)
    path = ganzoo.images.save_grid(images, args.out, columns=columns)
    print(f"Wrote {len(images)} samples of {args.preset} to {path}")
    return 0


def _evaluation_source(handle):
    """A folder of images stays a path; anything else is loaded as a preset."""
    from ganzoo.presets.preset_io import CONFIG_FILE

    if os.path.isdir(handle) and not os.path.isfile(os.path.join(handle, CONFIG_FILE)):
        return handle
    if (os.sep in handle or handle.startswith(".")) and not os.path.exists(handle):
        raise FileNotFoundError(f"No folder of images or preset at {handle!r}.")
    import ganzoo

    model = ganzoo.from_preset(handle)
    if not hasattr(model, "generate"):
        raise ValueError(f"Preset {handle!r} is not a generator.")
    return model


def cmd_evaluate(args):
    from ganzoo.metrics import standard

    if args.save_stats:
        cli_checks.writable_file(args.save_stats, "--save-stats")
    source = _evaluation_source(args.source)
    num_images = args.num_images
    if num_images is None and not isinstance(source, str):
        num_images = DEFAULT_GENERATED
    extractor = standard.InceptionFeatures(
        resize=args.resize, batch_size=args.batch_size, progress=True
    )
    result = standard.compute_metric(
        args.metric,
        source,
        args.against,
        num_images=num_images,
        seed=args.seed,
        extractor=extractor,
        save_reference_statistics=args.save_stats,
    )
    if args.json:
        print(json.dumps(result.as_dict(), indent=2))
        return 0
    spread = "" if result.std is None else f" ± {result.std:.4g}"
    counts = f"{result.num_generated} images"
    if result.num_real is not None:
        counts += f" vs {result.num_real} reference"
    print(f"{result.metric}: {result.value:.4f}{spread} ({counts})")
    if args.save_stats:
        print(f"Wrote the reference statistics to {args.save_stats}")
    return 0


def _add_parser(sub, name, help, description, epilog):
    return sub.add_parser(
        name,
        help=help,
        description=description,
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def build_parser():
    """The `ganzoo` argument parser, with every sub-command."""
    parser = argparse.ArgumentParser(
        prog="ganzoo",
        description="GAN presets on any Keras backend (KERAS_BACKEND).",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p = _add_parser(
        sub,
        "presets",
        "list presets and their measured figures",
        "Lists the registered presets with their class, parameter count and "
        "the quality measured on held-out data.",
        PRESETS_EXAMPLES,
    )
    p.add_argument("--family", help="only presets of this class, e.g. dcgan")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(run=cmd_presets)
    p = _add_parser(
        sub,
        "info",
        "show a preset's model card",
        "Prints a preset's model card (training recipe, measured figures, "
        "files) and the local folder it was loaded from.",
        INFO_EXAMPLES,
    )
    p.add_argument("preset", help="name, folder, or hf://owner/repo")
    p.set_defaults(run=cmd_info)
    p = _add_parser(
        sub,
        "sample",
        "write a PNG grid of samples",
        "Generates images with a generator preset and writes them as one "
        "grid image. The same --seed gives the same images on every backend.",
        SAMPLE_EXAMPLES,
    )
    p.add_argument("preset", help="name, folder, or hf://owner/repo")
    p.add_argument(
        "--num-images",
        type=cli_checks.positive,
        help=f"default {cli_sample.DEFAULT_NUM_IMAGES}; a grid of one row per "
        f"class or category: {cli_sample.DEFAULT_PER_ROW} per row",
    )
    p.add_argument("--seed", type=cli_checks.seed, default=0, help="default 0")
    p.add_argument(
        "--out", default="samples.png", help="image path (default samples.png)"
    )
    cli_sample.add_options(p)
    p.set_defaults(run=cmd_sample)
    p = _add_parser(
        sub,
        "evaluate",
        "FID, IS or KID on the FID Inception network",
        "FID, Inception Score or KID of a preset's samples or a folder of "
        "images, with the reference preprocessing. The Inception weights are "
        "downloaded on first use.",
        EVALUATE_EXAMPLES,
    )
    p.add_argument("source", help="preset name or folder, or a folder of images")
    p.add_argument(
        "--against", help="reference: folder of images or statistics .npz (FID)"
    )
    p.add_argument("--metric", choices=("fid", "is", "kid"), default="fid")
    p.add_argument(
        "--num-images",
        type=cli_checks.positive,
        help=f"images to use (default: all of a folder, {DEFAULT_GENERATED} "
        "samples of a preset)",
    )
    p.add_argument("--batch-size", type=cli_checks.positive, default=50)
    p.add_argument(
        "--seed", type=cli_checks.seed, default=0, help="seed of a preset's samples"
    )
    p.add_argument(
        "--resize",
        choices=("legacy_tf", "clean"),
        default="legacy_tf",
        help="legacy_tf: the reference FID/IS resize; clean: clean-fid's",
    )
    p.add_argument("--save-stats", help="write the reference's statistics (.npz)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(run=cmd_evaluate)
    cli_translation.add_command(sub)
    cli_train.add_command(sub)
    cli_export.add_command(sub)
    return parser


def main(argv=None):
    """Runs the `ganzoo` command; returns its exit status.

    Args:
        argv: Arguments without the program name (default `sys.argv[1:]`).

    Returns:
        0 on success, 2 after a user mistake (printed as one line on
        stderr). Bad arguments exit through `SystemExit(2)`, as argparse
        does.

    Example:
        >>> main(["presets", "--family", "dcgan"])  # doctest: +SKIP
        0
    """
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except BrokenPipeError:
        # The reader of stdout went away (`ganzoo presets | head`).
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except KeyboardInterrupt:
        print(f"ganzoo {args.command}: interrupted", file=sys.stderr)
        return 130
    except (ValueError, TypeError, OSError) as error:
        print(f"ganzoo {args.command}: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
