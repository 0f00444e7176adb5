"""The docs site covers every family; `mkdocs build --strict` (run by
scripts/test.sh) checks links, docstrings and the generated tables."""

import os
import re

import ganzoo
from ganzoo.models import BaseGAN

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _read(*parts):
    with open(os.path.join(ROOT, *parts)) as f:
        return f.read()


def _families():
    return sorted(
        name
        for name in ganzoo.models.__all__
        if isinstance(getattr(ganzoo, name), type)
        and issubclass(getattr(ganzoo, name), BaseGAN)
        and name not in ("BaseGAN", "NoiseToImageGAN", "ImageToImageGAN")
    )


def test_every_family_has_a_page_in_the_nav_with_its_api_and_presets():
    nav = _read("mkdocs.yml")
    pages = {}
    for page in os.listdir(os.path.join(ROOT, "docs", "models")):
        text = _read("docs", "models", page)
        for name in re.findall(r"^::: ganzoo\.(\w+)$", text, re.MULTILINE):
            pages[name] = (page, text)
    assert sorted(pages) == _families()
    for name, (page, text) in pages.items():
        assert f"models/{page}" in nav, f"{page} is not in mkdocs.yml's nav"
        assert f"<!-- ganzoo:presets {name} -->" in text
        assert f"<!-- ganzoo:samples {name} -->" in text


def test_every_docs_page_is_in_the_nav():
    nav = _read("mkdocs.yml")
    docs = os.path.join(ROOT, "docs")
    for folder, _, files in os.walk(docs):
        for name in files:
            if name.endswith(".md"):
                page = os.path.relpath(os.path.join(folder, name), docs)
                assert f": {page}" in nav, f"docs/{page} is not in mkdocs.yml's nav"
