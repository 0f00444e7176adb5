"""Presets converted on first use from checkpoints their authors published.

Some registered presets are other authors' weights, published as PyTorch
`state_dict` files (the CycleGAN and pix2pix generators). They are
registered with `register_converted_preset`: a URL and a converter, a
function from the checkpoint's tensors to a ganzoo model. The first
`from_preset` of such a name:

1. downloads the checkpoint into the cache. When a SHA-256 is known (given
   at registration or by the user as `from_preset(name, sha256=...)`), with
   `ganzoo.presets.download.fetch`, which verifies it. The CycleGAN and
   pix2pix authors publish no checksums, so by default the file is fetched
   with `fetch_unpinned`: streamed into a temporary file, its size checked
   against `Content-Length`, moved into place atomically;
2. reads it with `torch.load(..., weights_only=True)` (torch is needed for
   this one step only; no pickled code runs) and converts it. Converters
   check the exact set of tensor names and every shape against the network
   they fill (`load_reference_state_dict`), so a file that is not the
   expected network is refused with a clear error;
3. writes the model as an ordinary preset folder,
   `<cache>/presets/converted/<name>/`, atomically (`save_preset`), with the
   checkpoint's URL, size and SHA-256 in `metadata.json` and the model card,
   and deletes the checkpoint. On any failure nothing is left in the cache.

Later loads read that folder: no request, no torch, every file checked
against the SHA-256 its `metadata.json` records. Passing `sha256=` pins the
checkpoint: a cached conversion of another file is converted again from a
download that must match.
"""

import dataclasses
import functools
import os
from typing import Callable
from typing import Optional

import keras
import numpy as np

from ganzoo.backend.torch_checkpoint import read_state_dict
from ganzoo.presets import registry
from ganzoo.presets.download import cache_dir
from ganzoo.presets.download import fetch
from ganzoo.presets.download import fetch_unpinned
from ganzoo.presets.preset_io import METADATA_FILE
from ganzoo.presets.preset_io import read_metadata
from ganzoo.presets.preset_io import save_preset

#: Where converted presets live, inside `cache_dir()`.
CONVERTED_SUBDIR = "presets/converted"
#: Where checkpoints wait for their conversion, inside `cache_dir()`.
CHECKPOINT_SUBDIR = "reference_checkpoints"
# Entries that checkpoints written before PyTorch 0.4 carry for InstanceNorm
# modules without running statistics; the reference loader drops them too.
LEGACY_INSTANCE_NORM_KEYS = ("running_mean", "running_var", "num_batches_tracked")


@dataclasses.dataclass(frozen=True)
class Conversion:
    """How a published checkpoint becomes a ganzoo preset.

    Attributes:
        convert: A function from the checkpoint's `{name: numpy.ndarray}`
            to a ganzoo model with those weights; it raises `ValueError`
            when the tensors are not those of the expected network.
        card: Markdown for the model card: provenance, what was converted,
            how to use it, what differs from the authors' code.
        dataset: What the weights were trained on, for the card.
    """

    convert: Callable
    card: str = ""
    dataset: Optional[str] = None


def register_converted_preset(
    name, class_name, description, url, convert, card="", dataset=None, sha256=None
):
    """Registers a preset converted from a published checkpoint on first use.

    Args:
        name: The preset's name, e.g. `"cyclegan_horse2zebra"`.
        class_name: The ganzoo class `convert` returns, e.g. `"CycleGAN"`.
        description: One line for `list_presets()`.
        url: The checkpoint's published `http(s)://` URL.
        convert: A function `{tensor name: numpy array} -> model`.
        card: Markdown for the model card.
        dataset: What the weights were trained on.
        sha256: The checkpoint's SHA-256 if its authors publish one; users
            can pin one with `from_preset(name, sha256=...)` instead.

    Returns:
        The `PresetInfo`.

    Example:

    ```python
    register_converted_preset(
        "cyclegan_horse2zebra", "CycleGAN", "horses to zebras",
        "http://efrosgans.eecs.berkeley.edu/cyclegan/pretrained_models/"
        "horse2zebra.pth",
        convert_horse2zebra,
    )
    ```
    """
    if not callable(convert):
        raise TypeError(
            f"`convert` must be a function of the checkpoint's tensors. "
            f"Received: convert={convert!r}"
        )
    return registry.register_preset(
        name,
        class_name,
        description,
        source=url,
        sha256=sha256,
        converter=Conversion(convert, card, dataset),
    )


