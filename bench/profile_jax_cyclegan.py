#!/usr/bin/env python
"""Where `ganzoo.CycleGAN.fit()` spends its time on the JAX backend.

Times, for the networks of `bench/cyclegan_throughput.py` (ResNet-6
generator and 3-layer PatchGAN at 64x64, batch 4) built from the same
weights, jitted forward + backward (gradients with respect to the weights
and the input) of

  * the Keras network (`stateless_call`, as ganzoo's engine runs it), and
  * the hand-written `jax.lax` network of the benchmark;

then single layers in isolation (Keras layer vs the `jax.lax` equivalent):
the stride-2 transposed convolution, instance normalisation and reflection
padding; and the kernel gradient of a stride-2 transposed convolution
against that of the stride-2 convolution it transposes, at DCGAN's and
CycleGAN's shapes.

The PatchGAN rows compare its two ways of padding a stride-2 convolution
(explicit `ZeroPadding2D`, or the convolution's own "same"), both Keras.

Each figure is the minimum over `--repeats` timings of `--number` calls
(milliseconds per call). By default XLA runs one thread and the clock is
the process's CPU time, which other processes barely change.

    KERAS_BACKEND=jax .venv/bin/python bench/profile_jax_cyclegan.py
"""

import argparse
import os
import sys

