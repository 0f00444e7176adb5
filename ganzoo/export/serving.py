"""The network an export holds: sampling as a functional Keras model.

`serving_model` builds, from a trained model, the functional model that
export writes: the network sampling uses (the EMA copy when `ema_decay` is
on) in inference mode, with the input contract of its family and, on
request, the uint8 conversions baked in. `example_inputs` gives inputs of
that contract, which the parity check runs through both the Keras model and
the reloaded export.
"""

import keras
import numpy as np
from keras import ops

#: The input of a generator family that `generate` feeds one array.
LATENT = "latent"
#: The input of an image-to-image export.
IMAGES = "images"


def is_image_to_image(model):
    """Whether `model` translates images (Pix2Pix, CycleGAN)."""
    return hasattr(type(model), "translate")


def network_name(model, direction):
    """The name of the network a Pix2Pix or CycleGAN export runs."""
    from ganzoo.models.cyclegan.cyclegan import DIRECTIONS
    from ganzoo.models.cyclegan.cyclegan import CycleGAN
    from ganzoo.models.cyclegan.cyclegan import _untrained_message

    if not isinstance(model, CycleGAN):
        if direction is not None:
            raise ValueError(
                "`direction` applies to CycleGAN, which holds one generator "
                f"per direction; {type(model).__name__} has one. Received: "
                f"direction={direction!r}"
            )
        return "generator"
    direction = "a_to_b" if direction is None else direction
    if direction not in DIRECTIONS:
        raise ValueError(
            f"`direction` must be one of {list(DIRECTIONS)}. "
            f"Received: direction={direction!r}"
        )
    if direction not in model.trained_directions:
        raise ValueError(_untrained_message(model, direction))
    return DIRECTIONS[direction]


def generator_inputs(model, num_images, seed=0):
    """The inputs `model.generate(num_images, seed=seed)` feeds the generator.

    Returns:
        A dict of NumPy arrays by input name: `{"latent": ...}` where
        `generate` feeds one array (noise; InfoGAN's noise and codes side by
        side), or the family's own names (`z`, `labels`, ...).
    """
    captured = []

    def record(inputs, batch_size=None):
        captured.append(inputs)
        return inputs

    # Every family's `generate` ends in `run_generator(inputs)`: asking it
    # for samples is the one way to learn its inputs that no family repeats.
    model.run_generator = record
    try:
        model.generate(num_images, seed=seed)
    finally:
        del model.run_generator
    (inputs,) = captured
    if not isinstance(inputs, dict):
        inputs = {LATENT: inputs}
    return {name: _input_array(value) for name, value in inputs.items()}


def example_inputs(model, num_images, direction=None, uint8_input=False, seed=0):
    """Inputs of an export's contract, as a dict of NumPy arrays by name."""
    if not is_image_to_image(model):
        return generator_inputs(model, num_images, seed)
    network = model.inference_network(network_name(model, direction))
    shape = (num_images,) + tuple(network.input_shape[1:])
    rng = np.random.default_rng(seed)
    if uint8_input:
        return {IMAGES: rng.integers(0, 256, shape).astype("uint8")}
    return {IMAGES: rng.uniform(-1.0, 1.0, shape).astype("float32")}


def serving_model(
    model,
    direction=None,
    uint8_output=False,
    uint8_input=False,
    test_time_dropout=False,
):
    """The functional model an export of `model` writes.

    Args:
        model: A ganzoo model (a `BaseGAN`).
        direction: CycleGAN only: `"a_to_b"` (default) or `"b_to_a"`.
        uint8_output: Whether the model returns uint8 images (0-255) instead
            of float32 ones in [-1, 1].
        uint8_input: Image-to-image only: whether the model takes uint8
            images (0-255) instead of float32 ones in [-1, 1].
        test_time_dropout: Pix2Pix only. Must stay `False`: see
            `ganzoo.export.export_model`.

    Returns:
        A functional `keras.Model`. Its inputs are named as in
        `example_inputs`; a model of one input takes a tensor, of several a
        list in that order. The batch size is left open.
    """
    if test_time_dropout:
        raise ValueError(
            "`test_time_dropout=True` cannot be exported: the paper's test "
            "mode draws new dropout masks and batch statistics on every call, "
            "so no export could be checked against the Keras model. Export "
            "with test_time_dropout=False (inference mode), or run "
            "`model.translate(images, test_time_dropout=True)` in Python."
        )
    if is_image_to_image(model):
        network = model.inference_network(network_name(model, direction))
        dtype = "uint8" if uint8_input else "float32"
        images = keras.Input(network.input_shape[1:], dtype=dtype, name=IMAGES)
        x = images
        if uint8_input:
            x = ops.cast(images, "float32") / 127.5 - 1.0
        inputs, outputs = images, network(x, training=False)
    else:
        if uint8_input:
            raise ValueError(
                "`uint8_input` applies to image-to-image models (Pix2Pix, "
                f"CycleGAN); a {type(model).__name__} takes noise. Received: "
                "uint8_input=True"
            )
        if direction is not None:
            raise ValueError(
                f"`direction` applies to CycleGAN; {type(model).__name__} has "
                f"one generator. Received: direction={direction!r}"
            )
        arrays = generator_inputs(model, 1)
        tensors = {
            name: keras.Input(a.shape[1:], dtype=a.dtype.name, name=name)
            for name, a in arrays.items()
        }
        structure = tensors[LATENT] if LATENT in tensors else tensors
        # `call`, not `model(...)`: the graph then holds only the networks
        # sampling runs, not the discriminator.
        outputs = model.call(structure, training=False)
        inputs = list(tensors.values())
        inputs = inputs[0] if len(inputs) == 1 else inputs
    if uint8_output:
        outputs = ops.cast(
            ops.clip(ops.round((outputs + 1.0) * 127.5), 0, 255), "uint8"
        )
    return keras.Model(inputs, outputs, name=f"{model.name}_serving")


def _input_array(value):
    """A NumPy array of an export's input dtype: int32 ids or float32."""
    value = np.asarray(value)
    return value.astype("int32" if value.dtype.kind in "iu" else "float32")
