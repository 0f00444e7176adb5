import json
import os

import pytest
from PIL import Image

from ganzoo import cli
from ganzoo.presets import table


def test_presets_lists_shipped_figures(capsys):
    assert cli.main(["presets", "--json"]) == 0
    rows = {row["name"]: row for row in json.loads(capsys.readouterr().out)}
    assert {"gan_mnist", "dcgan_mnist"} <= set(rows)
    assert rows["dcgan_mnist"]["metrics"]["frechet_distance"] > 0
    assert cli.main(["presets", "--family", "dcgan"]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[0].split()[:2] == ["name", "class"]
    assert [line.split()[0] for line in table[1:]] == ["dcgan_mnist"]


def test_info_prints_the_card(capsys):
    assert cli.main(["info", "dcgan_mnist"]) == 0
    assert "DCGAN.from_preset" in capsys.readouterr().out


def test_sample_writes_a_grid(tmp_path, capsys):
    out = tmp_path / "grid.png"
    assert (
        cli.main(["sample", "gan_mnist", "--num-images", "9", "--out", str(out)]) == 0
    )
    assert Image.open(out).size == (3 * 30 + 2, 3 * 30 + 2)
    assert str(out) in capsys.readouterr().out


def test_user_errors_exit_2_with_one_line(capsys):
    assert cli.main(["sample", "dcgan_mnst"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "Closest: dcgan_mnist" in err[0]
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["sample", "dcgan_mnist", "--num-images", "0"])
    assert exit_info.value.code == 2


def _generated_block(path, marker):
    text = open(os.path.join(os.path.dirname(__file__), "..", path)).read()
    start = text.index(f"<!-- {marker}:start -->") + len(f"<!-- {marker}:start -->")
    return text[start : text.index(f"<!-- {marker}:end -->")].strip()


def test_readme_preset_table_is_current():
    assert _generated_block("README.md", "presets") == table.markdown_table(), (
        "README's preset table is stale: paste `python -m ganzoo.presets.table`"
    )


def test_loss_family_comparison_is_current():
    expected = table.loss_comparison_table()
    assert _generated_block("docs/loss_families.md", "losses") == expected, (
        "docs/loss_families.md is stale: paste `python -m ganzoo.presets.table losses`"
    )


def test_readme_published_table_is_current():
    assert _generated_block("README.md", "published") == table.published_table(), (
        "README's table of published generators is stale: paste "
        "`python -m ganzoo.presets.table published`"
    )