@dataclasses.dataclass(frozen=True)
class PublishedGenerator:
    """One generator its authors publish as a PyTorch `state_dict` file.

    Attributes:
        family: The preset names' prefix, e.g. `"cyclegan"`.
        name: The authors' name, e.g. `"horse2zebra"`; the preset is
            `<family>_<name>`.
        url: Where the authors publish the checkpoint.
        archive: The dataset archive it was trained on.
        source: What it translates from.
        target: What it translates to.
        archive_direction: `"AtoB"` if it maps the archive's A images to its
            B images, `"BtoA"` if the other way (the reference's
            `--direction`), None where not checked.
        reverse: The authors' name of the generator of the other direction,
            or None if they publish none.
    """

    family: str
    name: str
    url: str
    archive: str
    source: str
    target: str
    archive_direction: Optional[str]
    reverse: Optional[str] = None

    @property
    def preset_name(self):
        return f"{self.family}_{self.name}"

    @property
    def reverse_preset(self):
        """The preset of the other direction, e.g. `"cyclegan_zebra2horse"`."""
        return f"{self.family}_{self.reverse}" if self.reverse else None


def register_published_generators(generators, class_name, describe, convert, card):
    """Registers a converted preset for each of `generators`.

    Args:
        generators: `PublishedGenerator`s.
        class_name: The ganzoo class the conversions make, e.g. `"CycleGAN"`.
        describe: Function of a generator returning `(description,
            dataset)`: the preset list's line and what it was trained on.
        convert: Function `(state_dict, generator) -> model`.
        card: Function of a generator returning its model card's Markdown.
    """
    for generator in generators:
        description, dataset = describe(generator)
        register_converted_preset(
            generator.preset_name,
            class_name,
            description,
            generator.url,
            functools.partial(convert, generator=generator),
            card=card(generator),
            dataset=dataset,
        )


def converted_folder(info, sha256=None):
    """The local preset folder of a converted preset, converting it if needed.

    Args:
        info: The registered `PresetInfo` (with a `converter`).
        sha256: Optional SHA-256 the checkpoint must have (else
            `info.sha256`, else unpinned).

    Returns:
        The folder `<cache>/presets/converted/<name>/`.
    """
    pin = sha256 or info.sha256
    folder = os.path.join(cache_dir(), *CONVERTED_SUBDIR.split("/"), info.name)
    if os.path.isfile(os.path.join(folder, METADATA_FILE)):
        source = read_metadata(folder).get("converted_from", {})
        if source.get("url") == info.source and (
            pin is None or source.get("sha256") == pin.lower()
        ):
            return folder
    return _convert(info, folder, pin)


def _convert(info, folder, pin):
    filename = f"{info.name}.pth"
    if pin is None:
        path, checksum = fetch_unpinned(
            info.source, filename=filename, subdir=CHECKPOINT_SUBDIR
        )
    else:
        path = fetch(info.source, pin, filename=filename, subdir=CHECKPOINT_SUBDIR)
        checksum = pin.lower()
    try:
        size = os.path.getsize(path)
        model = info.converter.convert(read_state_dict(path))
        provenance = {
            "url": info.source,
            "sha256": checksum,
            "bytes": size,
            "pinned": pin is not None,
        }
        metadata = {
            "description": _card(info, provenance),
            "converted_from": provenance,
        }
        if info.converter.dataset:
            metadata["dataset"] = info.converter.dataset
        save_preset(model, folder, metadata)
    finally:
        os.remove(path)
    return folder


def _card(info, provenance):
    pinned = (
        "verified against the pinned SHA-256"
        if provenance["pinned"]
        else "not verified against a published checksum (its authors publish "
        "none); its tensors' names and shapes were checked"
    )
    lines = [info.description, ""]
    if info.converter.card:
        lines += [info.converter.card.strip(), ""]
    lines += [
        f"Converted by ganzoo from <{provenance['url']}> "
        f"({provenance['bytes']:,} bytes, SHA-256 `{provenance['sha256']}`, "
        f"{pinned}). To insist on that exact file later: "
        f'`from_preset("{info.name}", sha256="{provenance["sha256"]}")`.',
    ]
    return "\n".join(lines)


