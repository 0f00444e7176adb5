"""Checks of `ganzoo` command-line arguments, shared by its sub-commands.

Each check runs before any model is loaded, so that a mistake costs no
time, and raises `ValueError` (`argparse.ArgumentTypeError` for the
argparse `type=` checks) naming the option: the command prints it as one
line and exits with status 2.
"""

import argparse
import os


def positive(text):
    """argparse `type=`: an integer >= 1.

    Example:
        >>> positive("3")
        3
    """
    return _at_least(text, 1)


def seed(text):
    """argparse `type=`: a random seed, an integer >= 0.

    Example:
        >>> seed("0")
        0
    """
    return _at_least(text, 0)


def non_negative(text):
    """argparse `type=`: an integer >= 0.

    Example:
        >>> non_negative("2")
        2
    """
    return _at_least(text, 0)


def fraction(text):
    """argparse `type=`: a number in [0, 1).

    Example:
        >>> fraction("0.1")
        0.1
    """
    value = float(text)
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"must be in [0, 1), got {value}")
    return value


def _at_least(text, low):
    value = int(text)
    if value < low:
        raise argparse.ArgumentTypeError(f"must be >= {low}, got {value}")
    return value


def existing_folder(path, option):
    """Raises `ValueError` unless `path` is an existing folder.

    Example:
        >>> existing_folder(".", "--a")
    """
    if not os.path.isdir(path):
        what = "a file, not a folder" if os.path.exists(path) else "not found"
        raise ValueError(f"{option} {path!r}: {what}.")


def writable_file(path, option):
    """Raises `ValueError` unless a file can be written at `path`.

    Its folder may not exist yet, but must be creatable.

    Example:
        >>> writable_file("samples.png", "--out")
    """
    if os.path.isdir(path):
        raise ValueError(f"{option} {path!r} is a folder; give a file path.")
    _check_creatable(os.path.dirname(os.path.abspath(path)), path, option)


def image_file(path, option):
    """Like `writable_file`, and the extension must be an image format.

    Example:
        >>> image_file("digits.png", "--out")
    """
    from PIL import Image

    writable_file(path, option)
    extension = os.path.splitext(path)[1].lower()
    if Image.registered_extensions().get(extension) not in Image.SAVE:
        raise ValueError(
            f"{option} {path!r}: the file name must end with an image "
            "extension such as .png or .jpg."
        )


def writable_folder(path, option):
    """Raises `ValueError` unless files can be written in the folder `path`.

    Example:
        >>> writable_folder("translations", "--out")
    """
    if os.path.exists(path) and not os.path.isdir(path):
        raise ValueError(f"{option} {path!r} is a file, not a folder.")
    _check_creatable(os.path.abspath(path), path, option)


def _check_creatable(folder, path, option):
    existing = folder
    while not os.path.exists(existing):
        existing = os.path.dirname(existing)
    if not os.path.isdir(existing):
        raise ValueError(
            f"Cannot write {option} {path!r}: {existing!r} is a file, not a folder."
        )
    if not os.access(existing, os.W_OK | os.X_OK):
        raise ValueError(
            f"Cannot write {option} {path!r}: no permission to write in {existing!r}."
        )
