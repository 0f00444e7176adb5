#!/usr/bin/env python
"""ganzoo's PyTorch layer kernels against Keras's own, forward and backward.

For DCGAN's shapes (batch 64): a critic `Conv2D` and the generator's two
`Conv2DTranspose` layers ("same" padding, kernel 5, stride 2), and a
training-mode `BatchNormalization`, each timed as Keras's layer and as the
ganzoo layer that replaces it (`SubPixelConv2D`, `SubPixelConv2DTranspose`,
`FusedBatchNormalization`), with equal weights; both outputs are compared.
One torch thread, process CPU time, the best of `--repeats` timings of
`--number` calls, so that other processes on a busy machine barely matter.

    .venv/bin/python bench/torch_layers.py
"""

import argparse
import os
import time

os.environ["KERAS_BACKEND"] = "torch"

import keras  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402

import ganzoo  # noqa: E402

CASES = [
    (
        "critic Conv2D 64 -> 128, 14x14",
        (64, 14, 14, 64),
        lambda: keras.layers.Conv2D(128, 5, strides=2, padding="same"),
        lambda: ganzoo.layers.SubPixelConv2D(128, 5, strides=2, padding="same"),
    ),
    (
        "generator Conv2DTranspose 128 -> 64, 7x7",
        (64, 7, 7, 128),
        lambda: keras.layers.Conv2DTranspose(64, 5, strides=2, padding="same"),
        lambda: ganzoo.layers.SubPixelConv2DTranspose(64, 5, strides=2, padding="same"),
    ),
    (
        "generator Conv2DTranspose 64 -> 1, 14x14",
        (64, 14, 14, 64),
        lambda: keras.layers.Conv2DTranspose(1, 5, strides=2, padding="same"),
        lambda: ganzoo.layers.SubPixelConv2DTranspose(1, 5, strides=2, padding="same"),
    ),
    (
        "BatchNormalization (training), 14x14x64",
        (64, 14, 14, 64),
        keras.layers.BatchNormalization,
        ganzoo.layers.FusedBatchNormalization,
    ),
]


def milliseconds(layer, x, number, repeats):
    """Best CPU time of one forward + backward of `layer` on `x`."""
    kwargs = {"training": True} if "Normalization" in type(layer).__name__ else {}

    def step():
        (layer(x, **kwargs) ** 2).sum().backward()

    step()
    best = float("inf")
    for _ in range(repeats):
        start = time.process_time()
        for _ in range(number):
            step()
        best = min(best, (time.process_time() - start) / number)
    return best * 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--number", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(1)
    print("| layer | Keras on torch, ms | ganzoo, ms |\n|---|---:|---:|")
    for name, shape, keras_layer, ganzoo_layer in CASES:
        x = torch.randn(*shape, requires_grad=True)
        reference, ours = keras_layer(), ganzoo_layer()
        reference.build(shape)
        ours.build(shape)
        ours.set_weights(reference.get_weights())
        np.testing.assert_allclose(
            keras.ops.convert_to_numpy(ours(x)),
            keras.ops.convert_to_numpy(reference(x)),
            atol=1e-4,
        )
        keras_ms = milliseconds(reference, x, args.number, args.repeats)
        ganzoo_ms = milliseconds(ours, x, args.number, args.repeats)
        print(f"| {name} | {keras_ms:.1f} | {ganzoo_ms:.1f} |")


if __name__ == "__main__":
    main()
