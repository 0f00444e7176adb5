"""Converting the pix2pix/CycleGAN authors' checkpoints, proven offline.

A PyTorch implementation of the reference generators
(`torch_image_to_image_reference`) gets random weights (BatchNorm
statistics included), is saved as the authors' `.pth` files are, read with
`read_state_dict`, converted into ganzoo's networks, and both must give the
same outputs to within 1e-5, on every Keras backend.

The two checks of the published full-size layouts (an 11-million-weight
ResNet, a 54-million-weight U-Net-256) take the longest to build and add
only names and shapes, which no backend changes, to the small networks'
checks, so they are shared out between the backends' suites with
`runs_on_this_backend` (GANZOO_TEST_ALL=1 runs both everywhere). Each small
network converts and agrees on every backend.
"""

import keras
import numpy as np
import pytest

from ganzoo import layers
from ganzoo.backend.torch_checkpoint import read_state_dict
from ganzoo.models.cyclegan import reference_checkpoints as cyclegan_checkpoints
from ganzoo.models.cyclegan.reference_checkpoints import (
    load_resnet_generator_state_dict,
)
from ganzoo.models.pix2pix import reference_checkpoints as pix2pix_checkpoints
from ganzoo.models.pix2pix.reference_checkpoints import load_unet_generator_state_dict
from tests.testing import runs_on_this_backend

torch = pytest.importorskip("torch")
reference = pytest.importorskip("tests.models.torch_image_to_image_reference")

# Float rounding: the two frameworks sum in orders that change with their
# thread counts, which reached 3.2e-5 on ResNet-9's outputs once in a full
# run on a loaded machine (1e-5 held alone). A conversion error (a kernel
# transposed the wrong way, a missing bias) moves outputs by 0.1 or more.
TOLERANCE = 1e-4


def images(shape, count=2, seed=1):
    return np.random.default_rng(seed).uniform(-1, 1, (count,) + shape).astype("f4")


def converted(module, tmp_path, **save_kwargs):
    """`module`'s random weights, through a `.pth` file, as NumPy arrays."""
    path = reference.save_state_dict(module, tmp_path / "net.pth", **save_kwargs)
    return read_state_dict(path)


def keras_outputs(network, inputs, training=False):
    return keras.ops.convert_to_numpy(network(inputs, training=training))


def assert_close(actual, expected):
    np.testing.assert_allclose(actual, expected, rtol=0, atol=TOLERANCE)


# ----------------------------------------------------------------- ResNet


def test_published_resnet_9_converts_exactly(tmp_path):
    """The published architecture itself: 9 blocks, 64 filters, instance norm."""
    if not runs_on_this_backend(1):
        pytest.skip("runs in another backend's suite (GANZOO_TEST_ALL=1: here too)")
    shape = (32, 32, 3)
    module = reference.randomize(reference.ResnetGenerator(3, 3))
    generator = layers.build_resnet_generator(shape)
    assert generator.count_params() == 11_378_179
    state = converted(module, tmp_path)
    assert load_resnet_generator_state_dict(generator, state) == []
    x = images(shape)
    assert_close(keras_outputs(generator, x), reference.run(module, x))


def test_resnet_batch_norm_in_both_modes(tmp_path):
    """Running statistics (inference) and batch statistics (training)."""
    shape = (16, 16, 3)
    module = reference.ResnetGenerator(3, 2, filters=4, norm="batch", num_blocks=2)
    module = reference.randomize(module, seed=3)
    generator = layers.build_resnet_generator(shape, 2, 4, num_blocks=2, norm="batch")
    load_resnet_generator_state_dict(generator, converted(module, tmp_path), 2)
    x = images(shape, count=3)
    assert_close(keras_outputs(generator, x), reference.run(module, x))
    training = keras_outputs(generator, x, training=True)
    assert_close(training, reference.run(module, x, training=True))


def test_resnet_with_dropout_and_legacy_instance_norm_keys(tmp_path):
    shape = (16, 16, 3)
    module = reference.ResnetGenerator(3, 3, filters=4, dropout=True, num_blocks=2)
    module = reference.randomize(module, seed=4)
    generator = layers.build_resnet_generator(
        shape, filters=4, num_blocks=2, dropout=True
    )
    state = converted(module, tmp_path, legacy_instance_norm=True)
    dropped = load_resnet_generator_state_dict(generator, state, 2, dropout=True)
    # stem, 2 downs, 2 norms in each of 2 blocks, 2 ups: 9 norms, 3 keys each.
    assert len(dropped) == 27
    assert "model.10.conv_block.7.running_var" in dropped
    x = images(shape)
    assert_close(keras_outputs(generator, x), reference.run(module, x))


# ------------------------------------------------------------------ U-Net


