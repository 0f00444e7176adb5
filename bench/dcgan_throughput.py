#!/usr/bin/env python
"""DCGAN training throughput: `ganzoo.DCGAN.fit()` against a hand-written loop.

Measures steady-state training steps per second (batch 64, 28x28x1 images,
latent 100) of

  (a) `ganzoo.DCGAN(image_shape=(28, 28, 1), latent_dim=100).fit()` after the
      default `compile()` (`jit_compile="auto"`), on the backend that
      `KERAS_BACKEND` names, and
  (b) the same networks and the same adversarial step written by hand in that
      backend's own idiom, without Keras:
        tensorflow: `tf.Variable`s, raw `tf.nn` ops, `tf.GradientTape`,
                    `@tf.function(jit_compile=True)`, hand-written Adam;
        jax:        pure functions over pytrees, `jax.lax` convolutions,
                    `jax.jit`, hand-written Adam;
        torch:      `torch.nn` modules, `torch.optim.Adam`, eager.

One step, in both: discriminator update (softplus/BCE loss on real images and
on stop-gradient fakes from fresh normal noise), then generator update
(softplus(-D(G(z))) on fresh noise), each with Adam(2e-4, beta_1=0.5,
beta_2=0.999, epsilon=1e-7). BatchNorm (momentum 0.99 in Keras terms,
epsilon 1e-3) uses batch statistics and updates its moving statistics every
time the generator runs (twice a step), dropout 0.3 in the discriminator.

Method, identical for (a) and (b): the data are `--steps * 64` images, drawn
uniformly in [-1, 1], so one epoch is `--steps` (30) steps. Each side first
runs `--warmup-steps` (10) untimed steps (tracing, compilation, allocator),
then `--repeats` (3) timed epochs, alternating hand-written and fit() so
that drift in the machine's load hits both alike. Each timed epoch shuffles, slices
64-image batches from host memory, runs the steps and waits for the device
to finish; for fit() it is one `model.fit(x, epochs=1, shuffle=True)` call,
timed from `on_epoch_begin` to `on_epoch_end` (so fit()'s one-off set-up per
call is not counted, but everything it does per epoch and per step is; no
callback hooks the batches, so fit()'s asynchronous dispatch is undisturbed).
Steps/s is `--steps / seconds`; the median of the repeats is reported, and
the ratio is median(fit) / median(hand-written).

On a shared machine, other processes make multi-threaded wall-clock figures
meaningless; the script measures their share of the CPUs during every epoch
(from /proc/stat), waits for quiet, re-runs disturbed epochs and flags rows
it could not measure quietly. `--threads 1 --clock cpu` gives per-CPU-second
figures that such load barely moves.

Usage (one backend per process):

    KERAS_BACKEND=jax .venv/bin/python bench/dcgan_throughput.py
    bench/run_all.sh            # all three backends, one markdown table
"""

import argparse
import json
import os
import platform
import statistics
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# The repository's `ganzoo`, whether or not it is installed.
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np

BATCH = 64
IMAGE_SHAPE = (28, 28, 1)
LATENT = 100
LR, BETA1, BETA2, ADAM_EPS = 2e-4, 0.5, 0.999, 1e-7  # keras.optimizers.Adam
BN_MOMENTUM, BN_EPS = 0.99, 1e-3  # keras.layers.BatchNormalization
DROPOUT = 0.3
SLOPE = 0.2


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=30, help="steps per timed epoch")
    parser.add_argument(
        "--warmup-steps", type=int, default=10, help="untimed steps first"
    )
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--only",
        choices=("fit", "hand", "both"),
        default="both",
        help="measure only one side (for profiling)",
    )
    parser.add_argument(
        "--row-file",
        help="append this backend's markdown table row to this file",
    )
    parser.add_argument("--json", help="write the full result as JSON here")
    parser.add_argument(
        "--hand-no-xla",
        action="store_true",
        help="tensorflow: hand-written step with jit_compile=False (plain "
        "tf.function graph) instead of XLA, for comparison",
    )
    parser.add_argument(
        "--fit-jit-compile",
        choices=("auto", "true", "false"),
        default="auto",
        help="jit_compile for model.compile() (default: 'auto', the default)",
    )
    parser.add_argument(
        "--quiet-wait",
        type=float,
        default=10,
        help="before each timed epoch, wait up to this many seconds for "
        "other processes to leave the CPUs (< 5%% busy over 1 s)",
    )
    parser.add_argument(
        "--max-foreign",
        type=float,
        default=0.10,
        help="run an epoch again when other processes used more than this "
        "share of the CPUs during it",
    )
    parser.add_argument("--retries", type=int, default=2)
    parser.add_argument(
        "--threads",
        type=int,
        default=0,
        help="threads per framework (0: the framework's default); 1 with "
        "--clock cpu gives figures that other processes barely disturb",
    )
    parser.add_argument(
        "--clock",
        choices=("wall", "cpu"),
        default="wall",
        help="steps/s over wall-clock time (default) or over the process's CPU time",
    )
    parser.add_argument(
        "--deadline",
        type=float,
        default=120,
        help="seconds after which contended epochs are no longer re-run",
    )
    return parser.parse_args(argv)


