"""Reflection padding, instance norm, and the pix2pix/CycleGAN networks."""

import os

import keras
import numpy as np
import pytest

import ganzoo
from ganzoo.layers import ReflectionPadding2D
from ganzoo.layers import build_patchgan_discriminator
from ganzoo.layers import build_resnet_generator
from ganzoo.layers import build_seed_unet_generator
from ganzoo.layers import build_unet_generator
from ganzoo.layers import instance_normalization
from ganzoo.layers import normalization
from tests.testing import fake_images
from tests.testing import other_backends
from tests.testing import run_in_backend


def _structure(build, *args, **kwargs):
    """Builds a network without weight values: its shapes only.

    Initialising weights costs an XLA compilation per weight shape on JAX,
    seconds for the 256-pixel networks, so tests of structure skip it.
    """
    with keras.StatelessScope(initialize_variables=False):
        model = build(*args, **kwargs)
    keras.utils.clear_session()  # drops the pending initialisations
    return model


def _trainable_params(model):
    return sum(int(np.prod(w.shape)) for w in model.trainable_weights)


def _weighted_layer_names(model):
    return [layer.name for layer in model.layers if layer.weights]


@pytest.mark.parametrize(
    "padding, pad_width",
    [
        (2, ((2, 2), (2, 2))),
        ((1, 3), ((1, 1), (3, 3))),
        (((0, 3), (2, 1)), ((0, 3), (2, 1))),
    ],
)
def test_reflection_padding_equals_numpy_reflect(padding, pad_width):
    x = np.random.default_rng(0).normal(size=(2, 5, 6, 3)).astype("float32")
    layer = ReflectionPadding2D(padding)
    padded = keras.ops.convert_to_numpy(layer(x))
    expected = np.pad(x, ((0, 0),) + pad_width + ((0, 0),), mode="reflect")
    np.testing.assert_array_equal(padded, expected)
    assert layer.compute_output_shape((None, 5, 6, 3)) == (None,) + expected.shape[1:]
    assert ReflectionPadding2D.from_config(layer.get_config()).padding == layer.padding


def test_reflection_padding_rejects_bad_padding():
    with pytest.raises(ValueError, match="smaller than the width"):
        ReflectionPadding2D((1, 4))(np.zeros((1, 6, 4, 1), "float32"))
    with pytest.raises(ValueError, match="smaller than the height"):
        ReflectionPadding2D(3)(keras.Input((3, 8, 1)))
    for bad in (-1, 1.5, (1, 2, 3), ((1, 2), 3), True):
        with pytest.raises(ValueError, match="padding"):
            ReflectionPadding2D(bad)


def test_instance_normalization_normalises_each_image_and_channel():
    rng = np.random.default_rng(0)
    x = (rng.normal(size=(3, 5, 7, 4)) * [1, 2, 3, 4] + [0, 1, -2, 5]).astype("float32")
    layer = instance_normalization("norm")
    y = keras.ops.convert_to_numpy(layer(x))
    mean = x.mean(axis=(1, 2), keepdims=True)
    var = x.var(axis=(1, 2), keepdims=True)
    np.testing.assert_allclose(y, (x - mean) / np.sqrt(var + 1e-5), atol=1e-5)
    # The same in inference, and nothing to learn unless affine.
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(layer(x, training=True)), y, atol=1e-6
    )
    assert not layer.weights
    affine = instance_normalization("affine", affine=True)
    affine.build((None, 5, 7, 4))
    assert len(affine.trainable_weights) == 2


def test_normalization_by_name():
    batch = normalization("batch", "bn")
    assert isinstance(batch, keras.layers.BatchNormalization)
    assert batch.momentum == 0.9 and batch.epsilon == 1e-5
    instance = normalization("instance", "in")
    assert isinstance(instance, keras.layers.GroupNormalization)
    assert instance.groups == -1 and not instance.center and not instance.scale
    assert isinstance(normalization(None, "none"), keras.layers.Identity)
    with pytest.raises(ValueError, match="norm"):
        normalization("layer", "x")


def test_reference_parameter_counts():
    # Trainable parameters, as PyTorch counts them (BatchNorm's moving
    # statistics are buffers there).
    resnet = _structure(build_resnet_generator, (256, 256, 3))
    assert _trainable_params(resnet) == 11_378_179
    assert len(resnet.weights) == len(resnet.trainable_weights)  # no state
    unet = _structure(build_unet_generator, (256, 256, 3), num_downs=8, norm="batch")
    assert _trainable_params(unet) == 54_413_955
    patchgan = _structure(build_patchgan_discriminator, (256, 256, 6), norm="batch")
    assert _trainable_params(patchgan) == 2_768_705
    assert patchgan.output_shape == (None, 30, 30, 1)


