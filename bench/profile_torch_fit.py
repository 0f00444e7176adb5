#!/usr/bin/env python
"""Where `ganzoo.DCGAN.fit()` spends its time on the torch backend.

Splits one DCGAN training step (batch 64, 28x28x1) into parts and times each
part for the Keras model (`ganzoo.DCGAN`, Keras layers running on torch)
and for the hand-written `torch.nn` version of `bench/dcgan_throughput.py`:

  * the generator's and the discriminator's forward + backward, whole and
    layer by layer;
  * one Adam update of each player (Keras's `Adam` vs `torch.optim.Adam`);
  * a whole training step (`model.train_step`, i.e. ganzoo's engine, called
    directly, vs the hand-written step);
  * a step inside `fit()` (an epoch of `fit()` divided by its steps).

Each figure is the minimum over `--repeats` timings of `--number` calls,
which is the least disturbed by other processes on a shared machine. By
default torch runs one thread and the clock is the process's CPU time
(`--clock cpu`), which other processes on a busy machine barely change;
`--threads 2 --clock wall` times what the benchmark runs.

    KERAS_BACKEND=torch .venv/bin/python bench/profile_torch_fit.py
"""

import argparse
import os
import sys

os.environ["KERAS_BACKEND"] = "torch"
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)

import dcgan_throughput as bench  # noqa: E402
import harness  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402

clock = harness.CLOCKS["cpu"]


def best_ms(fn, number, repeats):
    return harness.best_ms(fn, number=number, repeats=repeats, clock=clock, warmup=2)


