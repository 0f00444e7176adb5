"""The `ganzoo` command: presets, info, sample, evaluate, translate, train.

Runs on the backend `KERAS_BACKEND` names. User mistakes (an unknown
preset, a bad number) print one line and exit with status 2.
"""

import argparse
import json
import os
import sys

from ganzoo import cli_translation

EXAMPLES = """examples:
  ganzoo presets
  ganzoo info dcgan_mnist
  ganzoo sample dcgan_mnist --num-images 64 --seed 0 --out digits.png
  ganzoo evaluate dcgan_mnist --against real_pngs/ --save-stats real.npz
  ganzoo evaluate generated_pngs/ --against real.npz --metric fid
  ganzoo translate pix2pix_edges_to_digits outlines/ --out digits/
  ganzoo train cyclegan --a horses/ --b zebras/ --out my_cyclegan
"""

DEFAULT_GENERATED = 10000


def cmd_presets(args):
    import ganzoo

    rows = ganzoo.list_presets(args.family)
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
    from ganzoo.presets.resolve import resolve

    folder, _ = resolve(args.preset)
    with open(os.path.join(folder, CARD_FILE)) as f:
        print(f.read())
    print(f"Folder: {folder}")
    return 0


def cmd_sample(args):
    import ganzoo

    model = ganzoo.from_preset(args.preset)
    if not hasattr(model, "generate"):
        raise ValueError(f"Preset {args.preset!r} is not a generator.")
    images = model.generate(args.num_images, seed=args.seed)
    path = ganzoo.images.save_grid(images, args.out)
    print(f"Wrote {args.num_images} samples of {args.preset} to {path}")
    return 0


def _evaluation_source(handle):
    """A folder of images stays a path; anything else is loaded as a preset."""
    from ganzoo.presets.preset_io import CONFIG_FILE

    if os.path.isdir(handle) and not os.path.isfile(os.path.join(handle, CONFIG_FILE)):
        return handle
    import ganzoo

    model = ganzoo.from_preset(handle)
    if not hasattr(model, "generate"):
        raise ValueError(f"Preset {handle!r} is not a generator.")
    return model


def cmd_evaluate(args):
    from ganzoo.metrics import standard

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


def build_parser():
    parser = argparse.ArgumentParser(
        prog="ganzoo",
        description="GAN presets on any Keras backend (KERAS_BACKEND).",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("presets", help="list presets and their measured figures")
    p.add_argument("--family", help="only this class, e.g. dcgan")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(run=cmd_presets)
    p = sub.add_parser("info", help="show a preset's model card")
    p.add_argument("preset", help="name, folder, or hf://owner/repo")
    p.set_defaults(run=cmd_info)
    p = sub.add_parser("sample", help="write a PNG grid of samples")
    p.add_argument("preset", help="name, folder, or hf://owner/repo")
    p.add_argument("--num-images", type=_positive, default=64)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", default="samples.png", help="PNG path")
    p.set_defaults(run=cmd_sample)
    p = sub.add_parser(
        "evaluate",
        help="FID, IS or KID on the FID Inception network",
        description="FID, Inception Score or KID of a preset's samples or a "
        "folder of images, with the reference preprocessing. The Inception "
        "weights are downloaded on first use.",
    )
    p.add_argument("source", help="preset name or folder, or a folder of images")
    p.add_argument(
        "--against", help="reference: folder of images or statistics .npz (FID)"
    )
    p.add_argument("--metric", choices=("fid", "is", "kid"), default="fid")
    p.add_argument(
        "--num-images",
        type=_positive,
        help=f"images to use (default: all of a folder, {DEFAULT_GENERATED} "
        "samples of a preset)",
    )
    p.add_argument("--batch-size", type=_positive, default=50)
    p.add_argument("--seed", type=int, default=0, help="seed of a preset's samples")
    p.add_argument(
        "--resize",
        choices=("legacy_tf", "clean"),
        default="legacy_tf",
        help="legacy_tf: the reference FID/IS resize; clean: clean-fid's",
    )
    p.add_argument("--save-stats", help="write the reference's statistics (.npz)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(run=cmd_evaluate)
    cli_translation.add_commands(sub, _positive)
    return parser


def _positive(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {value}")
    return value


def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except (ValueError, TypeError, FileNotFoundError, OSError) as error:
        print(f"ganzoo {args.command}: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
