#!/usr/bin/env python
"""Pix2Pix training throughput of `fit()`, for comparing the backends.

Measures steady-state `fit()` steps per second of the README's Pix2Pix:
`ganzoo.Pix2Pix(image_shape=(32, 32, 1))` with its defaults (U-Net of 64
filters, 70x70 PatchGAN, BCE + 100 L1) after the default `compile()`, on
batches of 32 (outline, digit) pairs of the offline `digits_to_edges` demo
task, outlines to digits, as the README trains it. Unlike
`bench/dcgan_throughput.py` it has no hand-written side: it is the figure
to set side by side across backends (`bench/run_all.sh pix2pix`).

Method as in `bench/harness.py`: `--warmup-steps` untimed steps (tracing,
compilation), then `--repeats` timed epochs of `--steps` steps, re-run when
other processes took more than `--max-foreign` of the CPUs; the median is
reported. `--threads 1 --clock cpu` gives per-CPU-second figures that
other processes barely move.

    KERAS_BACKEND=jax .venv/bin/python bench/pix2pix_throughput.py
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402
import numpy as np  # noqa: E402

BATCH = 32
IMAGE_SHAPE = (32, 32, 1)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    harness.add_arguments(parser, steps=10, warmup_steps=3, deadline=300)
    args = parser.parse_args(argv)
    if args.only == "hand":
        parser.error("--only hand: this benchmark has no hand-written side")
    return args


def demo_pairs(num_pairs):
    """`num_pairs` (outline, digit) pairs of the demo task, repeated if needed."""
    import ganzoo

    digits, outlines = ganzoo.datasets.demo_task("digits_to_edges").train
    index = np.arange(num_pairs) % len(digits)
    return outlines[index], digits[index]


def make_fit(seed, jit_compile):
    import keras

    import ganzoo

    keras.utils.set_random_seed(seed)
    model = ganzoo.Pix2Pix(image_shape=IMAGE_SHAPE, seed=seed)
    harness.compile_fit_model(model, jit_compile)
    timer = harness.epoch_timer()

    def run_epoch(inputs, targets):
        history = model.fit(
            x=(inputs, targets),
            batch_size=BATCH,
            epochs=1,
            shuffle=True,
            verbose=0,
            callbacks=[timer],
        )
        run_epoch.logs = {k: round(v[-1], 4) for k, v in history.history.items()}
        return timer.seconds[-1]

    weights = model.generator.weights + model.discriminator.weights
    trainable = sum(int(np.prod(v.shape)) for v in weights if v.trainable)
    non_trainable = sum(int(np.prod(v.shape)) for v in weights if not v.trainable)
    return run_epoch, (trainable, non_trainable), {"jit_compile": model.jit_compile}


def main(argv=None):
    args = parse_args(argv)
    backend = harness.active_backend()
    if args.threads:
        harness.limit_threads(backend, args.threads)
    inputs, targets = demo_pairs(args.steps * BATCH)
    warmup = args.warmup_steps * BATCH
    result = harness.new_result(args, backend, model="pix2pix", batch_size=BATCH)

    run_fit, params, extra = make_fit(args.seed, args.fit_jit_compile)
    result["fit_warmup_s"] = run_fit(inputs[:warmup], targets[:warmup])[0]
    result["fit_params"] = params
    result.update({"fit_" + k: v for k, v in extra.items()})
    result["fit_warmup_logs"] = run_fit.logs

    def fit_epoch():
        seconds = run_fit(inputs, targets)
        result["fit_last_logs"] = run_fit.logs
        return seconds

    harness.measure(args, {"fit": fit_epoch}, result)
    harness.report(
        args,
        result,
        label=f"Pix2Pix 32x32x1 demo task, U-Net 64 filters, batch {BATCH}",
        params_note="(trainable + non-trainable)",
    )


if __name__ == "__main__":
    main()
