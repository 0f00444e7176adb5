"""`ganzoo info`: a preset's model card and the folder it was loaded from."""

import argparse
import json
import os

INFO_EXAMPLES = """examples:
  ganzoo info dcgan_mnist
  ganzoo info my_presets/dcgan/
  ganzoo info hf://owner/repo
"""


def add_command(sub):
    """Adds the `info` sub-command to `sub`, the `ganzoo` sub-parsers."""
    p = sub.add_parser(
        "info",
        help="show a preset's model card",
        description="Prints a preset's model card (training recipe, measured "
        "figures, files) and the local folder it was loaded from.",
        epilog=INFO_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("preset", help="name, folder, or hf://owner/repo")
    p.set_defaults(run=cmd_info)


def cmd_info(args):
    """Runs `ganzoo info`; returns the exit status."""
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
