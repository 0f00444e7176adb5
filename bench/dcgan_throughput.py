#!/usr/bin/env python
"""DCGAN and WGAN-GP training throughput: `fit()` against a hand-written loop.

Measures steady-state training steps per second (batch 64, 28x28x1 images,
latent 100) of

  (a) `ganzoo.DCGAN(image_shape=(28, 28, 1), latent_dim=100).fit()`, or
      with `--model wgangp` `ganzoo.WGANGP(...)`, after the default
      `compile()` (`jit_compile="auto"`), on the backend that
      `KERAS_BACKEND` names, and
  (b) the same networks and the same adversarial step written by hand in that
      backend's own idiom, without Keras:
        tensorflow: `tf.Variable`s, raw `tf.nn` ops, `tf.GradientTape`,
                    `@tf.function(jit_compile=True)`, hand-written Adam;
        jax:        pure functions over pytrees, `jax.lax` convolutions,
                    `jax.jit`, hand-written Adam;
        torch:      `torch.nn` modules, `torch.optim.Adam`, eager.

DCGAN, one step: discriminator update (softplus/BCE loss on real images and
on stop-gradient fakes from fresh normal noise), then generator update
(softplus(-D(G(z))) on fresh noise), each with Adam(2e-4, beta_1=0.5,
beta_2=0.999, epsilon=1e-7). BatchNorm (momentum 0.99 in Keras terms,
epsilon 1e-3) uses batch statistics and updates its moving statistics every
time the generator runs (twice a step), dropout 0.3 in the discriminator.

WGAN-GP, one step: 5 critic updates, each on the same real batch with fresh
noise: `mean(f(fake)) - mean(f(real)) + 10 * mean((||grad f(x_hat)|| -
1)^2)` on interpolates `x_hat = real + alpha (fake - real)`, `alpha ~ U(0,
1)` per sample; the input gradient is differentiated again with respect to
the critic's weights. Then one generator update, `-mean(f(G(z)))`. Adam(1e-4,
beta_1=0.5, beta_2=0.9) for both. The critic is the discriminator without
dropout and without the score's bias; the generator runs 6 times a step.

Method, identical for (a) and (b): the data are `--steps * 64` images, drawn
uniformly in [-1, 1], so one epoch is `--steps` (30) steps. Each side first
runs `--warmup-steps` (10) untimed steps (tracing, compilation, allocator),
then `--repeats` (3) timed epochs, alternating hand-written and fit() so
that drift in the machine's load hits both alike (see `harness.py`). Each
timed epoch shuffles, slices 64-image batches from host memory, runs the
steps and waits for the device to finish; for fit() it is one
`model.fit(x, epochs=1, shuffle=True)` call, timed from `on_epoch_begin` to
`on_epoch_end` (so fit()'s one-off set-up per call is not counted, but
everything it does per epoch and per step is).

Usage (one backend per process):

    KERAS_BACKEND=jax .venv/bin/python bench/dcgan_throughput.py
    KERAS_BACKEND=jax .venv/bin/python bench/dcgan_throughput.py --model wgangp
    KERAS_BACKEND=torch .venv/bin/python bench/dcgan_throughput.py --kernel-size 4
    bench/run_all.sh dcgan      # all three backends, one markdown table
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402  (also puts the repository on sys.path)
import numpy as np  # noqa: E402

BATCH = 64
IMAGE_SHAPE = (28, 28, 1)
LATENT = 100
BN_MOMENTUM, BN_EPS = 0.99, 1e-3  # keras.layers.BatchNormalization
DROPOUT = 0.3
SLOPE = 0.2
ADAM_EPS = 1e-7  # keras.optimizers.Adam


class Settings:
    """What differs between the two models (defaults: their papers')."""

    def __init__(self, model, kernel_size=5):
        self.model = model
        self.kernel_size = kernel_size
        self.wgangp = model == "wgangp"
        self.lr, self.beta1, self.beta2 = (
            (1e-4, 0.5, 0.9) if self.wgangp else (2e-4, 0.5, 0.999)
        )
        self.critic_steps = 5 if self.wgangp else 1
        self.gp_weight = 10.0
        self.dropout = 0.0 if self.wgangp else DROPOUT
        self.logit_bias = not self.wgangp
        self.discriminator_keys = DISCRIMINATOR_KEYS[: 5 if self.wgangp else 6]


# The DCGAN values, for bench/profile_torch_fit.py.
LR, BETA1, BETA2 = 2e-4, 0.5, 0.999


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--model",
        choices=("dcgan", "wgangp"),
        default="dcgan",
        help="ganzoo.DCGAN (default) or ganzoo.WGANGP",
    )
    parser.add_argument(
        "--kernel-size",
        type=int,
        choices=(4, 5),
        default=5,
        help="convolution kernel size on both sides (default 5, the models' "
        "default; 4 makes stride-2 'same' padding symmetric)",
    )
    harness.add_arguments(parser, steps=30, warmup_steps=10, deadline=120)
    return parser.parse_args(argv)