def keras_init_numpy(rng):
    """Initial weights in Keras's layouts (glorot-uniform kernels, zeros biases).

    Both sides start from a comparable point; throughput does not depend on
    the values, but the same magnitudes keep, e.g., denormals out of the way.
    """

    def glorot(shape, fan_in, fan_out):
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        return rng.uniform(-limit, limit, shape).astype("float32")

    units = 7 * 7 * 128
    return {
        # generator
        "project": glorot((LATENT, units), LATENT, units),
        "bn0_gamma": np.ones(units, "float32"),
        "bn0_beta": np.zeros(units, "float32"),
        # Conv2DTranspose kernel: (h, w, out, in); Keras fans: in=25*out...
        "up0": glorot((5, 5, 64, 128), 25 * 128, 25 * 64),
        "bn1_gamma": np.ones(64, "float32"),
        "bn1_beta": np.zeros(64, "float32"),
        "to_image": glorot((5, 5, 1, 64), 25 * 64, 25 * 1),
        "to_image_b": np.zeros(1, "float32"),
        # discriminator
        "down0": glorot((5, 5, 1, 64), 25 * 1, 25 * 64),
        "down0_b": np.zeros(64, "float32"),
        "down1": glorot((5, 5, 64, 128), 25 * 64, 25 * 128),
        "down1_b": np.zeros(128, "float32"),
        "logit": glorot((units, 1), units, 1),
        "logit_b": np.zeros(1, "float32"),
    }


GENERATOR_KEYS = (
    "project",
    "bn0_gamma",
    "bn0_beta",
    "up0",
    "bn1_gamma",
    "bn1_beta",
    "to_image",
    "to_image_b",
)
DISCRIMINATOR_KEYS = (
    "down0",
    "down0_b",
    "down1",
    "down1_b",
    "logit",
    "logit_b",
)


def bn_state_numpy():
    units = 7 * 7 * 128
    return {
        "bn0_mean": np.zeros(units, "float32"),
        "bn0_var": np.ones(units, "float32"),
        "bn1_mean": np.zeros(64, "float32"),
        "bn1_var": np.ones(64, "float32"),
    }


# --------------------------------------------------------------------------
# Hand-written loops. Each `make_*` returns (run_epoch, params) where
# run_epoch(batches_iterable) runs the steps and waits for the results, and
# params = (trainable, non_trainable) element counts.
# --------------------------------------------------------------------------


