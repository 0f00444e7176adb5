import json
import os

import pytest
from PIL import Image

from ganzoo import cli
from ganzoo.cli import presets as presets_command
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
    assert "`ganzoo presets` on the command line" in err[0]
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["sample", "dcgan_mnist", "--num-images", "0"])
    assert exit_info.value.code == 2
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["sample", "dcgan_mnist", "--seed", "-1"])
    assert exit_info.value.code == 2
    assert "--seed: must be >= 0, got -1" in capsys.readouterr().err


def _one_line_error(argv, capsys):
    assert cli.main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"ganzoo {argv[0]}: error: "), err
    return err[0]


def _help(argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(argv + ["--help"])
    assert exit_info.value.code == 0
    return capsys.readouterr().out


@pytest.mark.parametrize(
    "command",
    [
        "presets",
        "info",
        "sample",
        "evaluate",
        "translate",
        "demo-inputs",
        "train",
        "export",
        "demo",
        "train-classifier",
    ],
)
def test_every_command_has_a_description_and_examples(command, capsys):
    text = _help([command], capsys)
    description = text.split("\n\n")[1]
    assert not description.startswith(("positional", "options")), text
    examples = text[text.index("examples:") :]
    assert f"ganzoo {command} " in examples


def test_top_level_help_documents_exit_status(capsys):
    text = _help([], capsys)
    status = text[text.index("exit status:") :]
    for code, meaning in (("0", "success"), ("1", "unexpected"), ("2", "user error")):
        assert f"  {code}" in status and meaning in status


def test_sample_and_info_mistakes_exit_2_before_loading(tmp_path, capsys):
    not_a_folder = tmp_path / "file.txt"
    not_a_folder.write_text("x")
    for out, message in (
        (tmp_path / "grid.txt", "image extension"),
        (not_a_folder / "grid.png", "is a file, not a folder"),
        (tmp_path, "is a folder"),
    ):
        argv = ["sample", "gan_mnist", "--out", str(out)]
        assert message in _one_line_error(argv, capsys)
    assert "not a generator" in _one_line_error(
        ["sample", "digit_classifier_mnist", "--out", str(tmp_path / "x.png")], capsys
    )
    assert "no metadata.json" in _one_line_error(["info", str(tmp_path)], capsys)
    assert "No preset folder" in _one_line_error(
        ["info", str(tmp_path / "nowhere")], capsys
    )
    assert "Classes with presets: " in _one_line_error(
        ["presets", "--family", "nope"], capsys
    )


def test_interrupt_exits_130(monkeypatch, capsys):
    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setattr(presets_command, "cmd_presets", interrupted)
    assert cli.main(["presets"]) == 130
    assert capsys.readouterr().err.strip() == "ganzoo presets: interrupted"


def _generated_block(path, marker):
    text = open(os.path.join(os.path.dirname(__file__), "..", path)).read()
    start = text.index(f"<!-- {marker}:start -->") + len(f"<!-- {marker}:start -->")
    return text[start : text.index(f"<!-- {marker}:end -->")].strip()


def test_readme_preset_table_is_current():
    assert _generated_block("README.md", "presets") == table.markdown_table(), (
        "README's preset table is stale: run `python scripts/preset_tables.py --write`"
    )


def test_loss_family_comparison_is_current():
    expected = table.loss_comparison_table()
    assert _generated_block("docs/loss_families.md", "losses") == expected, (
        "docs/loss_families.md is stale: run `python scripts/preset_tables.py --write`"
    )


def test_readme_published_table_is_current():
    assert _generated_block("README.md", "published") == table.published_table(), (
        "README's table of published generators is stale: run "
        "`python scripts/preset_tables.py --write`"
    )
