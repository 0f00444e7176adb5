"""The family hierarchy: two bases, sibling families, shared parts."""

import inspect
import warnings

import keras
import numpy as np
import pytest

import ganzoo
from ganzoo import validation
from ganzoo.models.conditioning import ClassConditional
from ganzoo.models.dcgan.mixin import DCGANNetworks
from ganzoo.models.dcgan.networks import build_dcgan_discriminator

BASES = (ganzoo.NoiseToImageGAN, ganzoo.ImageToImageGAN)
FAMILIES = [
    getattr(ganzoo, name)
    for name in ganzoo.__all__
    if isinstance(getattr(ganzoo, name), type)
    and issubclass(getattr(ganzoo, name), ganzoo.BaseGAN)
    and getattr(ganzoo, name) not in (ganzoo.BaseGAN,) + BASES
]
#: Keys every model's config has beside its constructor's arguments.
KERAS_KEYS = {"name", "trainable", "dtype"}


def test_families_are_listed():
    assert len(FAMILIES) == 14


@pytest.mark.parametrize("cls", FAMILIES, ids=lambda c: c.__name__)
def test_every_family_is_one_base_below_base_gan(cls):
    ganzoo_ancestors = [
        klass
        for klass in cls.__mro__[1:]
        if isinstance(klass, type) and issubclass(klass, ganzoo.BaseGAN)
    ]
    assert ganzoo_ancestors in ([base, ganzoo.BaseGAN] for base in BASES)
    assert not any(issubclass(cls, other) for other in FAMILIES if other is not cls)


@pytest.mark.parametrize("cls", FAMILIES, ids=lambda c: c.__name__)
def test_config_keys_are_exactly_the_constructor_arguments(cls):
    """No family drops a key it inherited, nor keeps one it does not take."""
    model = cls(**_tiny(cls))
    arguments = {
        name
        for klass in (cls, ganzoo.BaseGAN)
        for name, parameter in inspect.signature(klass.__init__).parameters.items()
        if name != "self" and parameter.kind is not parameter.VAR_KEYWORD
    }
    assert set(model.get_config()) - KERAS_KEYS == arguments


def test_conditioning_is_a_capability_of_the_labelled_families():
    conditional = {cls for cls in FAMILIES if issubclass(cls, ClassConditional)}
    assert conditional == {ganzoo.CGAN, ganzoo.ConditionalDCGAN, ganzoo.ACGAN}
    assert not issubclass(ClassConditional, ganzoo.BaseGAN)


def test_families_on_dcgan_networks_share_its_generator_and_options():
    on_dcgan = {cls for cls in FAMILIES if issubclass(cls, DCGANNetworks)}
    assert on_dcgan == {
        ganzoo.DCGAN,
        ganzoo.ConditionalDCGAN,
        ganzoo.ACGAN,
        ganzoo.SGAN,
        ganzoo.WGAN,
        ganzoo.WGANGP,
        ganzoo.LSGAN,
        ganzoo.SNGAN,
    }
    reference = ganzoo.DCGAN(**_tiny(ganzoo.DCGAN)).generator
    kernels = [tuple(w.shape) for w in reference.weights]
    for cls in on_dcgan:
        model = cls(**_tiny(cls))
        generator = model.generator
        conditional = issubclass(cls, ClassConditional)
        assert len(generator.inputs) == (2 if conditional else 1), cls
        shapes = [tuple(w.shape) for w in generator.weights]
        # The one-hot label widens the projection's input, and nothing else.
        label_width = model.num_classes if conditional else 0
        assert shapes[0] == (kernels[0][0] + label_width, kernels[0][1]), cls
        assert shapes[1:] == kernels[1:], cls
        takes_dropout = "dropout" in inspect.signature(cls.__init__).parameters
        assert ("dropout" in model.get_config()) == takes_dropout, cls
        assert model.get_config()["filters"] == 4


def test_wgan_gp_has_no_clipping_hook():
    model = ganzoo.WGANGP(**_tiny(ganzoo.WGANGP))
    model.compile()
    critic = model.phases()[0]
    assert critic.repeat == 5 and critic.after_update is None
    assert not hasattr(model, "clip_value")


def test_one_trunk_builder_gives_every_discriminator():
    shape = (16, 16, 1)
    plain = build_dcgan_discriminator(shape, 4, 3, 0.0)
    conditional = build_dcgan_discriminator(shape, 4, 3, 0.0, label_classes=3)
    two_heads = build_dcgan_discriminator(
        shape, 4, 3, 0.0, heads=(("logit", 1), ("class_logits", 3))
    )
    with_features = build_dcgan_discriminator(
        shape, 4, 3, 0.0, heads=(("class_logits", 3),), return_features=True
    )
    assert plain.output_shape == (None, 1)
    inputs = [tuple(i.shape) for i in conditional.inputs]
    assert inputs == [(None, 16, 16, 1), (None, 3)]
    assert conditional.get_layer("down_1_input").output.shape[1:] == (8, 8, 7)
    assert [tuple(o.shape) for o in two_heads.outputs] == [(None, 1), (None, 3)]
    assert [tuple(o.shape) for o in with_features.outputs] == [
        (None, 3),
        (None, 4 * 4 * 8),
    ]
    strided = [
        [
            layer.name
            for layer in network.layers
            if isinstance(layer, ganzoo.layers.SubPixelConv2D)
        ]
        for network in (plain, conditional, two_heads, with_features)
    ]
    assert all(names == ["down_0", "down_1"] for names in strided)


