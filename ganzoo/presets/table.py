"""Tables of the shipped presets, generated from the registry.

`ganzoo presets` prints `quality_summary` of each preset; the docs build
(`docs/hooks.py`) fills its pages' tables from `TABLES`; the README's
tables and the loss-family comparison in `docs/loss_families.md` are pasted
from `python scripts/preset_tables.py [presets|published|losses]`, and
tests keep every copy current.
"""

import json
import os

from ganzoo.presets.api import list_presets
from ganzoo.presets.preset_io import read_metadata
from ganzoo.presets.resolve import resolve

#: The presets the loss-family comparison covers, in its order.
LOSS_FAMILY_PRESETS = (
    "dcgan_mnist",
    "lsgan_mnist",
    "sngan_mnist",
    "wgan_mnist",
    "wgangp_mnist",
)


def format_figure(value):
    """A measured figure to 3 significant digits, or '-' if absent."""
    return f"{value:.3g}" if isinstance(value, (int, float)) else "-"


def quality_summary(metrics):
    """The headline figures of a preset's metrics, as one short string."""
    parts = []
    if "test_accuracy" in metrics:
        text = f"accuracy {format_figure(metrics['test_accuracy'])}"
        if "num_labelled" in metrics:
            text += f" from {metrics['num_labelled']} labels"
        if "supervised_baseline_test_accuracy" in metrics:
            baseline = format_figure(metrics["supervised_baseline_test_accuracy"])
            text += f" (supervised on those alone: {baseline})"
        parts.append(text)
    if "label_accuracy" in metrics:
        parts.append(f"label accuracy {format_figure(metrics['label_accuracy'])}")
    if "classify_test_accuracy" in metrics:
        accuracy = format_figure(metrics["classify_test_accuracy"])
        parts.append(f"`classify` accuracy {accuracy}")
    if "code_class_accuracy" in metrics:
        accuracy = format_figure(metrics["code_class_accuracy"])
        parts.append(f"code-to-digit accuracy {accuracy}")
    if "frechet_distance" in metrics:
        text = f"FD {format_figure(metrics['frechet_distance'])}"
        if "real_frechet_distance" in metrics:
            text += f" (real digits {format_figure(metrics['real_frechet_distance'])})"
        parts.append(
            f"{text}, precision {format_figure(metrics['precision'])}, "
            f"recall {format_figure(metrics['recall'])}"
        )
    parts += _translation_summary(metrics)
    return "; ".join(parts) or "-"


def _translation_summary(metrics):
    """Headline figures of the image-to-image presets."""
    parts = []
    if "digit_accuracy" in metrics:
        parts.append(
            f"digits read correctly in {format_figure(metrics['digit_accuracy'])} "
            "of translations (in "
            f"{format_figure(metrics['edges_input_digit_accuracy'])} of inputs)"
        )
    if "b_to_a_digit_accuracy" in metrics:
        parts.append(
            "digits read correctly in "
            f"{format_figure(metrics['b_to_a_digit_accuracy'])} of B->A "
            "translations (in "
            f"{format_figure(metrics['textured_input_digit_accuracy'])} of inputs)"
        )
    if "cycle_l1_a" in metrics:
        parts.append(
            f"cycle L1 {format_figure(metrics['cycle_l1_a'])} (A), "
            f"{format_figure(metrics['cycle_l1_b'])} (B)"
        )
    if "test_psnr" in metrics:
        text = (
            f"L1 {format_figure(metrics['test_l1'])}, "
            f"PSNR {format_figure(metrics['test_psnr'])} dB"
        )
        if "grey_input_psnr" in metrics:
            text += (
                f" (grey input: L1 {format_figure(metrics['grey_input_l1'])}, "
                f"PSNR {format_figure(metrics['grey_input_psnr'])} dB)"
            )
        parts.append(text)
    return parts