def keras_init_numpy(rng, k=5):
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
        # Conv2DTranspose kernel: (h, w, out, in); Keras fans: in=k*k*out...
        "up0": glorot((k, k, 64, 128), k * k * 128, k * k * 64),
        "bn1_gamma": np.ones(64, "float32"),
        "bn1_beta": np.zeros(64, "float32"),
        "to_image": glorot((k, k, 1, 64), k * k * 64, k * k * 1),
        "to_image_b": np.zeros(1, "float32"),
        # discriminator
        "down0": glorot((k, k, 1, 64), k * k * 1, k * k * 64),
        "down0_b": np.zeros(64, "float32"),
        "down1": glorot((k, k, 64, 128), k * k * 64, k * k * 128),
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
# The critic (WGAN-GP) has all but the last: no bias on its score.
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
# Hand-written loops. Each `make_*(seed, model)` returns (run_epoch, params,
# extra) where run_epoch(batches_iterable) runs the steps, waits for the
# results and returns the last step's [d_loss, g_loss], and params =
# (trainable, non_trainable) element counts.
# --------------------------------------------------------------------------


def make_jax(seed, model="dcgan", kernel_size=5):
    import jax
    import jax.numpy as jnp
    from jax import lax

    cfg = Settings(model, kernel_size)
    dn = ("NHWC", "HWIO", "NHWC")
    init = keras_init_numpy(np.random.default_rng(seed), cfg.kernel_size)
    # lax.conv_transpose (transpose_kernel=False) takes (h, w, in, out).
    init["up0"] = init["up0"].transpose(0, 1, 3, 2).copy()
    init["to_image"] = init["to_image"].transpose(0, 1, 3, 2).copy()
    g = {k: jnp.asarray(init[k]) for k in GENERATOR_KEYS}
    d = {k: jnp.asarray(init[k]) for k in cfg.discriminator_keys}
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
        if not cfg.dropout:
            return x
        keep = jax.random.bernoulli(key, 1 - cfg.dropout, x.shape)
        return jnp.where(keep, x / (1 - cfg.dropout), 0)

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
        x = x.reshape(x.shape[0], -1) @ p["logit"]
        return x + p["logit_b"] if cfg.logit_bias else x

    def adam_init(p):
        zeros = jax.tree_util.tree_map(jnp.zeros_like, p)
        return (zeros, jax.tree_util.tree_map(jnp.zeros_like, p), jnp.float32(0))

    def adam(p, grads, state):
        m, v, t = state
        t = t + 1
        b1, b2 = cfg.beta1, cfg.beta2
        alpha = cfg.lr * jnp.sqrt(1 - b2**t) / (1 - b1**t)
        m = jax.tree_util.tree_map(lambda m, g: m + (g - m) * (1 - b1), m, grads)
        v = jax.tree_util.tree_map(lambda v, g: v + (g * g - v) * (1 - b2), v, grads)
        p = jax.tree_util.tree_map(
            lambda p, m, v: p - m * alpha / (jnp.sqrt(v) + ADAM_EPS), p, m, v
        )
        return p, (m, v, t)

    def d_loss_fn(d, real, fake, keys):
        real_logits = discriminator(d, real, keys[0])
        fake_logits = discriminator(d, fake, keys[1])
        if not cfg.wgangp:
            return jnp.mean(jax.nn.softplus(-real_logits)) + jnp.mean(
                jax.nn.softplus(fake_logits)
            )
        alpha = jax.random.uniform(keys[2], (real.shape[0], 1, 1, 1))
        mixed = real + alpha * (fake - real)
        grads = jax.grad(lambda x: jnp.sum(discriminator(d, x, keys[3])))(mixed)
        norms = jnp.sqrt(jnp.sum(jnp.square(grads), axis=(1, 2, 3)) + 1e-12)
        penalty = jnp.mean(jnp.square(norms - 1.0))
        return jnp.mean(fake_logits) - jnp.mean(real_logits) + cfg.gp_weight * penalty

    def step(state, real):
        g, d, stats, g_opt, d_opt, key = state
        for _ in range(cfg.critic_steps):
            key, kz, *kd = jax.random.split(key, 6)
            z = jax.random.normal(kz, (real.shape[0], LATENT))
            fake, stats = generator(g, stats, z)
            fake = lax.stop_gradient(fake)
            d_loss, d_grads = jax.value_and_grad(d_loss_fn)(d, real, fake, kd)
            d, d_opt = adam(d, d_grads, d_opt)

        key, kz_g, kd_g = jax.random.split(key, 3)
        z = jax.random.normal(kz_g, (real.shape[0], LATENT))

        def g_loss_fn(g):
            images, new_stats = generator(g, stats, z)
            logits = discriminator(d, images, kd_g)
            if cfg.wgangp:
                return -jnp.mean(logits), new_stats
            return jnp.mean(jax.nn.softplus(-logits)), new_stats

        (g_loss, stats), g_grads = jax.value_and_grad(g_loss_fn, has_aux=True)(g)
        g, g_opt = adam(g, g_grads, g_opt)
        return (g, d, stats, g_opt, d_opt, key), (d_loss, g_loss)

    step = jax.jit(step, donate_argnums=0)
    state = [(g, d, stats, adam_init(g), adam_init(d), jax.random.key(seed))]

    def run_epoch(batches):
        losses = None
        for batch in batches:
            state[0], losses = step(state[0], jnp.asarray(batch))
        jax.block_until_ready((state[0], losses))
        return [float(x) for x in losses]

    trainable = sum(x.size for x in jax.tree_util.tree_leaves((g, d)))
    non_trainable = sum(x.size for x in jax.tree_util.tree_leaves(stats))
    return run_epoch, (trainable, non_trainable), {}


