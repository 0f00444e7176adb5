"""The README's preset table, generated from the registry.

`python -m ganzoo.presets.table` prints it; a test keeps the README's copy
current.
"""

from ganzoo.presets.api import list_presets


def format_figure(value):
    """A measured figure to 3 significant digits, or '-' if absent."""
    return f"{value:.3g}" if isinstance(value, (int, float)) else "-"


def markdown_table():
    lines = [
        "| Preset | Class | Parameters | Quality (held-out digits) |",
        "| --- | --- | --- | --- |",
    ]
    for row in list_presets():
        metrics = row.get("metrics", {})
        if "test_accuracy" in metrics:
            quality = f"accuracy {format_figure(metrics['test_accuracy'])}"
        elif "frechet_distance" in metrics:
            quality = (
                f"FD {format_figure(metrics['frechet_distance'])} "
                f"(real digits {format_figure(metrics['real_frechet_distance'])}), "
                f"precision {format_figure(metrics['precision'])}, "
                f"recall {format_figure(metrics['recall'])}"
            )
        else:
            quality = "-"
        params = row.get("parameter_count")
        lines.append(
            f"| `{row['name']}` | `{row['class_name']}` | "
            f"{f'{params:,}' if params else '-'} | {quality} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown_table())
