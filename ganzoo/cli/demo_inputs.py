"""`ganzoo demo-inputs`: example inputs for the presets of the offline demo tasks.

The image-to-image presets trained on a `ganzoo.datasets.demo_task` (such as
`pix2pix_edges_to_digits`) can show what they do without any images of the
user's: this command writes images of the task's held-out test split, from
the domain the preset translates from, as PNG files that `ganzoo translate`
then reads.
"""

import argparse
import os
import re

from ganzoo.cli import checks

DEMO_INPUTS_EXAMPLES = """examples:
  ganzoo demo-inputs pix2pix_edges_to_digits --out outlines/
  ganzoo translate pix2pix_edges_to_digits outlines/ --out digits/
  ganzoo demo-inputs cyclegan_plain_to_textured_digits --num-images 16 --out plain/
  ganzoo demo-inputs cyclegan_plain_to_textured_digits --direction b_to_a \\
      --out textured/   # inputs of: ganzoo translate ... --direction b_to_a
"""

DEFAULT_NUM_IMAGES = 8

# How a recipe names a demo task in a preset's metadata "dataset", e.g.
# "ganzoo.datasets.demo_task('digits_to_edges') train split (..., B -> A)";
# "B -> A" marks a preset trained to translate the task's B into its A.
_DEMO_TASK = re.compile(r"^ganzoo\.datasets\.demo_task\('(\w+)'\)")
_REVERSED = "B -> A"


def add_command(sub):
    """Adds the `demo-inputs` sub-command to `sub`, the `ganzoo` sub-parsers."""
    p = sub.add_parser(
        "demo-inputs",
        help="write example inputs for a demo image-to-image preset",
        description="Writes images that an image-to-image preset trained on an "
        "offline demo task (ganzoo.datasets.demo_task) takes as input: held-out "
        "test images of the task, from the domain the preset translates from, "
        "as PNG files named 0.png, 1.png, ... for `ganzoo translate`. Nothing "
        "is downloaded.",
        epilog=DEMO_INPUTS_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "preset", help="a preset trained on a demo task, e.g. pix2pix_edges_to_digits"
    )
    p.add_argument("--out", required=True, help="folder to write the images in")
    p.add_argument(
        "--num-images",
        type=checks.positive,
        default=DEFAULT_NUM_IMAGES,
        help=f"default {DEFAULT_NUM_IMAGES}",
    )
    p.add_argument(
        "--direction",
        choices=("a_to_b", "b_to_a"),
        help="CycleGAN only: inputs of this direction (default a_to_b)",
    )
    p.set_defaults(run=cmd_demo_inputs)


def demo_task_of(dataset):
    """The demo task a preset's metadata `dataset` names, or None.

    Returns:
        Tuple `(task_name, reversed)`: `reversed` is True when the preset
        translates the task's domain B into A.

    Example:
        >>> demo_task_of("ganzoo.datasets.demo_task('digits_to_edges') "
        ...              "train split (4000 inputs / 4000 targets, B -> A)")
        ('digits_to_edges', True)
        >>> demo_task_of("MNIST train, 60,000 digits") is None
        True
    """
    match = _DEMO_TASK.match(dataset)
    if match is None:
        return None
    return match.group(1), _REVERSED in dataset


def cmd_demo_inputs(args):
    """Runs `ganzoo demo-inputs`; returns the exit status."""
    checks.writable_folder(args.out, "--out")
    import ganzoo

    class_name, dataset = _class_and_dataset(args.preset)
    found = demo_task_of(dataset)
    if found is None:
        with_inputs = sorted(
            row["name"]
            for row in ganzoo.list_presets()
            if demo_task_of(row.get("dataset", "")) is not None
        )
        raise ValueError(
            f"Preset {args.preset!r} was not trained on an offline demo task, so "
            "there are no example inputs to write; give `ganzoo translate` your "
            f"own images. Presets with example inputs: {', '.join(with_inputs)}."
        )
    if args.direction is not None and class_name != "CycleGAN":
        raise ValueError(
            f"--direction applies to CycleGAN presets; {args.preset!r} is a "
            f"{class_name}."
        )
    task_name, reverse = found
    try:
        task = ganzoo.datasets.demo_task(task_name)
    except ImportError as error:  # the photo tasks' scikit-image: a user's fix
        raise ValueError(str(error)) from error
    domain = int((args.direction == "b_to_a") != reverse)
    images = task.test[domain]
    if args.num_images > len(images):
        raise ValueError(
            f"--num-images: the test split of the demo task {task_name!r} holds "
            f"{len(images)} images. Received: --num-images {args.num_images}"
        )
    os.makedirs(args.out, exist_ok=True)
    width = len(str(args.num_images - 1))
    for i, image in enumerate(images[: args.num_images]):
        path = os.path.join(args.out, f"{i:0{width}d}.png")
        ganzoo.images.save_grid(image[None], path, columns=1, padding=0)
    direction = f" --direction {args.direction}" if args.direction else ""
    print(
        f"Wrote {args.num_images} inputs of {args.preset} (demo task "
        f"{task_name!r}, test split, domain {'AB'[domain]}) to {args.out}\n"
        f"Translate them: ganzoo translate {args.preset} {args.out}{direction} "
        "--out translated/"
    )
    return 0


def _class_and_dataset(preset):
    """A preset's class name and metadata `dataset`, without loading it.

    A registered name is read from the registry, so that the presets that
    download on first use download nothing here.
    """
    import ganzoo

    for row in ganzoo.list_presets():
        if row["name"] == preset:
            return row["class_name"], row.get("dataset", "")
    from ganzoo.presets.preset_io import read_metadata
    from ganzoo.presets.resolve import resolve

    metadata = read_metadata(resolve(preset)[0])
    return metadata.get("class_name", "?"), metadata.get("dataset", "")