os.environ["KERAS_BACKEND"] = "jax"
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import harness  # noqa: E402  (also puts the repository on sys.path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--number", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--clock", choices=sorted(harness.CLOCKS), default="cpu")
    args = parser.parse_args()
    harness.limit_threads("jax", args.threads)
    clock = harness.CLOCKS[args.clock]

    import cyclegan_throughput as bench
    import jax
    import jax.numpy as jnp
    import keras
    import numpy as np
    from jax import lax

    def best_ms(fn, *inputs):
        return harness.best_ms(
            lambda: fn(*inputs),  # the untimed first call compiles
            number=args.number,
            repeats=args.repeats,
            clock=clock,
            wait=jax.block_until_ready,
        )

    def fwd_bwd(forward):
        """Jitted gradient of sum(forward(params, x)) w.r.t. params and x."""
        return jax.jit(
            jax.grad(lambda p, x: jnp.sum(forward(p, x).astype("float32")), (0, 1))
        )

    rows = []

    def row(what, keras_fn, keras_inputs, lax_fn, lax_inputs):
        k = best_ms(keras_fn, *keras_inputs)
        h = best_ms(lax_fn, *lax_inputs)
        rows.append((what, k, h))
        print(
            f"{what}: Keras {k:.1f} ms, jax.lax {h:.1f} ms ({k / h:.2f}x)", flush=True
        )

    model, _, _, _ = bench.make_fit(0)
    weights = bench.keras_weights(model)
    run_hand, _, _ = bench.make_jax(0, weights)
    x = jnp.asarray(
        np.random.default_rng(0).uniform(-1, 1, (bench.BATCH,) + bench.IMAGE_SHAPE),
        "float32",
    )

    # Whole networks.
    for name in ("generator_ab", "discriminator_a"):
        network = getattr(model, name)
        non_trainable = [v.value for v in network.non_trainable_variables]

        def keras_forward(
            trainable, images, network=network, non_trainable=non_trainable
        ):
            out, _ = network.stateless_call(
                trainable, non_trainable, images, training=True
            )
            return out

        trainable = [v.value for v in network.trainable_variables]
        function, params = run_hand.functions[name]
        row(
            f"{name} forward + backward",
            fwd_bwd(keras_forward),
            (trainable, x),
            fwd_bwd(function),
            (params, x),
        )

    # Single layers at the generator's shapes.
    dn = ("NHWC", "HWIO", "NHWC")
    rng = np.random.default_rng(1)

    def layer_row(what, layer, shape, lax_forward, lax_params):
        inputs = jnp.asarray(rng.normal(size=shape), "float32")
        if not layer.built:
            layer.build(shape)

        def keras_forward(trainable, images):
            out, _ = layer.stateless_call(trainable, [], images)
            return out

        trainable = [v.value for v in layer.trainable_variables]
        row(
            what,
            fwd_bwd(keras_forward),
            (trainable, inputs),
            fwd_bwd(lax_forward),
            (lax_params, inputs),
        )

    up = keras.layers.Conv2DTranspose(64, 3, strides=2, padding="same")
    up.build((4, 16, 16, 128))
    kernel = jnp.asarray(up.kernel.numpy())

    def lax_up(p, images):
        return lax.conv_transpose(
            images, p, (2, 2), [(1, 2)] * 2, dimension_numbers=dn, transpose_kernel=True
        )

    layer_row(
        "Conv2DTranspose 128->64, 16x16->32x32", up, (4, 16, 16, 128), lax_up, kernel
    )

    def lax_instance_norm(p, images):
        mean = jnp.mean(images, (1, 2), keepdims=True)
        var = jnp.mean(jnp.square(images - mean), (1, 2), keepdims=True)
        return (images - mean) * lax.rsqrt(var + 1e-5)

    import ganzoo

    layer_row(
        "instance norm, 16x16x256",
        ganzoo.layers.instance_normalization("norm"),
        (4, 16, 16, 256),
        lax_instance_norm,
        jnp.zeros(()),
    )

    def lax_reflect(p, images):
        return jnp.pad(images, ((0, 0), (1, 1), (1, 1), (0, 0)), mode="reflect") + p

    layer_row(
        "reflection padding 1, 16x16x256",
        ganzoo.layers.ReflectionPadding2D(1),
        (4, 16, 16, 256),
        lax_reflect,
        jnp.zeros(()),
    )

    # The PatchGAN's stride-2 convolutions: explicit zero padding (a padded
    # copy of the input) against letting the convolution pad itself.
    for side, channels, units in ((64, 3, 64), (32, 64, 128), (16, 128, 256)):
        shape = (bench.BATCH, side, side, channels)
        inputs = jnp.asarray(rng.normal(size=shape), "float32")
        timings = []
        for padded in (True, False):
            stack = [keras.layers.ZeroPadding2D(1)] if padded else []
            conv = keras.layers.Conv2D(
                units, 4, strides=2, padding="valid" if padded else "same"
            )
            network = keras.Sequential([keras.Input(shape[1:])] + stack + [conv])

            def forward(trainable, images, network=network):
                return network.stateless_call(trainable, [], images)[0]

            trainable = [v.value for v in network.trainable_variables]
            timings.append(best_ms(fwd_bwd(forward), trainable, inputs))
        what = (
            f"4x4 stride-2 Conv2D {side}x{side}x{channels}->{units}: ZeroPadding2D "
            'then "valid" / "same"'
        )
        rows.append((what, *timings))
        print(f"{what}: {timings[0]:.1f} / {timings[1]:.1f} ms", flush=True)

    # Kernel gradients: transposed convolution against the convolution it
    # transposes (the same multiply-adds).
    print()
    for what, small, channels_small, channels_big, kernel_size, batch in (
        ("DCGAN up_0: 7x7x128 <-> 14x14x64, 5x5", 7, 128, 64, 5, 64),
        ("CycleGAN up1: 16x16x256 <-> 32x32x128, 3x3", 16, 256, 128, 3, 4),
    ):
        big = 2 * small
        k_t = jnp.asarray(
            rng.normal(size=(kernel_size, kernel_size, channels_big, channels_small)),
            "float32",
        )
        low = jnp.asarray(
            rng.normal(size=(batch, small, small, channels_small)), "float32"
        )
        high = jnp.asarray(rng.normal(size=(batch, big, big, channels_big)), "float32")

        def transposed(kernel, images):
            return jnp.sum(
                lax.conv_transpose(
                    images,
                    kernel,
                    (2, 2),
                    "SAME",
                    dimension_numbers=dn,
                    transpose_kernel=True,
                )
            )

        def strided(kernel, images):
            return jnp.sum(
                lax.conv_general_dilated(
                    images, kernel, (2, 2), "SAME", dimension_numbers=dn
                )
            )

        t = best_ms(jax.jit(jax.grad(transposed)), k_t, low)
        c = best_ms(jax.jit(jax.grad(strided)), k_t, high)
        rows.append((f"kernel gradient, {what}", t, c))
        print(
            f"kernel gradient, {what}: transposed {t:.1f} ms, strided convolution "
            f"{c:.1f} ms ({t / c:.1f}x)",
            flush=True,
        )

    print()
    print(
        f"| what ({args.threads} thread(s), {args.clock} clock) | "
        "Keras / transposed (ms) | jax.lax / strided (ms) | ratio |"
    )
    print("|---|---:|---:|---:|")
    for what, a, b in rows:
        print(f"| {what} | {a:.1f} | {b:.1f} | {a / b:.2f} |")


if __name__ == "__main__":
    main()