def make_tensorflow(seed, model="dcgan", jit_compile=True, kernel_size=5):
    import tensorflow as tf

    cfg = Settings(model, kernel_size)
    init = keras_init_numpy(np.random.default_rng(seed), cfg.kernel_size)
    g = {k: tf.Variable(init[k], name=k) for k in GENERATOR_KEYS}
    d = {k: tf.Variable(init[k], name=k) for k in cfg.discriminator_keys}
    stats = {
        k: tf.Variable(v, trainable=False, name=k) for k, v in bn_state_numpy().items()
    }
    g_vars = [g[k] for k in GENERATOR_KEYS]
    d_vars = [d[k] for k in cfg.discriminator_keys]

    def adam_state(variables):
        slots = [
            (
                tf.Variable(tf.zeros_like(v), trainable=False),
                tf.Variable(tf.zeros_like(v), trainable=False),
            )
            for v in variables
        ]
        return slots, tf.Variable(0.0, trainable=False)

    g_opt, d_opt = adam_state(g_vars), adam_state(d_vars)
    iterations = tf.Variable(0, dtype=tf.int64, trainable=False)

    def adam(variables, grads, state):
        slot_pairs, t = state
        t.assign_add(1.0)
        b1, b2 = cfg.beta1, cfg.beta2
        alpha = cfg.lr * tf.sqrt(1 - b2**t) / (1 - b1**t)
        for var, grad, (m, v) in zip(variables, grads, slot_pairs, strict=True):
            m.assign_add((grad - m) * (1 - b1))
            v.assign_add((tf.square(grad) - v) * (1 - b2))
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

    def dropout(x, seed):
        if not cfg.dropout:
            return x
        return tf.nn.experimental.stateless_dropout(x, cfg.dropout, seed)

    def discriminator(x, seed):
        s0, s1 = tf.unstack(tf.random.experimental.stateless_split(seed, 2))
        x = tf.nn.conv2d(x, d["down0"], strides=2, padding="SAME")
        x = dropout(tf.nn.leaky_relu(x + d["down0_b"], SLOPE), s0)
        x = tf.nn.conv2d(x, d["down1"], strides=2, padding="SAME")
        x = dropout(tf.nn.leaky_relu(x + d["down1_b"], SLOPE), s1)
        x = tf.matmul(tf.reshape(x, [tf.shape(x)[0], -1]), d["logit"])
        return x + d["logit_b"] if cfg.logit_bias else x

    def d_loss_fn(real, fake, seeds):
        real_logits = discriminator(real, seeds[0])
        fake_logits = discriminator(fake, seeds[1])
        if not cfg.wgangp:
            return tf.reduce_mean(tf.nn.softplus(-real_logits)) + (
                tf.reduce_mean(tf.nn.softplus(fake_logits))
            )
        alpha = tf.random.stateless_uniform([tf.shape(real)[0], 1, 1, 1], seeds[2])
        mixed = real + alpha * (fake - real)
        with tf.GradientTape() as inner:
            inner.watch(mixed)
            scores = tf.reduce_sum(discriminator(mixed, seeds[3]))
        grads = inner.gradient(scores, mixed)
        norms = tf.sqrt(tf.reduce_sum(tf.square(grads), axis=[1, 2, 3]) + 1e-12)
        penalty = tf.reduce_mean(tf.square(norms - 1.0))
        return (
            tf.reduce_mean(fake_logits)
            - tf.reduce_mean(real_logits)
            + cfg.gp_weight * penalty
        )

    @tf.function(jit_compile=jit_compile)
    def step(real):
        iterations.assign_add(1)
        seeds = tf.random.experimental.stateless_split(
            tf.stack([tf.constant(seed, tf.int64), iterations]),
            5 * cfg.critic_steps + 2,
        )
        n = tf.shape(real)[0]
        for i in range(cfg.critic_steps):
            s = seeds[5 * i : 5 * i + 5]
            fake = tf.stop_gradient(
                generator(tf.random.stateless_normal([n, LATENT], s[0]))
            )
            with tf.GradientTape() as tape:
                d_loss = d_loss_fn(real, fake, s[1:])
            adam(d_vars, tape.gradient(d_loss, d_vars), d_opt)
        z = tf.random.stateless_normal([n, LATENT], seeds[-2])
        with tf.GradientTape() as tape:
            logits = discriminator(generator(z), seeds[-1])
            if cfg.wgangp:
                g_loss = -tf.reduce_mean(logits)
            else:
                g_loss = tf.reduce_mean(tf.nn.softplus(-logits))
        adam(g_vars, tape.gradient(g_loss, g_vars), g_opt)
        return d_loss, g_loss

    def run_epoch(batches):
        losses = None
        for batch in batches:
            losses = step(tf.convert_to_tensor(batch))
        return [float(x.numpy()) for x in losses]

    trainable = sum(int(np.prod(v.shape)) for v in g_vars + d_vars)
    non_trainable = sum(int(np.prod(v.shape)) for v in stats.values())
    return run_epoch, (trainable, non_trainable), {"jit_compile": jit_compile}