def test_resnet_generator_layer_names_and_biases():
    model = _structure(build_resnet_generator, (16, 16, 3), 2, filters=4, num_blocks=2)
    assert model.output_shape == (None, 16, 16, 2)
    blocks = [f"block{k}_{part}" for k in (1, 2) for part in ("conv1", "conv2")]
    assert _weighted_layer_names(model) == (
        ["stem_conv", "down1_conv", "down2_conv"]
        + blocks
        + ["up1_conv", "up2_conv", "head_conv"]
    )
    assert all(model.get_layer(name).use_bias for name in blocks)
    batch = _structure(
        build_resnet_generator, (16, 16, 3), filters=4, num_blocks=1, norm="batch"
    )
    assert not batch.get_layer("block1_conv1").use_bias
    assert batch.get_layer("head_conv").use_bias
    assert isinstance(batch.get_layer("up1_norm"), keras.layers.BatchNormalization)


def test_unet_generator_layer_names_dropout_and_biases():
    model = _structure(build_unet_generator, (64, 64, 3), 1, num_downs=6, filters=4)
    assert model.output_shape == (None, 64, 64, 1)
    assert _weighted_layer_names(model) == [
        "down1_conv",
        "down2_conv",
        "down2_norm",
        "down3_conv",
        "down3_norm",
        "down4_conv",
        "down4_norm",
        "down5_conv",
        "down5_norm",
        "down6_conv",
        "up6_conv",
        "up6_norm",
        "up5_conv",
        "up5_norm",
        "up4_conv",
        "up4_norm",
        "up3_conv",
        "up3_norm",
        "up2_conv",
        "up2_norm",
        "up1_conv",
    ]
    dropouts = [
        layer.name for layer in model.layers if isinstance(layer, keras.layers.Dropout)
    ]
    assert dropouts == ["up5_dropout"]
    assert not model.get_layer("down1_conv").use_bias
    assert model.get_layer("up1_conv").use_bias
    # Level k concatenates its input after the level's LeakyReLU.
    skip = model.get_layer("skip3")
    assert skip.input[0] is model.get_layer("down3_relu").output
    unet256 = _structure(build_unet_generator, (256, 256, 3), filters=1)
    dropouts = [
        layer.name
        for layer in unet256.layers
        if isinstance(layer, keras.layers.Dropout)
    ]
    assert dropouts == ["up7_dropout", "up6_dropout", "up5_dropout"]


def test_patchgan_layer_names():
    model = _structure(
        build_patchgan_discriminator, (None, None, 6), filters=4, norm="instance"
    )
    assert _weighted_layer_names(model) == [
        "conv1",
        "conv2",
        "conv3",
        "conv4",
        "logits",
    ]
    assert model.get_layer("conv2").use_bias
    assert model.compute_output_shape((1, 256, 256, 6)) == (1, 30, 30, 1)
    assert model.compute_output_shape((1, 37, 45, 6)) == (1, 2, 3, 1)


def test_patchgan_pads_even_sides_in_the_convolution_with_the_same_result():
    keras.utils.set_random_seed(0)
    known = build_patchgan_discriminator((32, 32, 3), filters=4, norm="instance")
    pads = [
        layer.name
        for layer in known.layers
        if isinstance(layer, keras.layers.ZeroPadding2D)
    ]
    assert pads == ["conv4_pad", "logits_pad"]  # the stride-1 convolutions
    assert known.get_layer("conv2").padding == "same"
    unknown = build_patchgan_discriminator((None, None, 3), filters=4, norm="instance")
    assert len(unknown.layers) == len(known.layers) + 3
    unknown.set_weights(known.get_weights())
    images = fake_images(2, (32, 32, 3))
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(known(images)),
        keras.ops.convert_to_numpy(unknown(images)),
        rtol=1e-5,
        atol=1e-6,
    )


@pytest.fixture(scope="module")
def resnet_generator():
    """The small CycleGAN generator: reflection padding and instance norm."""
    keras.utils.set_random_seed(0)
    return build_resnet_generator((16, 16, 3), filters=4, num_blocks=2)


@pytest.mark.parametrize("kind", ["resnet", "unet", "seed_unet"])
def test_generators_keep_the_size_and_output_tanh_range(kind, resnet_generator):
    keras.utils.set_random_seed(0)
    if kind == "resnet":
        model = resnet_generator
    elif kind == "unet":  # short, to keep JAX's per-shape compilations few
        model = build_unet_generator((8, 8, 3), num_downs=3, filters=4)
    else:
        model = build_seed_unet_generator((8, 8, 3), filters=4)
    side = model.input_shape[1]
    images = fake_images(2, (side, side, 3))
    outputs = [model.predict(images, verbose=0)]
    if kind == "unet":  # BatchNorm's batch statistics
        outputs.append(keras.ops.convert_to_numpy(model(images, training=True)))
    for output in outputs:
        assert output.shape == (2, side, side, 3)
        assert np.all(np.abs(output) <= 1) and np.std(output) > 0