def make_jax(seed):
    import jax
    import jax.numpy as jnp
    from jax import lax

    dn = ("NHWC", "HWIO", "NHWC")
    init = keras_init_numpy(np.random.default_rng(seed))
    # lax.conv_transpose (transpose_kernel=False) takes (h, w, in, out).
    init["up0"] = init["up0"].transpose(0, 1, 3, 2).copy()
    init["to_image"] = init["to_image"].transpose(0, 1, 3, 2).copy()
    g = {k: jnp.asarray(init[k]) for k in GENERATOR_KEYS}
    d = {k: jnp.asarray(init[k]) for k in DISCRIMINATOR_KEYS}
    stats = {k: jnp.asarray(v) for k, v in bn_state_numpy().items()}

    def leaky(x):
        return jnp.where(x >= 0, x, SLOPE * x)

    def batch_norm(x, gamma, beta, mean, var, axes):
        m = jnp.mean(x, axes)
        v = jnp.mean(jnp.square(x - m), axes)
        y = (x - m) * lax.rsqrt(v + BN_EPS) * gamma + beta
        new_mean = mean * BN_MOMENTUM + m * (1 - BN_MOMENTUM)
        new_var = var * BN_MOMENTUM + v * (1 - BN_MOMENTUM)
        return y, new_mean, new_var

    def generator(p, s, z):
        x = z @ p["project"]
        x, m0, v0 = batch_norm(
            x, p["bn0_gamma"], p["bn0_beta"], s["bn0_mean"], s["bn0_var"], (0,)
        )
        x = leaky(x).reshape(-1, 7, 7, 128)
        x = lax.conv_transpose(x, p["up0"], (2, 2), "SAME", dimension_numbers=dn)
        x, m1, v1 = batch_norm(
            x,
            p["bn1_gamma"],
            p["bn1_beta"],
            s["bn1_mean"],
            s["bn1_var"],
            (0, 1, 2),
        )
        x = leaky(x)
        x = lax.conv_transpose(x, p["to_image"], (2, 2), "SAME", dimension_numbers=dn)
        new_s = {"bn0_mean": m0, "bn0_var": v0, "bn1_mean": m1, "bn1_var": v1}
        return jnp.tanh(x + p["to_image_b"]), new_s

    def dropout(key, x):
        keep = jax.random.bernoulli(key, 1 - DROPOUT, x.shape)
        return jnp.where(keep, x / (1 - DROPOUT), 0)

    def discriminator(p, x, key):
        k0, k1 = jax.random.split(key)
        x = lax.conv_general_dilated(
            x, p["down0"], (2, 2), "SAME", dimension_numbers=dn
        )
        x = dropout(k0, leaky(x + p["down0_b"]))
        x = lax.conv_general_dilated(
            x, p["down1"], (2, 2), "SAME", dimension_numbers=dn
        )
        x = dropout(k1, leaky(x + p["down1_b"]))
        x = x.reshape(x.shape[0], -1)
        return x @ p["logit"] + p["logit_b"]

    def adam_init(p):
        zeros = jax.tree_util.tree_map(jnp.zeros_like, p)
        return (zeros, jax.tree_util.tree_map(jnp.zeros_like, p))

    def adam(p, grads, state, t):
        m, v = state
        alpha = LR * jnp.sqrt(1 - BETA2**t) / (1 - BETA1**t)
        m = jax.tree_util.tree_map(lambda m, g: m + (g - m) * (1 - BETA1), m, grads)
        v = jax.tree_util.tree_map(lambda v, g: v + (g * g - v) * (1 - BETA2), v, grads)
        p = jax.tree_util.tree_map(
            lambda p, m, v: p - m * alpha / (jnp.sqrt(v) + ADAM_EPS), p, m, v
        )
        return p, (m, v)

    def softplus(x):
        return jax.nn.softplus(x)

    def step(state, real):
        g, d, stats, g_opt, d_opt, t, key = state
        key, kz_d, kd_real, kd_fake, kz_g, kd_g = jax.random.split(key, 6)
        t = t + 1
        # Discriminator phase.
        z = jax.random.normal(kz_d, (real.shape[0], LATENT))
        fake, stats = generator(g, stats, z)
        fake = lax.stop_gradient(fake)

        def d_loss_fn(d):
            real_logits = discriminator(d, real, kd_real)
            fake_logits = discriminator(d, fake, kd_fake)
            return jnp.mean(softplus(-real_logits)) + jnp.mean(softplus(fake_logits))

        d_loss, d_grads = jax.value_and_grad(d_loss_fn)(d)
        d, d_opt = adam(d, d_grads, d_opt, t)

        # Generator phase.
        z = jax.random.normal(kz_g, (real.shape[0], LATENT))

        def g_loss_fn(g):
            images, new_stats = generator(g, stats, z)
            logits = discriminator(d, images, kd_g)
            return jnp.mean(softplus(-logits)), new_stats

        (g_loss, stats), g_grads = jax.value_and_grad(g_loss_fn, has_aux=True)(g)
        g, g_opt = adam(g, g_grads, g_opt, t)
        return (g, d, stats, g_opt, d_opt, t, key), (d_loss, g_loss)

    step = jax.jit(step, donate_argnums=0)
    state = [
        (g, d, stats, adam_init(g), adam_init(d), jnp.float32(0), jax.random.key(seed)),
    ]

    def run_epoch(batches):
        losses = None
        for batch in batches:
            state[0], losses = step(state[0], jnp.asarray(batch))
        jax.block_until_ready((state[0], losses))
        return [float(x) for x in losses]

    trainable = sum(x.size for x in jax.tree_util.tree_leaves((g, d)))
    non_trainable = sum(x.size for x in jax.tree_util.tree_leaves(stats))
    return run_epoch, (trainable, non_trainable), {}