def build_torch_networks(model="dcgan", kernel_size=5):
    """The generator and discriminator as plain `torch.nn` modules (NCHW)."""
    import torch
    from torch import nn
    from torch.nn import functional as F

    cfg = Settings(model, kernel_size)

    # PyTorch's BatchNorm momentum is the weight of the *new* statistic:
    # Keras momentum 0.99 is PyTorch momentum 0.01; epsilon 1e-3 as Keras.
    # Convolutions are NCHW. padding=2 for k=5 stride 2 gives Keras's
    # "same" output sizes (28->14->7; 7->14->28 with output_padding=1); the
    # sampling grid is shifted by one pixel against TF's asymmetric "same"
    # padding (1 before, 2 after), which changes no shape or FLOP count.
    # For k=4 (padding=1, output_padding=0) "same" is symmetric and the two
    # grids coincide.
    k = cfg.kernel_size
    pad, out_pad = (k - 1) // 2, 2 + 2 * ((k - 1) // 2) - k

    class Generator(nn.Module):
        def __init__(self):
            super().__init__()
            self.project = nn.Linear(LATENT, 7 * 7 * 128, bias=False)
            self.project_bn = nn.BatchNorm1d(
                7 * 7 * 128, eps=BN_EPS, momentum=1 - BN_MOMENTUM
            )
            self.up_0 = nn.ConvTranspose2d(
                128, 64, k, stride=2, padding=pad, output_padding=out_pad, bias=False
            )
            self.up_0_bn = nn.BatchNorm2d(64, eps=BN_EPS, momentum=1 - BN_MOMENTUM)
            self.to_image = nn.ConvTranspose2d(
                64, 1, k, stride=2, padding=pad, output_padding=out_pad
            )

        def forward(self, z):
            x = F.leaky_relu(self.project_bn(self.project(z)), SLOPE)
            x = x.view(-1, 128, 7, 7)
            x = F.leaky_relu(self.up_0_bn(self.up_0(x)), SLOPE)
            return torch.tanh(self.to_image(x))

    class Discriminator(nn.Module):
        def __init__(self):
            super().__init__()
            self.down_0 = nn.Conv2d(1, 64, k, stride=2, padding=pad)
            self.down_1 = nn.Conv2d(64, 128, k, stride=2, padding=pad)
            self.logit = nn.Linear(7 * 7 * 128, 1, bias=cfg.logit_bias)
            self.dropout = nn.Dropout(cfg.dropout) if cfg.dropout else nn.Identity()

        def forward(self, x):
            x = self.dropout(F.leaky_relu(self.down_0(x), SLOPE))
            x = self.dropout(F.leaky_relu(self.down_1(x), SLOPE))
            return self.logit(x.flatten(1))

    return Generator(), Discriminator()