def test_seed_unet_generator_structure():
    model = _structure(build_seed_unet_generator, (16, 16, 1), 3)
    assert model.output_shape == (None, 16, 16, 3)
    assert model.get_layer("enc4_conv").output.shape == (None, 2, 2, 256)
    assert model.get_layer("dec3_skip").output.shape == (None, 16, 16, 64)
    norm = model.get_layer("enc1_norm")
    assert norm.center and norm.scale and norm.epsilon == 1e-3
    assert model.get_layer("enc2_norm").groups == 32  # one per channel
    with pytest.raises(ValueError, match="image_shape"):
        build_seed_unet_generator((20, 20, 1))


def test_builders_reject_bad_arguments():
    with pytest.raises(ValueError, match="image_shape"):
        build_unet_generator((96, 96, 3), num_downs=6)
    with pytest.raises(ValueError, match="image_shape"):
        build_unet_generator((256, 128, 3), num_downs=8)
    with pytest.raises(ValueError, match="num_downs"):
        build_unet_generator((32, 32, 3), num_downs=1)
    with pytest.raises(ValueError, match="image_shape"):
        build_resnet_generator((30, 30, 3))
    with pytest.raises(ValueError, match="num_blocks"):
        build_resnet_generator((32, 32, 3), num_blocks=-1)
    with pytest.raises(ValueError, match="norm"):
        build_patchgan_discriminator((32, 32, 3), norm="group")
    with pytest.raises(ValueError, match="input_shape"):
        build_patchgan_discriminator((32, 32))


def test_saving_round_trip(tmp_path, resnet_generator):
    path = os.path.join(tmp_path, "resnet.keras")
    resnet_generator.save(path)
    loaded = keras.saving.load_model(path)
    assert isinstance(loaded.get_layer("stem_pad"), ReflectionPadding2D)
    assert loaded.get_layer("stem_pad").padding == ((3, 3), (3, 3))
    images = fake_images(2, (16, 16, 3))
    np.testing.assert_array_equal(
        loaded.predict(images, verbose=0), resnet_generator.predict(images, verbose=0)
    )


def test_same_outputs_on_every_backend(tmp_path, resnet_generator):
    keras.utils.set_random_seed(2)
    resnet_generator.save(os.path.join(tmp_path, "resnet.keras"))
    patchgan = build_patchgan_discriminator((32, 32, 6), filters=4, num_layers=2)
    patchgan.save(os.path.join(tmp_path, "patchgan.keras"))
    here = _outputs(str(tmp_path))
    for other in other_backends():
        there = run_in_backend(other, _SCRIPT, tmp_path)
        for name in here:
            np.testing.assert_allclose(
                there[name], here[name], atol=1e-5, err_msg=f"{other} {name}"
            )


def _outputs(folder):
    """Each saved network's inference outputs (and the PatchGAN's in training,
    with BatchNorm's batch statistics) on fixed images."""
    result = {}
    for name in ("resnet", "patchgan"):
        model = keras.saving.load_model(os.path.join(folder, f"{name}.keras"))
        images = fake_images(2, model.input_shape[1:], seed=3)
        result[name] = model.predict(images, verbose=0).tolist()
        if name == "patchgan":
            outputs = model(images, training=True)
            result["patchgan_training"] = keras.ops.convert_to_numpy(outputs).tolist()
    return result


_SCRIPT = """
import json, sys
from tests.layers.test_image_to_image_layers import _outputs
print(json.dumps(_outputs(sys.argv[1])))
"""


@pytest.mark.parametrize("num_layers, smallest", [(3, 24), (2, 12), (1, 6)])
def test_patchgan_refuses_images_too_small_for_one_patch(num_layers, smallest):
    shape = (smallest, smallest, 6)
    discriminator = build_patchgan_discriminator(
        shape, filters=4, num_layers=num_layers
    )
    assert discriminator.output_shape == (None, 1, 1, 1)
    with pytest.raises(ValueError, match=f"at least {smallest}x{smallest}"):
        build_patchgan_discriminator(
            (smallest - 1, smallest, 6), filters=4, num_layers=num_layers
        )
    with pytest.raises(ValueError, match="discriminator_layers"):
        ganzoo.Pix2Pix(image_shape=(16, 16, 3), filters=4)