def make_tensorflow(seed, jit_compile=True):
    import tensorflow as tf

    init = keras_init_numpy(np.random.default_rng(seed))
    g = {k: tf.Variable(init[k], name=k) for k in GENERATOR_KEYS}
    d = {k: tf.Variable(init[k], name=k) for k in DISCRIMINATOR_KEYS}
    stats = {
        k: tf.Variable(v, trainable=False, name=k) for k, v in bn_state_numpy().items()
    }
    g_vars = [g[k] for k in GENERATOR_KEYS]
    d_vars = [d[k] for k in DISCRIMINATOR_KEYS]

    def slots(variables):
        return [
            (
                tf.Variable(tf.zeros_like(v), trainable=False),
                tf.Variable(tf.zeros_like(v), trainable=False),
            )
            for v in variables
        ]

    g_slots, d_slots = slots(g_vars), slots(d_vars)
    iterations = tf.Variable(0, dtype=tf.int64, trainable=False)

    def adam(variables, grads, slot_pairs, t):
        alpha = LR * tf.sqrt(1 - BETA2**t) / (1 - BETA1**t)
        for var, grad, (m, v) in zip(variables, grads, slot_pairs, strict=True):
            m.assign_add((grad - m) * (1 - BETA1))
            v.assign_add((tf.square(grad) - v) * (1 - BETA2))
            var.assign_sub(m * alpha / (tf.sqrt(v) + ADAM_EPS))

    def batch_norm(x, gamma, beta, mean_var, var_var, axes):
        m, v = tf.nn.moments(x, axes)
        mean_var.assign(mean_var * BN_MOMENTUM + m * (1 - BN_MOMENTUM))
        var_var.assign(var_var * BN_MOMENTUM + v * (1 - BN_MOMENTUM))
        return tf.nn.batch_normalization(x, m, v, beta, gamma, BN_EPS)

    def generator(z):
        n = tf.shape(z)[0]
        x = tf.matmul(z, g["project"])
        x = batch_norm(
            x, g["bn0_gamma"], g["bn0_beta"], stats["bn0_mean"], stats["bn0_var"], [0]
        )
        x = tf.reshape(tf.nn.leaky_relu(x, SLOPE), [-1, 7, 7, 128])
        x = tf.nn.conv2d_transpose(
            x, g["up0"], tf.stack([n, 14, 14, 64]), strides=2, padding="SAME"
        )
        x = batch_norm(
            x,
            g["bn1_gamma"],
            g["bn1_beta"],
            stats["bn1_mean"],
            stats["bn1_var"],
            [0, 1, 2],
        )
        x = tf.nn.leaky_relu(x, SLOPE)
        x = tf.nn.conv2d_transpose(
            x, g["to_image"], tf.stack([n, 28, 28, 1]), strides=2, padding="SAME"
        )
        return tf.tanh(x + g["to_image_b"])

    def discriminator(x, seed):
        s0, s1 = tf.unstack(tf.random.experimental.stateless_split(seed, 2))
        x = tf.nn.conv2d(x, d["down0"], strides=2, padding="SAME")
        x = tf.nn.leaky_relu(x + d["down0_b"], SLOPE)
        x = tf.nn.experimental.stateless_dropout(x, DROPOUT, s0)
        x = tf.nn.conv2d(x, d["down1"], strides=2, padding="SAME")
        x = tf.nn.leaky_relu(x + d["down1_b"], SLOPE)
        x = tf.nn.experimental.stateless_dropout(x, DROPOUT, s1)
        x = tf.reshape(x, [tf.shape(x)[0], -1])
        return tf.matmul(x, d["logit"]) + d["logit_b"]

    @tf.function(jit_compile=jit_compile)
    def step(real):
        iterations.assign_add(1)
        t = tf.cast(iterations, tf.float32)
        seeds = tf.random.experimental.stateless_split(
            tf.stack([tf.constant(seed, tf.int64), iterations]), 5
        )
        n = tf.shape(real)[0]
        # Discriminator phase.
        z = tf.random.stateless_normal([n, LATENT], seeds[0])
        fake = tf.stop_gradient(generator(z))
        with tf.GradientTape() as tape:
            real_logits = discriminator(real, seeds[1])
            fake_logits = discriminator(fake, seeds[2])
            d_loss = tf.reduce_mean(tf.nn.softplus(-real_logits)) + (
                tf.reduce_mean(tf.nn.softplus(fake_logits))
            )
        adam(d_vars, tape.gradient(d_loss, d_vars), d_slots, t)
        # Generator phase.
        z = tf.random.stateless_normal([n, LATENT], seeds[3])
        with tf.GradientTape() as tape:
            logits = discriminator(generator(z), seeds[4])
            g_loss = tf.reduce_mean(tf.nn.softplus(-logits))
        adam(g_vars, tape.gradient(g_loss, g_vars), g_slots, t)
        return d_loss, g_loss

    def run_epoch(batches):
        losses = None
        for batch in batches:
            losses = step(tf.convert_to_tensor(batch))
        return [float(x.numpy()) for x in losses]

    trainable = sum(int(np.prod(v.shape)) for v in g_vars + d_vars)
    non_trainable = sum(int(np.prod(v.shape)) for v in stats.values())
    return run_epoch, (trainable, non_trainable), {"jit_compile": jit_compile}


