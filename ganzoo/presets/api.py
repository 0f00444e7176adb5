"""`from_preset`, `save_to_preset`, `presets` and `list_presets`."""

import keras

from ganzoo.presets import registry
from ganzoo.presets.preset_io import load_preset_folder
from ganzoo.presets.preset_io import read_metadata
from ganzoo.presets.preset_io import save_preset
from ganzoo.presets.resolve import resolve


def load(preset, cls=None, *, sha256=None, **overrides):
    """Loads a preset as a model of its own class.

    Args:
        preset: A registered name (see `list_presets()`), a local preset
            folder, an `https://` URL of a preset archive (`.tar.gz` or
            `.zip`, with `sha256`), or `hf://owner/repo[@revision]`.
        cls: If given, the preset must be of this class or a subclass.
        sha256: The archive's SHA-256, for URLs.
        **overrides: Constructor arguments replacing the preset's, e.g.
            `dropout=0.0`.

    Returns:
        The model with the preset's weights, not compiled.
    """
    folder, info = resolve(preset, sha256=sha256)
    if info is not None and cls is not None:
        registered = _class_of(info)
        if registered is not None and not issubclass(registered, cls):
            raise ValueError(
                f"Preset {info.name!r} is a {info.class_name}, not a "
                f"{cls.__name__}: load it with "
                f"`ganzoo.{info.class_name}.from_preset({info.name!r})` or "
                f"`ganzoo.from_preset({info.name!r})`."
            )
    return load_preset_folder(folder, expected_class=cls, overrides=overrides)


def list_presets(family=None):
    """The registered presets, with their measured figures where shipped.

    Args:
        family: Optional class name (any case), e.g. `"dcgan"`.

    Returns:
        A list of dicts: `name`, `class_name`, `description`, `source`,
        `downloads_on_first_use` (True for presets fetched into the cache,
        e.g. the authors' CycleGAN and pix2pix generators, which are
        converted on first use and have no measured figures here), and for
        shipped presets `parameter_count`, `dataset` and `metrics`.
    """
    rows = []
    for info in registry.registered_presets():
        if family is not None and info.class_name.lower() != str(family).lower():
            continue
        row = {
            "name": info.name,
            "class_name": info.class_name,
            "description": info.description,
            "source": info.source,
            "downloads_on_first_use": info.downloads_on_first_use,
        }
        if info.source == "builtin":
            meta = read_metadata(resolve(info.name)[0])
            for key in ("parameter_count", "dataset", "metrics"):
                if key in meta:
                    row[key] = meta[key]
        rows.append(row)
    return rows


def _class_of(info):
    return keras.saving.get_registered_object(f"ganzoo>{info.class_name}")


class _PresetNames:
    """`Model.presets`: the registered names a class (or subclass) loads."""

    def __get__(self, instance, owner):
        names = []
        for info in registry.registered_presets():
            cls = _class_of(info)
            if cls is not None and issubclass(cls, owner):
                names.append(info.name)
        return tuple(names)


class PresetMixin:
    """Gives a Keras model class `from_preset`, `presets`, `save_to_preset`."""

    presets = _PresetNames()

    @classmethod
    def from_preset(cls, preset, *, sha256=None, **overrides):
        """Loads a pretrained model in one call.

        Args:
            preset: A name from `cls.presets` (see `ganzoo.list_presets()`),
                a local preset folder, an `https://` URL of a preset archive
                with `sha256`, or `hf://owner/repo[@revision]`.
            sha256: SHA-256 of the archive, for URLs.
            **overrides: Constructor arguments to change.

        Returns:
            The model, weights loaded, not compiled.

        Example:

        ```python
        model = ganzoo.DCGAN.from_preset("dcgan_mnist")
        images = model.generate(16, seed=0)
        ```
        """
        return load(preset, cls, sha256=sha256, **overrides)

    def save_to_preset(self, folder, metadata=None, sample_inputs=None):
        """Writes the model as a preset folder that `from_preset` loads.

        Args:
            folder: Destination; replaced if it exists.
            metadata: Optional dict for `metadata.json` (`description`,
                `dataset`, `recipe`, `training_steps`, `metrics`).
            sample_inputs: For image-to-image models, images in [-1, 1]
                whose translations make the model card's sample image.

        Returns:
            The folder.
        """
        return save_preset(self, folder, metadata, sample_inputs)