def make_torch(seed, model="dcgan", kernel_size=5):
    import torch
    from torch.nn import functional as F

    cfg = Settings(model, kernel_size)
    torch.manual_seed(seed)
    gen, disc = build_torch_networks(model, kernel_size)
    gen, disc = gen.train(), disc.train()
    betas = (cfg.beta1, cfg.beta2)
    g_opt = torch.optim.Adam(gen.parameters(), lr=cfg.lr, betas=betas, eps=ADAM_EPS)
    d_opt = torch.optim.Adam(disc.parameters(), lr=cfg.lr, betas=betas, eps=ADAM_EPS)
    last = {}

    def d_loss_fn(real, fake):
        if not cfg.wgangp:
            return F.softplus(-disc(real)).mean() + F.softplus(disc(fake)).mean()
        alpha = torch.rand(real.shape[0], 1, 1, 1)
        mixed = (real + alpha * (fake - real)).requires_grad_(True)
        (grads,) = torch.autograd.grad(disc(mixed).sum(), mixed, create_graph=True)
        norms = torch.sqrt(grads.square().sum(dim=(1, 2, 3)) + 1e-12)
        penalty = (norms - 1.0).square().mean()
        return disc(fake).mean() - disc(real).mean() + cfg.gp_weight * penalty

    def step(real):
        n = real.shape[0]
        for _ in range(cfg.critic_steps):
            fake = gen(torch.randn(n, LATENT)).detach()
            d_loss = d_loss_fn(real, fake)
            d_opt.zero_grad(set_to_none=True)
            d_loss.backward()
            d_opt.step()
        # Generator phase; the discriminator's weights need no gradient here.
        disc.requires_grad_(False)
        logits = disc(gen(torch.randn(n, LATENT)))
        g_loss = -logits.mean() if cfg.wgangp else F.softplus(-logits).mean()
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