def build_torch_networks():
    """The generator and discriminator as plain `torch.nn` modules (NCHW)."""
    import torch
    from torch import nn
    from torch.nn import functional as F

    # PyTorch's BatchNorm momentum is the weight of the *new* statistic:
    # Keras momentum 0.99 is PyTorch momentum 0.01; epsilon 1e-3 as Keras.
    # Convolutions are NCHW. padding=2 for k=5 stride 2 gives Keras's
    # "same" output sizes (28->14->7; 7->14->28 with output_padding=1); the
    # sampling grid is shifted by one pixel against TF's asymmetric "same"
    # padding (1 before, 2 after), which changes no shape or FLOP count.
    class Generator(nn.Module):
        def __init__(self):
            super().__init__()
            self.project = nn.Linear(LATENT, 7 * 7 * 128, bias=False)
            self.project_bn = nn.BatchNorm1d(
                7 * 7 * 128, eps=BN_EPS, momentum=1 - BN_MOMENTUM
            )
            self.up_0 = nn.ConvTranspose2d(
                128, 64, 5, stride=2, padding=2, output_padding=1, bias=False
            )
            self.up_0_bn = nn.BatchNorm2d(64, eps=BN_EPS, momentum=1 - BN_MOMENTUM)
            self.to_image = nn.ConvTranspose2d(
                64, 1, 5, stride=2, padding=2, output_padding=1
            )

        def forward(self, z):
            x = F.leaky_relu(self.project_bn(self.project(z)), SLOPE)
            x = x.view(-1, 128, 7, 7)
            x = F.leaky_relu(self.up_0_bn(self.up_0(x)), SLOPE)
            return torch.tanh(self.to_image(x))

    class Discriminator(nn.Module):
        def __init__(self):
            super().__init__()
            self.down_0 = nn.Conv2d(1, 64, 5, stride=2, padding=2)
            self.down_1 = nn.Conv2d(64, 128, 5, stride=2, padding=2)
            self.logit = nn.Linear(7 * 7 * 128, 1)
            self.dropout = nn.Dropout(DROPOUT)

        def forward(self, x):
            x = self.dropout(F.leaky_relu(self.down_0(x), SLOPE))
            x = self.dropout(F.leaky_relu(self.down_1(x), SLOPE))
            return self.logit(x.flatten(1))

    return Generator(), Discriminator()