def without_dropout(network):
    """Sets every Keras Dropout's rate to 0: batch statistics alone."""
    for layer in network.layers:
        if isinstance(layer, keras.layers.Dropout):
            layer.rate = 0.0


def test_unet_in_inference_and_with_batch_statistics(tmp_path):
    """6 levels: the pattern of U-Net-256, with one level of dropout."""
    shape = (64, 64, 3)
    module = reference.UnetGenerator(3, 2, 6, filters=4)
    module = reference.randomize(module, seed=6)
    generator = layers.build_unet_generator(shape, 2, num_downs=6, filters=4)
    assert (
        load_unet_generator_state_dict(generator, converted(module, tmp_path), 6) == []
    )
    x = images(shape, count=3)
    assert_close(keras_outputs(generator, x), reference.run(module, x))
    # The reference's test mode: batch statistics (dropout off to compare).
    without_dropout(generator)
    module.train()
    for child in module.modules():
        if isinstance(child, torch.nn.Dropout):
            child.eval()
    with torch.no_grad():
        expected = module(torch.from_numpy(x.transpose(0, 3, 1, 2))).numpy()
    training = keras_outputs(generator, x, training=True)
    assert_close(training, expected.transpose(0, 2, 3, 1))


@pytest.mark.large
def test_published_unet_256_layout():
    """U-Net-256 itself: every published name and shape, without a forward."""
    if not runs_on_this_backend(2):
        pytest.skip("runs in another backend's suite (GANZOO_TEST_ALL=1: here too)")
    module = reference.UnetGenerator(3, 3, 8)
    state = {k: v.numpy() for k, v in module.state_dict().items()}
    generator = layers.build_unet_generator((256, 256, 3))
    load_unet_generator_state_dict(generator, state)
    kernel = generator.get_layer("down4_conv").kernel
    torch_kernel = state["model.model.1.model.3.model.3.model.1.weight"]
    np.testing.assert_array_equal(
        keras.ops.convert_to_numpy(kernel), torch_kernel.transpose(2, 3, 1, 0)
    )


# ---------------------------------------------------------------- refusals


def _small_resnet_state(tmp_path):
    module = reference.ResnetGenerator(3, 3, filters=4, num_blocks=2)
    return converted(reference.randomize(module), tmp_path)


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda s: s.pop("model.1.weight"), r"1 missing \(model\.1\.weight\)"),
        (lambda s: s.update(extra=np.zeros(2)), r"1 unexpected \(extra\)"),
        (
            lambda s: s.update({"model.19.bias": np.zeros(5)}),
            r"1 of the wrong shape \(model\.19\.bias: \(5,\) instead of \(3,\)\)",
        ),
    ],
)
def test_a_different_network_is_refused_untouched(tmp_path, edit, message):
    state = _small_resnet_state(tmp_path)
    edit(state)
    generator = layers.build_resnet_generator((16, 16, 3), filters=4, num_blocks=2)
    before = [keras.ops.convert_to_numpy(w) for w in generator.weights]
    with pytest.raises(ValueError, match=message):
        load_resnet_generator_state_dict(generator, state, 2)
    for old, new in zip(before, generator.weights, strict=True):
        np.testing.assert_array_equal(old, keras.ops.convert_to_numpy(new))


def test_a_unet_checkpoint_is_not_a_resnet(tmp_path):
    module = reference.UnetGenerator(3, 3, 5, filters=2)
    state = converted(module, tmp_path)
    generator = layers.build_resnet_generator((16, 16, 3), filters=4, num_blocks=2)
    with pytest.raises(ValueError, match="ResNet generator with 2 blocks"):
        load_resnet_generator_state_dict(generator, state, 2)


# ------------------------------------------------------------------ tables


def test_published_tables():
    cyclegan = cyclegan_checkpoints.PUBLISHED_GENERATORS
    assert len(cyclegan) == 18 and len({g.name for g in cyclegan}) == 18
    names = {g.name: g for g in cyclegan}
    for generator in cyclegan:
        if generator.reverse is not None:
            assert names[generator.reverse].reverse == generator.name
    assert names["horse2zebra"].url == (
        "http://efrosgans.eecs.berkeley.edu/cyclegan/pretrained_models/horse2zebra.pth"
    )
    pix2pix = {g.name: g for g in pix2pix_checkpoints.PUBLISHED_GENERATORS}
    assert sorted(pix2pix) == [
        "day2night",
        "edges2shoes",
        "facades_label2photo",
        "map2sat",
        "sat2map",
    ]
    assert pix2pix["facades_label2photo"].archive_direction == "BtoA"
    assert pix2pix["facades_label2photo"].url == (
        "http://efrosgans.eecs.berkeley.edu/pix2pix/models-pytorch/"
        "facades_label2photo.pth"
    )