def markdown_table(family=None):
    """The README's table of the shipped presets and their figures.

    Args:
        family: Optional class name: only that class's presets.
    """
    lines = [
        "| Preset | Class | Parameters | Trained on | Quality (held-out data) |",
        "| --- | --- | --- | --- | --- |",
    ]
    for row in list_presets(family):
        if row["downloads_on_first_use"]:
            continue  # converted or downloaded presets have no figures here
        params = row.get("parameter_count")
        data = row.get("dataset", "-").split(" (")[0].replace(" train split", "")
        lines.append(
            f"| `{row['name']}` | `{row['class_name']}` | "
            f"{f'{params:,}' if params else '-'} | {data} | "
            f"{quality_summary(row.get('metrics', {}))} |"
        )
    return "\n".join(lines)


# Families whose loss is not a constructor argument.
_FIXED_LOSSES = {
    "WGAN": "wasserstein",
    "WGANGP": "wasserstein",
    "LSGAN": "least_squares",
}


def _serialized_config(name):
    with open(os.path.join(resolve(name)[0], "config.json")) as f:
        return json.load(f)


def _training_setup(name):
    """Loss, its regulariser and critic steps, read from the preset's config."""
    serialized = _serialized_config(name)
    config = serialized["config"]
    loss = config.get("loss") or _FIXED_LOSSES[serialized["class_name"]]
    loss = loss.replace("_", " ")
    extras = []
    if config.get("clip_value"):
        extras.append(f"weights clipped to {config['clip_value']:g}")
    if "gp_weight" in config:
        extras.append(f"gradient penalty {config['gp_weight']:g}")
    if serialized["class_name"] == "SNGAN":
        extras.append("spectrally normalised discriminator")
    if "targets" in config:
        extras.append(
            "targets a, b, c = " + ", ".join(f"{t:g}" for t in config["targets"])
        )
    return ", ".join([loss] + extras), config.get("n_critic", 1)


def loss_comparison_table(names=LOSS_FAMILY_PRESETS):
    """Markdown table of the loss-family presets as they are shipped.

    Each row is one shipped preset with its figures, the loss and critic
    steps it trained with, its networks and its generator steps.
    """
    lines = [
        "| Preset | Trained on | Loss | Critic steps | Networks | "
        "Generator steps | FD | Precision | Recall | Rarest digit |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    shipped = {row["name"] for row in list_presets() if "metrics" in row}
    for name in names:
        if name not in shipped:
            continue
        meta = read_metadata(resolve(name)[0])
        config = _serialized_config(name)["config"]
        loss, critic_steps = _training_setup(name)
        data = meta.get("dataset", "-").split(" (")[0]
        metrics = meta["metrics"]
        histogram = metrics["class_histogram"]
        lines.append(
            f"| `{name}` | {data} | {loss} | {critic_steps} | "
            f"{_networks(config)} | {meta['training_steps']:,} | "
            f"{format_figure(metrics['frechet_distance'])} | "
            f"{format_figure(metrics['precision'])} | "
            f"{format_figure(metrics['recall'])} | "
            f"{min(histogram) / sum(histogram):.1%} |"
        )
    return "\n".join(lines)


def _networks(config):
    """DCGAN's networks as a config sets them: filters and extra stages."""
    parts = [f"{config['filters']} filters"]
    for key, what in [
        ("extra_generator_stages", "generator"),
        ("extra_discriminator_stages", "discriminator"),
    ]:
        extra = config.get(key, 0)
        if extra:
            parts.append(f"+{extra} {what} stage{'s' if extra > 1 else ''}")
    return ", ".join(parts)


def published_table(family=None):
    """Markdown table of the presets made from the authors' published weights.

    Args:
        family: Optional class name: only that class's presets.
    """
    lines = [
        "| Preset | Class | What it does | Published file |",
        "| --- | --- | --- | --- |",
    ]
    for row in list_presets(family):
        if row.get("downloads_on_first_use"):
            file_name = row["source"].rsplit("/", 1)[-1]
            lines.append(
                f"| `{row['name']}` | `{row['class_name']}` | "
                f"{row['description']} | [{file_name}]({row['source']}) |"
            )
    return "\n".join(lines)


TABLES = {
    "presets": markdown_table,
    "losses": loss_comparison_table,
    "published": published_table,
}
