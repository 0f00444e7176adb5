"""MkDocs hooks: preset tables, recipes and sample images come from the registry.

A page asks for them with a marker on a line of its own, replaced when the
site is built, so the docs cannot drift from the shipped presets:

- `<!-- ganzoo:table NAME -->`: one of `ganzoo.presets.table.TABLES`.
- `<!-- ganzoo:presets CLASS -->`: the shipped presets of a class and their
  figures.
- `<!-- ganzoo:published CLASS -->`: the authors' published weights of a
  class.
- `<!-- ganzoo:samples CLASS -->`: each shipped preset's recipe command and
  the sample image saved with it (`sample.png`, written by
  `save_to_preset` from the trained model and checked by its SHA-256).
- `<!-- ganzoo:cli COMMAND -->`: the `--help` text of `ganzoo COMMAND`
  (`main` for `ganzoo --help`).
"""

import contextlib
import io
import os
import re

from mkdocs.structure.files import File

import ganzoo
from ganzoo import cli
from ganzoo.presets import table
from ganzoo.presets.preset_io import read_metadata
from ganzoo.presets.resolve import resolve

MARKER = re.compile(
    r"^<!-- ganzoo:(table|presets|published|samples|cli) ([\w-]+) -->$", re.MULTILINE
)
IMAGE_FOLDER = "images/presets"


def _shipped_with_samples(family=None):
    """Shipped presets that have a sample image (generators, translators)."""
    return [
        row
        for row in ganzoo.list_presets(family)
        if not row["downloads_on_first_use"]
        and os.path.exists(os.path.join(resolve(row["name"])[0], "sample.png"))
    ]


def on_files(files, config):
    for row in _shipped_with_samples():
        path = os.path.join(resolve(row["name"])[0], "sample.png")
        with open(path, "rb") as f:
            uri = f"{IMAGE_FOLDER}/{row['name']}.png"
            files.append(File.generated(config, uri, content=f.read()))
    return files


def _samples(family, page):
    up = "../" * page.file.src_uri.count("/")
    blocks = []
    for row in _shipped_with_samples(family):
        name = row["name"]
        meta = read_metadata(resolve(name)[0])
        is_translator = meta.get("output_check", {}).get("call", "")
        caption = (
            "inputs, each beside its translation"
            if is_translator.startswith("translate")
            else "samples, seed 0"
        )
        blocks += [
            f"### `{name}`",
            "",
            meta.get("description", ""),
            "",
            "Made by:",
            "",
            "```bash",
            meta.get("recipe", "(no recipe recorded)"),
            "```",
            "",
            f"![{name}: {caption}]({up}{IMAGE_FOLDER}/{name}.png)",
            "",
        ]
    if not blocks:
        raise ValueError(f"No shipped preset of class {family!r} for the samples.")
    return "\n".join(blocks)


def _cli_help(command):
    argv = ["--help"] if command == "main" else [command, "--help"]
    text = io.StringIO()
    os.environ["COLUMNS"] = "88"
    with contextlib.redirect_stdout(text), contextlib.suppress(SystemExit):
        cli.build_parser().parse_args(argv)
    return f"```text\n{text.getvalue().rstrip()}\n```"


def on_page_markdown(markdown, page, config, files):
    def replace(match):
        kind, argument = match.groups()
        if kind == "table":
            return table.TABLES[argument]()
        if kind == "presets":
            return table.markdown_table(argument)
        if kind == "published":
            return table.published_table(argument)
        if kind == "cli":
            return _cli_help(argument)
        return _samples(argument, page)

    return MARKER.sub(replace, markdown)