def make_torch(seed):
    import torch
    from torch.nn import functional as F

    torch.manual_seed(seed)
    gen, disc = build_torch_networks()
    gen, disc = gen.train(), disc.train()
    g_opt = torch.optim.Adam(
        gen.parameters(), lr=LR, betas=(BETA1, BETA2), eps=ADAM_EPS
    )
    d_opt = torch.optim.Adam(
        disc.parameters(), lr=LR, betas=(BETA1, BETA2), eps=ADAM_EPS
    )
    last = {}

    def step(real):
        n = real.shape[0]
        # Discriminator phase.
        fake = gen(torch.randn(n, LATENT)).detach()
        d_loss = F.softplus(-disc(real)).mean() + F.softplus(disc(fake)).mean()
        d_opt.zero_grad(set_to_none=True)
        d_loss.backward()
        d_opt.step()
        # Generator phase; the discriminator's weights need no gradient here.
        disc.requires_grad_(False)
        g_loss = F.softplus(-disc(gen(torch.randn(n, LATENT)))).mean()
        g_opt.zero_grad(set_to_none=True)
        g_loss.backward()
        g_opt.step()
        disc.requires_grad_(True)
        last["losses"] = (d_loss.detach(), g_loss.detach())

    def run_epoch(batches):
        for batch in batches:
            # NCHW as PyTorch holds images; one copy per batch, like fit().
            step(torch.from_numpy(batch).permute(0, 3, 1, 2).contiguous())
        return [float(x) for x in last["losses"]]

    run_epoch.step = step  # for bench/profile_torch_fit.py
    run_epoch.networks = (gen, disc, g_opt, d_opt)

    params = list(gen.parameters()) + list(disc.parameters())
    buffers = [
        b for name, b in gen.named_buffers() if not name.endswith("num_batches_tracked")
    ]
    trainable = sum(p.numel() for p in params)
    non_trainable = sum(b.numel() for b in buffers)
    extra = {
        "torch_threads": torch.get_num_threads(),
        "note": "non-trainable excludes BatchNorm's 2 int64 num_batches_tracked "
        "counters (Keras has none)",
    }
    return run_epoch, (trainable, non_trainable), extra


MAKERS = {"jax": make_jax, "tensorflow": make_tensorflow, "torch": make_torch}


# --------------------------------------------------------------------------
# Harness.
# --------------------------------------------------------------------------


def _system_busy_s():
    """Seconds of CPU time all processes have used (from /proc/stat)."""
    try:
        with open("/proc/stat") as f:
            fields = [int(v) for v in f.readline().split()[1:]]
    except OSError:
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def _own_cpu_s():
    t = os.times()
    return t.user + t.system


class ForeignLoad:
    """Share of the machine's CPUs that other processes used in a window."""

    def __enter__(self):
        self._t, self._sys, self._own = (
            time.perf_counter(),
            _system_busy_s(),
            _own_cpu_s(),
        )
        return self

    def __exit__(self, *exc):
        wall = time.perf_counter() - self._t
        sys_now = _system_busy_s()
        if sys_now is None or self._sys is None:
            self.share = float("nan")
            return
        foreign = (sys_now - self._sys) - (_own_cpu_s() - self._own)
        self.share = max(0.0, foreign) / (wall * os.cpu_count())


def wait_for_quiet(limit_s):
    deadline = time.perf_counter() + limit_s
    while True:
        with ForeignLoad() as load:
            time.sleep(1.0)
        if load.share < 0.05 or time.perf_counter() > deadline:
            return load.share


def shuffled_batches(data, rng):
    order = rng.permutation(len(data))
    for start in range(0, len(data) - BATCH + 1, BATCH):
        yield data[order[start : start + BATCH]]


