"""The CycleGAN authors' published generators, as presets.

The reference PyTorch implementation (junyanz/pytorch-CycleGAN-and-pix2pix)
publishes 18 generators, one `.pth` file each (the `state_dict` of one
ResNet generator with 9 blocks, 64 filters, instance norm without learned
parameters, no dropout, trained on 256-pixel crops). They are registered as
`cyclegan_<name>` presets that download and convert on first use (see
`ganzoo.presets.converted`). The authors publish no checksums: the file's
tensors are checked by name and shape, and its SHA-256 is recorded in the
converted preset.

Each file holds the generator of one direction only; the preset is a
`CycleGAN` whose `a_to_b` generator is the published one and which refuses
`b_to_a`, naming the preset of the reverse direction where one is published.
Discriminators are not published: they keep their fresh initialisation, so
fine-tuning with `fit` starts from trained generators and new critics.
"""

from ganzoo.models.cyclegan.cyclegan import CycleGAN
from ganzoo.presets.converted import PublishedGenerator
from ganzoo.presets.converted import load_reference_state_dict
from ganzoo.presets.converted import register_published_generators

URL_TEMPLATE = "http://efrosgans.eecs.berkeley.edu/cyclegan/pretrained_models/{}.pth"
IMAGE_SHAPE = (256, 256, 3)
NUM_BLOCKS = 9
FILTERS = 64


def _published(name, archive, source, target, archive_direction, reverse):
    return PublishedGenerator(
        "cyclegan",
        name,
        URL_TEMPLATE.format(name),
        archive,
        source,
        target,
        archive_direction,
        reverse,
    )


def _pair(a_to_b, b_to_a, archive, domain_a, domain_b, directions=("AtoB", "BtoA")):
    return (
        _published(a_to_b, archive, domain_a, domain_b, directions[0], b_to_a),
        _published(b_to_a, archive, domain_b, domain_a, directions[1], a_to_b),
    )


def _style(artist, painter):
    archive = f"{artist}2photo"
    return _published(
        f"style_{artist}", archive, "photos", f"{painter} paintings", "BtoA", None
    )


#: The 18 generators of the reference's `scripts/download_cyclegan_model.sh`.
PUBLISHED_GENERATORS = (
    *_pair("apple2orange", "orange2apple", "apple2orange", "apples", "oranges"),
    *_pair(
        "summer2winter_yosemite",
        "winter2summer_yosemite",
        "summer2winter_yosemite",
        "Yosemite in summer",
        "Yosemite in winter",
    ),
    *_pair("horse2zebra", "zebra2horse", "horse2zebra", "horses", "zebras"),
    _published(
        "monet2photo", "monet2photo", "Monet paintings", "photos", "AtoB", "style_monet"
    ),
    _published(
        "style_monet", "monet2photo", "photos", "Monet paintings", "BtoA", "monet2photo"
    ),
    _style("cezanne", "Cezanne"),
    _style("ukiyoe", "Ukiyo-e"),
    _style("vangogh", "Van Gogh"),
    *_pair("sat2map", "map2sat", "maps", "aerial photos", "Google maps"),
    *_pair(
        "cityscapes_photo2label",
        "cityscapes_label2photo",
        "cityscapes",
        "street photos",
        "Cityscapes label maps",
    ),
    *_pair(
        "facades_photo2label",
        "facades_label2photo",
        "facades",
        "facade photos",
        "facade label maps",
        directions=(None, None),
    ),
    _published(
        "iphone2dslr_flower",
        "iphone2dslr_flower",
        "iPhone flower photos",
        "DSLR flower photos (shallow depth of field)",
        "AtoB",
        None,
    ),
)


def resnet_generator_layer_keys(num_blocks=NUM_BLOCKS, dropout=False):
    """The reference `ResnetGenerator` prefix of each ganzoo layer.

    Args:
        num_blocks: Residual blocks.
        dropout: Whether the blocks have dropout (shifts the second
            convolution's index by one).

    Returns:
        `{layer name: state-dict prefix}` for
        `ganzoo.layers.build_resnet_generator`'s layers with weights and its
        norms.

    Example:

    ```python
    resnet_generator_layer_keys(9)["head_conv"]  # "model.26"
    ```
    """
    keys = {
        "stem_conv": "model.1",
        "stem_norm": "model.2",
        "down1_conv": "model.4",
        "down1_norm": "model.5",
        "down2_conv": "model.7",
        "down2_norm": "model.8",
        "up1_conv": f"model.{10 + num_blocks}",
        "up1_norm": f"model.{11 + num_blocks}",
        "up2_conv": f"model.{13 + num_blocks}",
        "up2_norm": f"model.{14 + num_blocks}",
        "head_conv": f"model.{17 + num_blocks}",
    }
    shift = 1 if dropout else 0
    for k in range(1, num_blocks + 1):
        block = f"model.{9 + k}.conv_block"
        keys[f"block{k}_conv1"] = f"{block}.1"
        keys[f"block{k}_norm1"] = f"{block}.2"
        keys[f"block{k}_conv2"] = f"{block}.{5 + shift}"
        keys[f"block{k}_norm2"] = f"{block}.{6 + shift}"
    return keys


