"""The pix2pix authors' published generators, as presets.

The reference PyTorch implementation (junyanz/pytorch-CycleGAN-and-pix2pix)
publishes 5 pix2pix generators, one `.pth` file each: the `state_dict` of a
U-Net-256 (8 levels, 64 filters, batch norm, dropout 0.5 in three levels),
trained on 256-pixel images. They are registered as `pix2pix_<name>`
presets that download and convert on first use (see
`ganzoo.presets.converted`). The authors publish no checksums: the file's
tensors are checked by name and shape, and its SHA-256 is recorded in the
converted preset.

The reference tests these models without `--eval`, that is with the
generator in training mode: BatchNorm normalises with the statistics of the
batch being translated and dropout stays on. The checkpoints hold running
statistics too, so inference mode works as well, differently.
The discriminator is not published and keeps its fresh initialisation.
"""

from ganzoo.models.pix2pix.pix2pix import Pix2Pix
from ganzoo.presets.converted import PublishedGenerator
from ganzoo.presets.converted import load_reference_state_dict
from ganzoo.presets.converted import register_published_generators

URL_TEMPLATE = "http://efrosgans.eecs.berkeley.edu/pix2pix/models-pytorch/{}.pth"
IMAGE_SHAPE = (256, 256, 3)
NUM_DOWNS = 8
FILTERS = 64


def _published(name, archive, source, target, archive_direction):
    return PublishedGenerator(
        "pix2pix",
        name,
        URL_TEMPLATE.format(name),
        archive,
        source,
        target,
        archive_direction,
    )


#: The 5 generators of the reference's `scripts/download_pix2pix_model.sh`.
PUBLISHED_GENERATORS = (
    _published("edges2shoes", "edges2shoes", "edge maps", "shoes", "AtoB"),
    _published("sat2map", "maps", "aerial photos", "Google maps", "AtoB"),
    _published("map2sat", "maps", "Google maps", "aerial photos", "BtoA"),
    _published(
        "facades_label2photo", "facades", "facade label maps", "facade photos", "BtoA"
    ),
    _published("day2night", "night2day", "daytime scenes", "night-time scenes", "BtoA"),
)


def unet_generator_layer_keys(num_downs=NUM_DOWNS):
    """The reference `UnetGenerator` prefix of each ganzoo layer.

    The reference nests its levels: level 1 (outermost) is `model.model`,
    level 2 `model.model.1.model` and each deeper one `<previous>.3.model`.

    Args:
        num_downs: Levels of the U-Net.

    Returns:
        `{layer name: state-dict prefix}` for
        `ganzoo.layers.build_unet_generator`'s layers with weights.

    Example:

    ```python
    unet_generator_layer_keys(8)["up1_conv"]  # "model.model.3"
    ```
    """
    prefixes = {1: "model.model", 2: "model.model.1.model"}
    for k in range(3, num_downs + 1):
        prefixes[k] = prefixes[k - 1] + ".3.model"
    keys = {"down1_conv": f"{prefixes[1]}.0", "up1_conv": f"{prefixes[1]}.3"}
    for k in range(2, num_downs):
        keys[f"down{k}_conv"] = f"{prefixes[k]}.1"
        keys[f"down{k}_norm"] = f"{prefixes[k]}.2"
        keys[f"up{k}_conv"] = f"{prefixes[k]}.5"
        keys[f"up{k}_norm"] = f"{prefixes[k]}.6"
    innermost = prefixes[num_downs]
    keys[f"down{num_downs}_conv"] = f"{innermost}.1"
    keys[f"up{num_downs}_conv"] = f"{innermost}.3"
    keys[f"up{num_downs}_norm"] = f"{innermost}.4"
    return keys


def load_unet_generator_state_dict(generator, state_dict, num_downs=NUM_DOWNS):
    """Fills a U-Net generator with a reference `UnetGenerator` state_dict.

    Args:
        generator: From `ganzoo.layers.build_unet_generator` with the same
            `num_downs`, filters and normalisation as the checkpoint.
        state_dict: `{name: numpy.ndarray}` (see
            `ganzoo.backend.torch_checkpoint.read_state_dict`).
        num_downs: Levels of the U-Net.

    Returns:
        The legacy InstanceNorm keys that were dropped.

    Raises:
        ValueError: if the names or shapes differ from the generator's.

    Example:

    ```python
    generator = ganzoo.layers.build_unet_generator((256, 256, 3))
    load_unet_generator_state_dict(generator, read_state_dict("g.pth"))
    ```
    """
    return load_reference_state_dict(
        generator,
        state_dict,
        unet_generator_layer_keys(num_downs),
        f"a U-Net generator with {num_downs} levels like {generator.name!r}",
    )


def convert_published_generator(state_dict, generator, **config):
    """A `Pix2Pix` whose generator is a published one.

    Args:
        state_dict: The checkpoint's `{name: numpy.ndarray}`.
        generator: Its `PublishedGenerator`.
        **config: Pix2Pix arguments replacing the published architecture's
            (tests convert small networks this way).

    Returns:
        The model, named after the preset; its discriminator is freshly
        initialised.
    """
    config = {
        "image_shape": IMAGE_SHAPE,
        "num_downs": NUM_DOWNS,
        "filters": FILTERS,
        **config,
    }
    model = Pix2Pix(
        generator="unet",
        norm="batch",
        dropout=True,
        name=generator.preset_name,
        **config,
    )
    load_unet_generator_state_dict(
        model.generator, state_dict, num_downs=config["num_downs"]
    )
    return model


def model_card(generator):
    """Markdown for a published generator's model card."""
    side = (
        "left to right" if generator.archive_direction == "AtoB" else ("right to left")
    )
    return f"""\
The pix2pix authors' published generator from {generator.source} to
{generator.target}, trained on the `{generator.archive}` archive's image pairs
from {side} (the reference's `--direction {generator.archive_direction}`), on
256x256 images: U-Net-256 (8 levels, 64 filters, batch norm, dropout).

`model.translate(images)` runs it on RGB images in [-1, 1],
`(n, 256, 256, 3)`, in inference mode, with the running BatchNorm statistics
the checkpoint holds. The reference's test script instead runs it in
training mode, BatchNorm normalising each batch with its own statistics and
dropout on: `model.translate(images, test_time_dropout=True, batch_size=1)`
does that. The discriminator is not published: it is freshly initialised,
so `fit` fine-tunes from the published generator with a new discriminator.
No quality figures are measured here.

Reference: Isola et al., "Image-to-Image Translation with Conditional
Adversarial Networks", CVPR 2017; weights from
github.com/junyanz/pytorch-CycleGAN-and-pix2pix
(`scripts/download_pix2pix_model.sh`)."""


def _describe(generator):
    return (
        f"The pix2pix authors' {generator.source} -> {generator.target} "
        "generator (U-Net-256)",
        f"{generator.archive} (pix2pix archive, {generator.archive_direction})",
    )


register_published_generators(
    PUBLISHED_GENERATORS,
    "Pix2Pix",
    _describe,
    convert_published_generator,
    model_card,
)