def fwd_bwd(module_call, params, x):
    """Forward in training mode, backward to `params` and the input."""

    def run():
        inp = x.detach().requires_grad_(True)
        out = module_call(inp)
        torch.autograd.grad(out.float().mean(), list(params) + [inp])

    return run


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--number", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--steps", type=int, default=20, help="fit() epoch")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--clock", choices=sorted(harness.CLOCKS), default="cpu")
    args = parser.parse_args()
    global clock
    clock = harness.CLOCKS[args.clock]
    torch.set_num_threads(args.threads)
    n, r = args.number, args.repeats

    import keras

    torch.manual_seed(0)
    run_hand, _, _ = bench.make_torch(0)
    gen, disc, g_opt, d_opt = run_hand.networks
    model, run_fit, _, _ = bench.make_fit(0)
    kgen, kdisc = model.generator, model.discriminator

    z = torch.randn(bench.BATCH, bench.LATENT)
    images_nhwc = torch.rand(bench.BATCH, 28, 28, 1) * 2 - 1
    images_nchw = images_nhwc.permute(0, 3, 1, 2).contiguous()

    def compare(name, keras_fn, torch_fn):
        k = best_ms(keras_fn, n, r)
        t = best_ms(torch_fn, n, r) if torch_fn else float("nan")
        print(
            f"{name:42s} keras {k:8.2f} ms   torch.nn {t:8.2f} ms   "
            f"diff {k - t:+8.2f} ms",
            flush=True,
        )

    def kvars(layer):
        return [v.value for v in layer.trainable_variables]

    print(f"torch threads: {torch.get_num_threads()}, clock: {args.clock}")
    # Whole networks.
    compare(
        "generator fwd+bwd",
        fwd_bwd(lambda x: kgen(x, training=True), kvars(kgen), z),
        fwd_bwd(gen, gen.parameters(), z),
    )
    compare(
        "discriminator fwd+bwd",
        fwd_bwd(lambda x: kdisc(x, training=True), kvars(kdisc), images_nhwc),
        fwd_bwd(disc, disc.parameters(), images_nchw),
    )

    # Layer by layer (inputs of the shapes each layer sees in the step).
    def layer_inputs(kmodel, x):
        """Each layer with the input it gets, by running the model."""
        out = []
        for layer in kmodel.layers[1:]:
            out.append((layer, x))
            x = layer(x, training=True)
        return out

    with torch.no_grad():
        g_layers = layer_inputs(kgen, z)
        d_layers = layer_inputs(kdisc, images_nhwc)
    torch_equiv = {
        "project": gen.project,
        "project_bn": gen.project_bn,
        "up_0": gen.up_0,
        "up_0_bn": gen.up_0_bn,
        "to_image": lambda x: torch.tanh(gen.to_image(x)),
        "down_0": disc.down_0,
        "down_1": disc.down_1,
        "down_0_dropout": disc.dropout,
        "down_1_dropout": disc.dropout,
        "logit": disc.logit,
    }
    torch_params = {
        "project": gen.project,
        "project_bn": gen.project_bn,
        "up_0": gen.up_0,
        "up_0_bn": gen.up_0_bn,
        "to_image": gen.to_image,
        "down_0": disc.down_0,
        "down_1": disc.down_1,
        "logit": disc.logit,
    }
    for layer, x in g_layers + d_layers:
        name = layer.name
        if name.endswith("_relu"):
            fn = lambda x: torch.nn.functional.leaky_relu(x, bench.SLOPE)  # noqa
        else:
            fn = torch_equiv.get(name)
        tx = x.permute(0, 3, 1, 2).contiguous() if x.ndim == 4 else x
        params = list(torch_params[name].parameters()) if name in torch_params else []
        compare(
            f"  layer {name} {tuple(x.shape)}",
            fwd_bwd(lambda x, layer=layer: layer(x, training=True), kvars(layer), x),
            fwd_bwd(fn, params, tx) if fn is not None else None,
        )

    # Optimizer updates.
    def keras_apply(optimizer, kmodel):
        variables = kmodel.trainable_variables
        grads = [torch.randn_like(v.value) * 1e-3 for v in variables]

        def run():
            with torch.no_grad():
                optimizer.apply(grads, variables)

        return run

    def torch_apply(optimizer, module):
        for p in module.parameters():
            p.grad = torch.randn_like(p) * 1e-3

        def run():
            optimizer.step()

        return run

    compare(
        "Adam update, discriminator",
        keras_apply(model.d_optimizer, kdisc),
        torch_apply(d_opt, disc),
    )
    compare(
        "Adam update, generator",
        keras_apply(model.g_optimizer, kgen),
        torch_apply(g_opt, gen),
    )

    # Mechanisms: the same computation as torch idiom and as Keras 3's
    # torch backend does it for channels-last "same" layers.
    import torch.nn.functional as F

    def mech(name, fn_a, fn_b):
        a, b = best_ms(fn_a, n, r), best_ms(fn_b, n, r)
        print(f"  {name:58s} {a:8.2f} ms vs {b:8.2f} ms  ({b - a:+.2f} ms)", flush=True)

    print("mechanisms (torch idiom vs Keras-on-torch way), fwd+bwd:")
    x14 = torch.randn(64, 64, 14, 14)  # NCHW
    w_conv = torch.randn(128, 64, 5, 5, requires_grad=True) * 0.02
    w_conv = w_conv.detach().requires_grad_(True)

    def conv_idiom():
        x = x14.detach().requires_grad_(True)
        y = F.leaky_relu(F.conv2d(x, w_conv, stride=2, padding=2), 0.2)
        torch.autograd.grad(y.mean(), [x, w_conv])

    x14_nhwc = x14.permute(0, 2, 3, 1).contiguous()

    def conv_keras_way():
        x = x14_nhwc.detach().requires_grad_(True)
        xc = x.permute(0, 3, 1, 2).contiguous()  # channels_last -> NCHW
        xc = F.pad(xc, (1, 2, 1, 2))  # TF-style asymmetric "same"
        y = F.conv2d(xc, w_conv, stride=2).permute(0, 2, 3, 1)  # back, a view
        y = F.leaky_relu(y, 0.2)  # on the non-contiguous view
        torch.autograd.grad(y.mean(), [x, w_conv])

    mech("Conv2D 64->128 k5 s2 + LeakyReLU, 14x14", conv_idiom, conv_keras_way)

    x7 = torch.randn(64, 128, 7, 7)
    w_t = (torch.randn(128, 64, 5, 5) * 0.02).requires_grad_(True)

    def convt_idiom():
        x = x7.detach().requires_grad_(True)
        y = F.conv_transpose2d(x, w_t, stride=2, padding=2, output_padding=1)
        torch.autograd.grad(F.leaky_relu(y, 0.2).mean(), [x, w_t])

    x7_nhwc = x7.permute(0, 2, 3, 1).contiguous()

    def convt_keras_way():
        x = x7_nhwc.detach().requires_grad_(True)
        xc = x.permute(0, 3, 1, 2).contiguous()
        y = F.conv_transpose2d(xc, w_t, stride=2)  # full 17x17 output
        y = y[:, :, 1:15, 1:15].permute(0, 2, 3, 1)  # crop to "same", view
        torch.autograd.grad(F.leaky_relu(y, 0.2).mean(), [x, w_t])

    mech("Conv2DTranspose 128->64 k5 s2 + LeakyReLU, 7x7", convt_idiom, convt_keras_way)

    gamma = torch.ones(64, requires_grad=True)
    beta = torch.zeros(64, requires_grad=True)
    rm, rv = torch.zeros(64), torch.ones(64)

    def bn_idiom():
        x = x14.detach().requires_grad_(True)
        y = F.batch_norm(x, rm, rv, gamma, beta, True, 0.01, 1e-3)
        torch.autograd.grad(y.mean(), [x, gamma, beta])

    def bn_keras_way():
        x = x14_nhwc.detach().requires_grad_(True)
        mean = x.mean(dim=(0, 1, 2), keepdim=True)
        var = (x * x).mean(dim=(0, 1, 2), keepdim=True) - mean * mean
        with torch.no_grad():
            rm.mul_(0.99).add_(mean.flatten() * 0.01)
            rv.mul_(0.99).add_(var.flatten() * 0.01)
        y = (x - mean) * ((var + 1e-3).rsqrt() * gamma) + beta
        torch.autograd.grad(y.mean(), [x, gamma, beta])

    mech("BatchNormalization, (64, 14, 14, 64)", bn_idiom, bn_keras_way)

    # Whole step: Keras's layers driven by a plain torch loop (no ganzoo
    # engine, no Keras optimizer), ganzoo's engine called directly, and
    # inside fit().
    kg_params = [v.value for v in kgen.trainable_variables]
    kd_params = [v.value for v in kdisc.trainable_variables]
    kg_opt = torch.optim.Adam(
        kg_params, lr=bench.LR, betas=(bench.BETA1, bench.BETA2), eps=bench.ADAM_EPS
    )
    kd_opt = torch.optim.Adam(
        kd_params, lr=bench.LR, betas=(bench.BETA1, bench.BETA2), eps=bench.ADAM_EPS
    )

    def keras_layers_plain_step():
        real = images_nhwc
        fake = kgen(torch.randn(64, bench.LATENT), training=True).detach()
        d_loss = (
            F.softplus(-kdisc(real, training=True)).mean()
            + F.softplus(kdisc(fake, training=True)).mean()
        )
        kd_opt.zero_grad(set_to_none=True)
        d_loss.backward()
        kd_opt.step()
        for p in kd_params:
            p.requires_grad_(False)
        logits = kdisc(
            kgen(torch.randn(64, bench.LATENT), training=True), training=True
        )
        g_loss = F.softplus(-logits).mean()
        kg_opt.zero_grad(set_to_none=True)
        g_loss.backward()
        kg_opt.step()
        for p in kd_params:
            p.requires_grad_(True)

    compare(
        "train step, Keras layers in a plain torch loop",
        keras_layers_plain_step,
        lambda: run_hand.step(images_nchw),
    )
    compare(
        "train step (ganzoo engine, no fit loop)",
        lambda: model.train_step(images_nhwc),
        lambda: run_hand.step(images_nchw),
    )
    data = (
        np.random.default_rng(0)
        .uniform(-1, 1, (args.steps * bench.BATCH, 28, 28, 1))
        .astype("float32")
    )
    run_fit(data)

    def fit_epoch_ms():
        wall, cpu = run_fit(data)  # the epoch, from on_epoch_begin to _end
        return 1000 * (wall if args.clock == "wall" else cpu) / args.steps

    fit_ms = min(fit_epoch_ms() for _ in range(3))
    print(
        f"{'step inside fit() (epoch / steps)':42s} keras {fit_ms:8.2f} ms",
        flush=True,
    )
    keras.backend.clear_session()


if __name__ == "__main__":
    main()
