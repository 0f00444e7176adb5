"""The `ganzoo` command: one module per sub-command.

`presets`, `info`, `sample`, `evaluate`, `translate`, `demo-inputs`,
`train`, `export`, `demo` and `train-classifier` each live in a module of
this package (`ganzoo/cli/<command>.py`, `-` spelled `_`) with an
`add_command(sub)` that registers its parser; `checks` holds the argument
checks they share, `train_data` what `train` reads, and `console` keeps
the frameworks' C++ log lines off the command's console.

Runs on the backend `KERAS_BACKEND` names. User mistakes (an unknown
preset, a bad number, a missing file, an unwritable output) print one line
on stderr and exit with status 2; unexpected failures exit with status 1
and a traceback.

This module imports nothing heavy: `ganzoo/__init__.py` imports
`ganzoo.cli.console` before Keras, and the command modules are imported
only when the parser is built.
"""

import argparse
import os
import sys

EXAMPLES = """examples:
  ganzoo presets
  ganzoo info dcgan_mnist
  ganzoo sample dcgan_mnist --num-images 64 --seed 0 --out digits.png
  ganzoo evaluate dcgan_mnist --against real_pngs/ --save-stats real.npz
  ganzoo evaluate generated_pngs/ --against real.npz --metric fid
  ganzoo demo-inputs pix2pix_edges_to_digits --out outlines/
  ganzoo translate pix2pix_edges_to_digits outlines/ --out digits/
  ganzoo train dcgan --images faces/ --image-size 64 --out my_dcgan
  ganzoo train cyclegan --a horses/ --b zebras/ --out my_cyclegan
  ganzoo export dcgan_mnist --format onnx --out dcgan.onnx
  ganzoo demo --epochs 5

`ganzoo COMMAND --help` describes each command, with examples.

exit status:
  0    success
  1    unexpected failure (a traceback is printed)
  2    user error: a bad argument, an unknown preset, a missing or unreadable
       file, an output that cannot be written (one line on stderr)
  130  interrupted (Ctrl-C)
"""


def build_parser():
    """The `ganzoo` argument parser, with every sub-command."""
    from ganzoo.cli import demo
    from ganzoo.cli import demo_inputs
    from ganzoo.cli import evaluate
    from ganzoo.cli import export
    from ganzoo.cli import info
    from ganzoo.cli import presets
    from ganzoo.cli import sample
    from ganzoo.cli import train
    from ganzoo.cli import train_classifier
    from ganzoo.cli import translate

    parser = argparse.ArgumentParser(
        prog="ganzoo",
        description="GAN presets on any Keras backend (KERAS_BACKEND).",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in (
        presets,
        info,
        sample,
        evaluate,
        translate,
        demo_inputs,
        train,
        export,
        demo,
        train_classifier,
    ):
        command.add_command(sub)
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