def load_reference_state_dict(network, state_dict, layer_keys, expected="network"):
    """Fills a Keras network with a PyTorch `state_dict` in another layout.

    Convolution kernels (`Conv2D` and `Conv2DTranspose` alike) go from
    PyTorch's `(out, in, h, w)` / `(in, out, h, w)` to Keras'
    `weight.transpose(2, 3, 1, 0)`; BatchNorm's `weight`, `bias`,
    `running_mean`, `running_var` become `gamma`, `beta`, `moving_mean`,
    `moving_variance` (its `num_batches_tracked` may be present or not).
    Instance norms without parameters may carry the `running_mean`,
    `running_var` and `num_batches_tracked` entries of checkpoints written
    before PyTorch 0.4: they are dropped. Every other tensor must be there,
    nothing else may be, and every shape must match, else nothing is
    assigned and a `ValueError` lists the differences.

    Args:
        network: A Keras functional model whose layers are convolutions,
            normalisations and layers without weights.
        state_dict: `{name: numpy.ndarray}`, e.g. from
            `ganzoo.backend.torch_checkpoint.read_state_dict`.
        layer_keys: `{layer name: state-dict prefix}` for every layer with
            weights and every instance norm.
        expected: What the checkpoint should hold, for error messages.

    Returns:
        The sorted list of legacy keys that were dropped.

    Raises:
        ValueError: if the checkpoint's names or shapes differ from the
            network's.

    Example:

    ```python
    dropped = load_reference_state_dict(
        generator, read_state_dict("horse2zebra.pth"),
        resnet_generator_layer_keys(9), "a ResNet-9 generator",
    )
    ```
    """
    plan, optional, legacy = _assignment_plan(network, layer_keys)
    dropped = sorted(key for key in state_dict if key in legacy)
    given = {
        key: value
        for key, value in state_dict.items()
        if key not in legacy and key not in optional
    }
    wanted = {key: shape for _, key, shape, _ in plan}
    missing = sorted(set(wanted) - set(given))
    unexpected = sorted(set(given) - set(wanted))
    wrong = {
        key: (tuple(np.shape(given[key])), shape)
        for key, shape in wanted.items()
        if key in given and tuple(np.shape(given[key])) != shape
    }
    if missing or unexpected or wrong:
        problems = []
        if missing:
            problems.append(f"{len(missing)} missing ({_first(missing)})")
        if unexpected:
            problems.append(f"{len(unexpected)} unexpected ({_first(unexpected)})")
        if wrong:
            shown = _first([f"{k}: {a} instead of {b}" for k, (a, b) in wrong.items()])
            problems.append(f"{len(wrong)} of the wrong shape ({shown})")
        raise ValueError(
            f"The checkpoint does not hold {expected} in the reference layout: "
            f"tensors {'; '.join(problems)}."
        )
    for variable, key, _, transpose in plan:
        value = np.asarray(given[key])
        if transpose:
            value = value.transpose(2, 3, 1, 0)
        variable.assign(value.astype(keras.backend.standardize_dtype(variable.dtype)))
    return dropped


def _assignment_plan(network, layer_keys):
    """`([(variable, key, torch shape, transpose)], optional, legacy keys)`."""
    plan, optional, legacy = [], set(), set()
    for layer in network.layers:
        prefix = layer_keys.get(layer.name)
        if isinstance(layer, (keras.layers.Conv2D, keras.layers.Conv2DTranspose)):
            height, width, a, b = layer.kernel.shape
            plan.append((layer.kernel, f"{prefix}.weight", (b, a, height, width), True))
            if layer.use_bias:
                bias = layer.bias
                plan.append((bias, f"{prefix}.bias", tuple(bias.shape), False))
        elif isinstance(layer, keras.layers.BatchNormalization):
            for variable, name in (
                (layer.gamma, "weight"),
                (layer.beta, "bias"),
                (layer.moving_mean, "running_mean"),
                (layer.moving_variance, "running_var"),
            ):
                key = f"{prefix}.{name}"
                plan.append((variable, key, tuple(variable.shape), False))
            optional.add(f"{prefix}.num_batches_tracked")
        elif isinstance(layer, keras.layers.GroupNormalization) and not layer.weights:
            if prefix is not None:
                legacy.update(f"{prefix}.{name}" for name in LEGACY_INSTANCE_NORM_KEYS)
            continue
        elif layer.weights:
            raise TypeError(
                f"Cannot fill layer {layer.name!r} ({type(layer).__name__}) from "
                "a PyTorch checkpoint: only convolutions and normalisations are "
                "supported."
            )
        else:
            continue
        if prefix is None:
            raise ValueError(
                f"`layer_keys` names no checkpoint prefix for layer {layer.name!r}."
            )
    return plan, optional, legacy


def _first(items, count=5):
    shown = ", ".join(str(item) for item in items[:count])
    return shown + (", ..." if len(items) > count else "")