def test_moved_network_helpers_still_import_with_a_warning():
    from ganzoo.models.cgan import networks

    for name in ("dcgan_features", "tiled_label"):
        with pytest.warns(DeprecationWarning, match="dcgan.networks"):
            getattr(networks, name)
    for name in (
        "build_conditional_mlp_generator",
        "build_conditional_mlp_discriminator",
    ):
        with pytest.warns(DeprecationWarning, match="gan.networks.build_mlp_"):
            getattr(networks, name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        images = keras.Input((16, 16, 1))
        features = networks.dcgan_features(images, 4, 3, 0.0, stages=2)
        generator = networks.build_conditional_mlp_generator((4, 4, 1), 3, 2, (8,))
        discriminator = networks.build_conditional_mlp_discriminator((4, 4, 1), 2)
    assert features.shape == (None, 8 * 4 * 4)
    assert [tuple(i.shape) for i in generator.inputs] == [(None, 3), (None, 2)]
    assert [tuple(i.shape) for i in discriminator.inputs] == [
        (None, 4, 4, 1),
        (None, 2),
    ]
    with pytest.raises(AttributeError):
        networks.no_such_builder  # noqa: B018


@pytest.mark.parametrize(
    "cls, kwargs, error",
    [
        (ganzoo.DCGAN, {"filters": "8"}, TypeError),
        (ganzoo.DCGAN, {"dropout": "0.3"}, TypeError),
        (ganzoo.DCGAN, {"dropout": -0.1}, ValueError),
        (ganzoo.ConditionalDCGAN, {"dropout": 1.0}, ValueError),
        (ganzoo.ACGAN, {"kernel_size": 2.0}, TypeError),
        (ganzoo.SGAN, {"dropout": None}, TypeError),
        (ganzoo.SGAN, {"generator_loss": 3}, TypeError),
        (ganzoo.SGAN, {"generator_loss": "hinge"}, ValueError),
        (ganzoo.DCGAN, {"loss": 3}, TypeError),
        (ganzoo.DCGAN, {"loss": "wgan"}, ValueError),
        (ganzoo.WGAN, {"clip_value": "0.01"}, TypeError),
        (ganzoo.WGAN, {"clip_value": 0}, ValueError),
        (ganzoo.WGANGP, {"gp_weight": "10"}, TypeError),
        (ganzoo.WGANGP, {"gp_weight": -1.0}, ValueError),
        (ganzoo.LSGAN, {"targets": (0, "1", 1)}, TypeError),
        (ganzoo.LSGAN, {"targets": 1.0}, TypeError),
        (ganzoo.LSGAN, {"targets": (0, 1)}, ValueError),
        (ganzoo.InfoGAN, {"categorical_weight": "1"}, TypeError),
        (ganzoo.InfoGAN, {"continuous_weight": -1.0}, ValueError),
        (ganzoo.InfoGAN, {"num_categories": 1}, ValueError),
        (ganzoo.InfoGAN, {"num_categories": 2.0}, TypeError),
        (ganzoo.CGAN, {"num_classes": 1}, ValueError),
        (ganzoo.CGAN, {"num_classes": "10"}, TypeError),
        (ganzoo.CycleGAN, {"cycle_weight": "10"}, TypeError),
        (ganzoo.CycleGAN, {"identity_weight": -1.0}, ValueError),
        (ganzoo.CycleGAN, {"trained_directions": None}, TypeError),
        (ganzoo.Pix2Pix, {"l1_weight": "100"}, TypeError),
        (ganzoo.Pix2Pix, {"l1_weight": -1.0}, ValueError),
        (ganzoo.GAN, {"ema_decay": "0.9"}, TypeError),
        (ganzoo.GAN, {"ema_decay": 1.0}, ValueError),
    ],
)
def test_a_bad_type_is_a_type_error_and_a_bad_value_a_value_error(cls, kwargs, error):
    (arg,) = kwargs
    with pytest.raises(error, match=rf"`{arg}.*Received: {arg}"):
        cls(**{**_tiny(cls), **kwargs})


@pytest.mark.parametrize(
    "check, value, error",
    [
        (lambda v: validation.check_int(v, "n", minimum=0), -1, ValueError),
        (lambda v: validation.check_int(v, "n", minimum=0), True, TypeError),
        (lambda v: validation.check_number(v, "x", 0.0, 1.0), np.nan, ValueError),
        (lambda v: validation.check_number(v, "x", 0.0, 1.0), [0.5], TypeError),
        (lambda v: validation.check_rate(v, "x"), 1.0, ValueError),
        (lambda v: validation.check_one_of(v, ("a", "b"), "x"), "c", ValueError),
        (lambda v: validation.check_one_of(v, ("a", "b"), "x"), 1, TypeError),
        (lambda v: validation.check_numeric_array(v, "x"), "abc", TypeError),
    ],
)
def test_shared_checks(check, value, error):
    with pytest.raises(error, match="Received: "):
        check(value)


def test_shared_checks_return_clean_values():
    assert validation.check_int(np.int64(3), "n") == 3
    assert validation.check_number(np.float32(0.5), "x", 0, 1) == 0.5
    assert validation.check_rate(0, "x") == 0.0
    assert validation.check_positive_number(2, "x") == 2.0
    with pytest.raises(ValueError, match=r"a number in \[0, 1\)"):
        validation.check_rate(1, "dropout")


def _tiny(cls):
    """The smallest arguments each family builds quickly with."""
    if issubclass(cls, ganzoo.ImageToImageGAN):
        return {"image_shape": (32, 32, 1), "filters": 4, "num_blocks": 1}
    kwargs = {"image_shape": (8, 8, 1)}
    parameters = inspect.signature(cls.__init__).parameters
    kwargs.update({k: 4 for k in ("filters", "latent_dim") if k in parameters})
    if cls is ganzoo.StackedGAN:
        kwargs.update(z0_dim=2, z1_dim=2, feature_dim=4, encoder_filters=4)
    return kwargs