def load_resnet_generator_state_dict(
    generator, state_dict, num_blocks=NUM_BLOCKS, dropout=False
):
    """Fills a ResNet generator with a reference `ResnetGenerator` state_dict.

    Args:
        generator: From `ganzoo.layers.build_resnet_generator` with the same
            `num_blocks`, `dropout`, filters and normalisation as the
            checkpoint.
        state_dict: `{name: numpy.ndarray}` (see
            `ganzoo.backend.torch_checkpoint.read_state_dict`).
        num_blocks: Residual blocks.
        dropout: Whether the blocks have dropout.

    Returns:
        The legacy InstanceNorm keys that were dropped.

    Raises:
        ValueError: if the names or shapes differ from the generator's.

    Example:

    ```python
    generator = ganzoo.layers.build_resnet_generator((256, 256, 3))
    load_resnet_generator_state_dict(generator, read_state_dict("g.pth"))
    ```
    """
    return load_reference_state_dict(
        generator,
        state_dict,
        resnet_generator_layer_keys(num_blocks, dropout),
        f"a ResNet generator with {num_blocks} blocks like {generator.name!r}",
    )


def convert_published_generator(state_dict, generator, **config):
    """A `CycleGAN` whose `a_to_b` generator is a published one.

    Args:
        state_dict: The checkpoint's `{name: numpy.ndarray}`.
        generator: Its `PublishedGenerator`.
        **config: CycleGAN arguments replacing the published architecture's
            (tests convert small networks this way).

    Returns:
        The model, named after the preset, with `trained_directions`
        `("a_to_b",)`: `b_to_a` and the discriminators are freshly
        initialised.
    """
    config = {
        "image_shape": IMAGE_SHAPE,
        "num_blocks": NUM_BLOCKS,
        "filters": FILTERS,
        **config,
    }
    model = CycleGAN(
        generator="resnet",
        trained_directions=("a_to_b",),
        reverse_preset=generator.reverse_preset,
        name=generator.preset_name,
        **config,
    )
    load_resnet_generator_state_dict(
        model.generator_ab, state_dict, num_blocks=config["num_blocks"]
    )
    return model


def model_card(generator):
    """Markdown for a published generator's model card."""
    side = {
        "AtoB": f"its trainA to trainB direction (`G_A` of `{generator.archive}`)",
        "BtoA": f"its trainB to trainA direction (`G_B` of `{generator.archive}`)",
        None: "one of its two directions",
    }[generator.archive_direction]
    if generator.reverse:
        reverse = (
            "The authors publish the other direction as "
            f'`ganzoo.CycleGAN.from_preset("{generator.reverse_preset}")`.'
        )
    else:
        reverse = "The authors publish no generator for the other direction."
    return f"""\
The CycleGAN authors' published generator from {generator.source} to
{generator.target}, trained on the `{generator.archive}` archive in {side},
on 256x256 crops: a ResNet generator with 9 blocks, 64 filters and instance
norm. `model.translate(images)` runs it on RGB images in [-1, 1],
`(n, 256, 256, 3)`; the network is fully convolutional, so
`from_preset(..., image_shape=(h, w, 3))` with `h` and `w` multiples of 4
takes other sizes.

The file holds this one generator: `translate(images, direction="b_to_a")`
is refused (`trained_directions=("a_to_b",)`). {reverse} The discriminators
are not published either: they are freshly initialised, so `fit` fine-tunes
from the published generator with new discriminators. No quality figures
are measured here.

Reference: Zhu et al., "Unpaired Image-to-Image Translation using
Cycle-Consistent Adversarial Networks", ICCV 2017; weights from
github.com/junyanz/pytorch-CycleGAN-and-pix2pix
(`scripts/download_cyclegan_model.sh`)."""


def _describe(generator):
    return (
        f"The CycleGAN authors' {generator.source} -> {generator.target} "
        "generator (ResNet-9, 256 px)",
        f"{generator.archive} (CycleGAN archive)",
    )


register_published_generators(
    PUBLISHED_GENERATORS,
    "CycleGAN",
    _describe,
    convert_published_generator,
    model_card,
)
