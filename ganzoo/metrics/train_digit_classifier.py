"""Deprecated: the digit classifier trains with `ganzoo train-classifier`.

`python -m ganzoo.metrics.train_digit_classifier` and this module's `main`,
`parse_args`, `train` and `random_translate` are kept for one release; the
code is in `ganzoo.cli.train_classifier`.
"""

import sys
import warnings

from ganzoo.cli.train_classifier import command
from ganzoo.cli.train_classifier import random_translate
from ganzoo.cli.train_classifier import train

__all__ = ["main", "parse_args", "random_translate", "train"]

warnings.warn(
    "ganzoo.metrics.train_digit_classifier is deprecated and will be removed in "
    "the next release; run `ganzoo train-classifier` (ganzoo.cli.train_classifier).",
    DeprecationWarning,
    stacklevel=1 if __name__ == "__main__" else 2,  # shown under `python -m`
)


def parse_args(argv=None):
    """The arguments of `ganzoo train-classifier`, parsed from `argv`."""
    from ganzoo.cli import build_parser

    argv = sys.argv[1:] if argv is None else list(argv)
    return build_parser().parse_args(["train-classifier", *argv])


def main(argv=None):
    """Trains as `ganzoo train-classifier ARGV` does; returns the metrics dict."""
    args = parse_args(argv)
    return train(args, command(args))


if __name__ == "__main__":
    main()
