"""`ganzoo evaluate`: FID, IS or KID on the FID Inception network."""

import argparse
import json
import os

from ganzoo.cli import checks

EVALUATE_EXAMPLES = """examples:
  # FID of 10,000 samples against a folder of real images; keep its statistics
  ganzoo evaluate dcgan_mnist --against real_pngs/ --save-stats real.npz
  # FID of a folder of generated images against the saved statistics
  ganzoo evaluate generated_pngs/ --against real.npz
  ganzoo evaluate dcgan_mnist --against real_pngs/ --metric kid --num-images 2000
  ganzoo evaluate generated_pngs/ --metric is --json
"""

DEFAULT_GENERATED = 10000


def add_command(sub):
    """Adds the `evaluate` sub-command to `sub`, the `ganzoo` sub-parsers."""
    p = sub.add_parser(
        "evaluate",
        help="FID, IS or KID on the FID Inception network",
        description="FID, Inception Score or KID of a preset's samples or a "
        "folder of images, with the reference preprocessing. The Inception "
        "weights are downloaded on first use.",
        epilog=EVALUATE_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("source", help="preset name or folder, or a folder of images")
    p.add_argument(
        "--against", help="reference: folder of images or statistics .npz (FID)"
    )
    p.add_argument("--metric", choices=("fid", "is", "kid"), default="fid")
    p.add_argument(
        "--num-images",
        type=checks.positive,
        help=f"images to use (default: all of a folder, {DEFAULT_GENERATED} "
        "samples of a preset)",
    )
    p.add_argument("--batch-size", type=checks.positive, default=50)
    p.add_argument(
        "--seed", type=checks.seed, default=0, help="seed of a preset's samples"
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
    """Runs `ganzoo evaluate`; returns the exit status."""
    from ganzoo.metrics import standard

    if args.save_stats:
        checks.writable_file(args.save_stats, "--save-stats")
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