def make_fit(seed, jit_compile="auto"):
    import keras

    import ganzoo

    class EpochTimer(keras.callbacks.Callback):
        """Times epochs; hooks no batch, so fit() stays asynchronous."""

        def __init__(self):
            super().__init__()
            self.seconds = []  # (wall, process CPU) per epoch

        def on_epoch_begin(self, epoch, logs=None):
            self._start = (time.perf_counter(), time.process_time())

        def on_epoch_end(self, epoch, logs=None):
            # Keras has turned the epoch's logs into Python floats by now,
            # which waits for the last step.
            self.seconds.append(
                (
                    time.perf_counter() - self._start[0],
                    time.process_time() - self._start[1],
                )
            )

    keras.utils.set_random_seed(seed)
    model = ganzoo.DCGAN(image_shape=IMAGE_SHAPE, latent_dim=LATENT, seed=seed)
    if jit_compile == "auto":
        model.compile()  # the default: jit_compile="auto"
    else:
        model.compile(jit_compile=jit_compile == "true")
    timer = EpochTimer()

    def run_epoch(data):
        history = model.fit(
            data,
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
    extra = {"jit_compile": model.jit_compile}
    return model, run_epoch, (trainable, non_trainable), extra


def limit_threads(backend, threads):
    """Caps the framework's CPU threads; call before it runs anything."""
    if backend == "jax":
        os.environ["XLA_FLAGS"] = (
            os.environ.get("XLA_FLAGS", "")
            + f" --xla_cpu_multi_thread_eigen={'false' if threads == 1 else 'true'}"
            + f" intra_op_parallelism_threads={threads}"
        )
    elif backend == "tensorflow":
        import tensorflow as tf

        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(threads)
    elif backend == "torch":
        import torch

        torch.set_num_threads(threads)
        torch.set_num_interop_threads(threads)


def versions(backend):
    import keras

    out = {"python": platform.python_version(), "keras": keras.__version__}
    if backend == "jax":
        import jax

        out["jax"] = jax.__version__
    elif backend == "tensorflow":
        import tensorflow as tf

        out["tensorflow"] = tf.__version__
    elif backend == "torch":
        import torch

        out["torch"] = torch.__version__
    out["numpy"] = np.__version__
    return out


def fmt_params(p):
    return f"{p[0]:,} + {p[1]:,}"


def main(argv=None):
    args = parse_args(argv)
    backend = os.environ.get("KERAS_BACKEND", "tensorflow")
    if backend not in MAKERS:
        sys.exit(f"KERAS_BACKEND must be one of {sorted(MAKERS)}: got {backend!r}")
    if args.threads:
        limit_threads(backend, args.threads)
    data = (
        np.random.default_rng(args.seed)
        .uniform(-1, 1, (args.steps * BATCH,) + IMAGE_SHAPE)
        .astype("float32")
    )
    warmup_data = data[: args.warmup_steps * BATCH]
    rng = np.random.default_rng(args.seed + 1)
    result = {
        "backend": backend,
        "steps_per_epoch": args.steps,
        "warmup_steps": args.warmup_steps,
        "batch_size": BATCH,
        "repeats": args.repeats,
        "nproc": os.cpu_count(),
        "threads": args.threads or "default",
        "clock": args.clock,
        "loadavg_before": os.getloadavg(),
    }
    start = time.perf_counter()

    sides = {}  # name -> function running one timed epoch, returning seconds
    if args.only in ("hand", "both"):
        maker = MAKERS[backend]
        if backend == "tensorflow":
            run_hand, params, extra = maker(args.seed, not args.hand_no_xla)
        else:
            run_hand, params, extra = maker(args.seed)
        t0 = time.perf_counter()
        losses = run_hand(shuffled_batches(warmup_data, rng))  # compiles
        result["hand_warmup_losses"] = losses
        result["hand_warmup_s"] = time.perf_counter() - t0
        result["hand_params"] = params
        result.update({"hand_" + k: v for k, v in extra.items()})

        def hand_epoch():
            t0, c0 = time.perf_counter(), time.process_time()
            result["hand_last_losses"] = run_hand(shuffled_batches(data, rng))
            return time.perf_counter() - t0, time.process_time() - c0

        sides["hand"] = hand_epoch
    if args.only in ("fit", "both"):
        _, run_fit, params, extra = make_fit(args.seed, args.fit_jit_compile)
        t0 = time.perf_counter()
        run_fit(warmup_data)  # traces / compiles
        result["fit_warmup_s"] = time.perf_counter() - t0
        result["fit_params"] = params
        result.update({"fit_" + k: v for k, v in extra.items()})
        result["fit_warmup_logs"] = run_fit.logs

        def fit_epoch():
            seconds = run_fit(data)
            result["fit_last_logs"] = run_fit.logs
            return seconds

        sides["fit"] = fit_epoch

    # Timed epochs, alternating the sides. An epoch during which other
    # processes used more than --max-foreign of the CPUs is run again
    # (at most --retries times, and not after --deadline seconds).
    attempts = {name: [] for name in sides}
    accepted = {name: [] for name in sides}
    for _ in range(args.repeats):
        for name, run_epoch in sides.items():
            tries = []
            for _ in range(1 + args.retries):
                if args.quiet_wait:
                    wait_for_quiet(args.quiet_wait)
                with ForeignLoad() as load:
                    wall, cpu = run_epoch()
                seconds = wall if args.clock == "wall" else cpu
                tries.append((args.steps / seconds, load.share))
                if load.share <= args.max_foreign:
                    break
                if time.perf_counter() - start > args.deadline:
                    break
            attempts[name].extend(tries)
            # The least disturbed attempt (the last one when it passed).
            accepted[name].append(min(tries, key=lambda t: t[1]))

    result["loadavg_after"] = os.getloadavg()
    result["total_s"] = time.perf_counter() - start
    result["versions"] = versions(backend)
    for name in sides:
        rates = [rate for rate, _ in accepted[name]]
        result[name + "_steps_per_s"] = rates
        result[name + "_median"] = statistics.median(rates)
        result[name + "_foreign_cpu_share"] = [share for _, share in accepted[name]]
        result[name + "_attempts"] = attempts[name]
    if len(sides) == 2:
        result["ratio"] = result["fit_median"] / result["hand_median"]
    contended = [
        name
        for name in sides
        if max(result[name + "_foreign_cpu_share"]) > args.max_foreign
    ]
    result["contended"] = contended

    def show(name):
        if name + "_median" not in result:
            return "-"
        return f"{result[name + '_median']:.2f}"

    ratio = f"{result['ratio']:.2f}" if "ratio" in result else "-"
    print(f"backend: {backend}  {result['versions']}")
    for name in ("fit", "hand"):
        if name not in sides:
            continue
        runs = ", ".join(f"{r:.2f}" for r in result[name + "_steps_per_s"])
        busy = ", ".join(f"{v:.0%}" for v in result[name + "_foreign_cpu_share"])
        options = {
            k[len(name) + 1 :]: v
            for k, v in result.items()
            if k.startswith(name + "_")
            and k[len(name) + 1 :] in ("jit_compile", "torch_threads")
        }
        print(
            f"{name:4s}: params {fmt_params(result[name + '_params'])} "
            f"(trainable + non-trainable) {options}"
        )
        print(
            f"      steps/s median {show(name)} (epochs: {runs}; other "
            f"processes' CPU share: {busy}; {len(result[name + '_attempts'])} "
            f"epochs run; warm-up {result[name + '_warmup_s']:.1f} s)"
        )
    losses = {k: v for k, v in result.items() if k.endswith(("_losses", "_logs"))}
    print(f"losses (d, g; a sanity check that both sides train): {losses}")
    print(f"ratio fit/hand: {ratio}")
    print(
        f"load average before/after: {result['loadavg_before']} / "
        f"{result['loadavg_after']}; total {result['total_s']:.0f} s"
    )
    if contended:
        print(
            f"WARNING: other processes used more than {args.max_foreign:.0%} "
            f"of the CPUs during some accepted {'/'.join(contended)} epochs"
        )

    if "fit_params" in result and "hand_params" in result:
        params_cell = fmt_params(result["fit_params"])
        if tuple(result["fit_params"]) != tuple(result["hand_params"]):
            params_cell += f" (MISMATCH: hand {fmt_params(result['hand_params'])})"
    else:
        params_cell = fmt_params(result.get("fit_params") or result["hand_params"])
    modes = {
        "jax": "jax.jit (XLA)",
        "tensorflow": "tf.function, XLA"
        if result.get("hand_jit_compile", True)
        else "tf.function graph, no XLA",
        "torch": "eager",
    }
    notes = (
        f"fit: jit_compile={result.get('fit_jit_compile', '-')}; hand: {modes[backend]}"
    )
    if args.threads:
        notes += f"; {args.threads} thread(s)"
    if args.clock == "cpu":
        notes += "; steps per CPU-second"
    if contended:
        notes += "; CONTENDED"
    row = (
        f"| {backend} | {params_cell} | {show('fit')} | {show('hand')} | "
        f"{ratio} | {notes} |"
    )
    print(row)
    if args.row_file:
        with open(args.row_file, "a") as f:
            f.write(row + "\n")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=1, default=str)


if __name__ == "__main__":
    main()
