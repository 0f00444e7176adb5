"""The `ganzoo` command: list presets, show one, sample from one.

Runs on the backend `KERAS_BACKEND` names. User mistakes (an unknown
preset, a bad number) print one line and exit with status 2.
"""

import argparse
import json
import os
import sys

EXAMPLES = """examples:
  ganzoo presets
  ganzoo info dcgan_mnist
  ganzoo sample dcgan_mnist --num-images 64 --seed 0 --out digits.png
"""


def cmd_presets(args):
    import ganzoo

    rows = ganzoo.list_presets(args.family)
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    from ganzoo.presets.table import quality_summary

    header = ("name", "class", "params", "quality (held-out digits)")
    table = [header]
    for row in rows:
        table.append(
            (
                row["name"],
                row["class_name"],
                f"{row['parameter_count']:,}" if "parameter_count" in row else "-",
                quality_summary(row.get("metrics", {})),
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