def make_hand(backend, seed, model, hand_no_xla=False, kernel_size=5):
    if backend == "tensorflow":
        return make_tensorflow(
            seed, model, jit_compile=not hand_no_xla, kernel_size=kernel_size
        )
    make = {"jax": make_jax, "torch": make_torch}[backend]
    return make(seed, model, kernel_size=kernel_size)


# --------------------------------------------------------------------------
# fit() and the harness.
# --------------------------------------------------------------------------


def shuffled_batches(data, rng):
    order = rng.permutation(len(data))
    for start in range(0, len(data) - BATCH + 1, BATCH):
        yield data[order[start : start + BATCH]]


def make_fit(seed, jit_compile="auto", model="dcgan", kernel_size=5):
    import keras

    import ganzoo

    keras.utils.set_random_seed(seed)
    cls = ganzoo.WGANGP if model == "wgangp" else ganzoo.DCGAN
    gan = cls(
        image_shape=IMAGE_SHAPE, latent_dim=LATENT, kernel_size=kernel_size, seed=seed
    )
    harness.compile_fit_model(gan, jit_compile)
    timer = harness.epoch_timer()

    def run_epoch(data):
        history = gan.fit(
            data, batch_size=BATCH, epochs=1, shuffle=True, verbose=0, callbacks=[timer]
        )
        run_epoch.logs = {k: round(v[-1], 4) for k, v in history.history.items()}
        return timer.seconds[-1]

    weights = gan.generator.weights + gan.discriminator.weights
    trainable = sum(int(np.prod(v.shape)) for v in weights if v.trainable)
    non_trainable = sum(int(np.prod(v.shape)) for v in weights if not v.trainable)
    extra = {"jit_compile": gan.jit_compile}
    return gan, run_epoch, (trainable, non_trainable), extra


def main(argv=None):
    args = parse_args(argv)
    backend = harness.active_backend()
    if args.threads:
        harness.limit_threads(backend, args.threads)
    data = (
        np.random.default_rng(args.seed)
        .uniform(-1, 1, (args.steps * BATCH,) + IMAGE_SHAPE)
        .astype("float32")
    )
    warmup_data = data[: args.warmup_steps * BATCH]
    rng = np.random.default_rng(args.seed + 1)
    result = harness.new_result(args, backend, model=args.model, batch_size=BATCH)

    sides = {}  # name -> function running one timed epoch, returning seconds
    if args.only in ("hand", "both"):
        run_hand, params, extra = make_hand(
            backend, args.seed, args.model, args.hand_no_xla, args.kernel_size
        )
        seconds, losses = harness.timed_hand_epoch(
            run_hand, shuffled_batches(warmup_data, rng)
        )  # compiles
        result["hand_warmup_losses"] = losses
        result["hand_warmup_s"] = seconds[0]
        result["hand_params"] = params
        result.update({"hand_" + k: v for k, v in extra.items()})

        def hand_epoch():
            seconds, losses = harness.timed_hand_epoch(
                run_hand, shuffled_batches(data, rng)
            )
            result["hand_last_losses"] = losses
            return seconds

        sides["hand"] = hand_epoch
    if args.only in ("fit", "both"):
        _, run_fit, params, extra = make_fit(
            args.seed, args.fit_jit_compile, args.model, args.kernel_size
        )
        result["fit_warmup_s"] = run_fit(warmup_data)[0]  # traces / compiles
        result["fit_params"] = params
        result.update({"fit_" + k: v for k, v in extra.items()})
        result["fit_warmup_logs"] = run_fit.logs

        def fit_epoch():
            seconds = run_fit(data)
            result["fit_last_logs"] = run_fit.logs
            return seconds

        sides["fit"] = fit_epoch

    harness.measure(args, sides, result)
    label = "DCGAN" if args.model == "dcgan" else "WGAN-GP, 5 critic steps"
    harness.report(
        args,
        result,
        label=f"{label} 28x28, kernel {args.kernel_size}, batch {BATCH}",
        params_note="(trainable + non-trainable)",
    )


if __name__ == "__main__":
    main()
