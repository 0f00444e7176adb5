"""Reflection padding of images, as `torch.nn.ReflectionPad2d` does it."""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="ganzoo")
class ReflectionPadding2D(keras.layers.Layer):
    """Pads height and width by mirroring the image at its borders.

    The border row or column itself is not repeated: padding `[a, b, c]`
    by 2 on the left gives `[c, b, a, b, c]`, like `numpy.pad(...,
    mode="reflect")` and PyTorch's `ReflectionPad2d`. Each padding must
    therefore be smaller than the side it pads. Input and output are
    channels-last, `(batch, height, width, channels)`.

    Args:
        padding: An int (the same on all four sides), a tuple of two ints
            `(height_pad, width_pad)`, or `((top, bottom), (left, right))`.
        **kwargs: Passed on to `keras.layers.Layer`.

    Example:

    ```python
    x = keras.Input((64, 64, 3))
    y = ganzoo.layers.ReflectionPadding2D(3)(x)  # (None, 70, 70, 3)
    ```

    Reference:
        Johnson et al., "Perceptual Losses for Real-Time Style Transfer and
        Super-Resolution", ECCV 2016 (reflection padding in image
        transformation networks, adopted by CycleGAN).
    """

    def __init__(self, padding=1, **kwargs):
        super().__init__(**kwargs)
        self.padding = _normalize_padding(padding)

    def build(self, input_shape):
        self._check_input_shape(input_shape)
        self.built = True

    def call(self, inputs):
        (top, bottom), (left, right) = self.padding
        return ops.pad(
            inputs, ((0, 0), (top, bottom), (left, right), (0, 0)), mode="reflect"
        )

    def compute_output_shape(self, input_shape):
        self._check_input_shape(input_shape)
        batch, height, width, channels = input_shape
        (top, bottom), (left, right) = self.padding
        if height is not None:
            height += top + bottom
        if width is not None:
            width += left + right
        return (batch, height, width, channels)

    def _check_input_shape(self, input_shape):
        if len(input_shape) != 4:
            raise ValueError(
                f"ReflectionPadding2D '{self.name}' expects inputs of rank 4 "
                f"(batch, height, width, channels). Received: "
                f"input_shape={tuple(input_shape)}"
            )
        for axis, size, pads in (
            ("height", input_shape[1], self.padding[0]),
            ("width", input_shape[2], self.padding[1]),
        ):
            if size is not None and max(pads) >= size:
                raise ValueError(
                    f"ReflectionPadding2D '{self.name}': each padding must be "
                    f"smaller than the {axis} it pads, since the border is "
                    f"mirrored without repeating it. Received: padding="
                    f"{self.padding} for {axis} {size} (input_shape="
                    f"{tuple(input_shape)})"
                )

    def get_config(self):
        config = super().get_config()
        config.update(padding=self.padding)
        return config


def _normalize_padding(padding):
    """`padding` as `((top, bottom), (left, right))` of non-negative ints."""

    def is_int(value):
        return isinstance(value, int) and not isinstance(value, bool)

    if is_int(padding):
        pairs = ((padding, padding), (padding, padding))
    elif isinstance(padding, (tuple, list)) and len(padding) == 2:
        if all(is_int(p) for p in padding):
            pairs = ((padding[0], padding[0]), (padding[1], padding[1]))
        elif all(
            isinstance(p, (tuple, list)) and len(p) == 2 and all(map(is_int, p))
            for p in padding
        ):
            pairs = (tuple(padding[0]), tuple(padding[1]))
        else:
            pairs = None
    else:
        pairs = None
    if pairs is None or min(min(pairs)) < 0:
        raise ValueError(
            "`padding` must be a non-negative int, a tuple of two such ints "
            "(height, width), or ((top, bottom), (left, right)). Received: "
            f"padding={padding!r}"
        )
    return pairs
