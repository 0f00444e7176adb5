#!/usr/bin/env python
"""CycleGAN training throughput: `ganzoo.CycleGAN.fit()` against a hand-written loop.

Measures steady-state training steps per second (unpaired batches of 4
domain-A and 4 domain-B images, 64x64x3) of

  (a) `ganzoo.CycleGAN(image_shape=(64, 64, 3), num_blocks=6).fit()` (64
      filters, 3-layer PatchGANs, 50-image history pools) after the default
      `compile()` (`jit_compile="auto"`), on the backend that
      `KERAS_BACKEND` names, and
  (b) the same networks and the same step written by hand in that
      backend's own idiom, without Keras:
        tensorflow: `tf.Variable`s, raw `tf.nn` ops, `tf.GradientTape`,
                    `@tf.function(jit_compile=True)`, hand-written Adam;
        jax:        pure functions over pytrees, `jax.lax` convolutions,
                    `jax.value_and_grad`, `jax.jit`, hand-written Adam;
        torch:      `torch.nn` modules (`ReflectionPad2d`, `Conv2d`,
                    `ConvTranspose2d`, `InstanceNorm2d(affine=False)`),
                    `torch.optim.Adam`, eager.

Networks: ResNet generators (reflection-padded 7x7 stem, two stride-2 3x3
convolutions, 6 residual blocks of 256 channels, two stride-2 3x3
transposed convolutions, reflection-padded 7x7 head, tanh; instance norm
with epsilon 1e-5 and no scale or offset, biases on every convolution)
and 70x70 PatchGANs (4x4 convolutions, instance norm, LeakyReLU 0.2).

One step, in both, in the order `CycleGAN.phases()` gives:

  1. generators (one Adam over both): G_ab(a), G_ba(b), the cycles
     G_ba(G_ab(a)) and G_ab(G_ba(b)), the identities G_ab(b) and G_ba(a):
     6 generator passes, differentiated; D_b and D_a on the two fakes: 2
     discriminator passes, differentiated with respect to their inputs
     only. Loss: least squares `mean((D(fake) - 1)^2)` per direction +
     10 * (|cycle - real|) per domain + 5 (0.5 x 10) * (|identity - real|)
     per domain, mean absolute errors;
  2. discriminators (one Adam over both): the *updated* generators run
     again on a and b (2 generator passes, not differentiated, as fit()
     does), each domain's fakes go through its 50-image history pool,
     and `0.5 * (mean((D(real) - 1)^2) + mean(D(pool(fake))^2))` per
     domain: 4 discriminator passes, differentiated.

So 8 generator and 6 discriminator forward passes of 4 images a step; the
report gives the FLOPs this makes. Adam(2e-4, beta_1=0.5, beta_2=0.999,
epsilon=1e-7), Keras's defaults beside the model's `default_optimizer`.

Method, identical for (a) and (b) and as in `bench/dcgan_throughput.py`:
the data are `--steps * 4` images per domain, drawn uniformly in [-1, 1],
so one epoch is `--steps` (5) steps. Each side first runs
`--warmup-steps` (2) untimed steps (tracing, compilation, allocator), then
`--repeats` (3) timed epochs, alternating hand-written and fit() so that
drift in the machine's load hits both alike. Each timed epoch shuffles A
and B with one permutation (as fit() does with two arrays), slices the
batches from host memory, runs the steps and waits for the device; for
fit() it is one `model.fit(x=(a, b), epochs=1, shuffle=True)` call, timed
from `on_epoch_begin` to `on_epoch_end`. Steps/s is `--steps / seconds`;
the median of the repeats is reported, and the ratio is median(fit) /
median(hand-written). Other processes' share of the CPUs is measured
during every epoch; disturbed epochs are re-run and flagged as in the
DCGAN bench. `--threads 1 --clock cpu` gives per-CPU-second figures that
such load barely moves.

`--check` instead copies the Keras model's weights into the hand-written
networks and compares generator and discriminator outputs and the losses
of two training steps (fit() against hand-written) on one batch.

Usage (one backend per process):

    KERAS_BACKEND=jax .venv/bin/python bench/cyclegan_throughput.py
    KERAS_BACKEND=torch .venv/bin/python bench/cyclegan_throughput.py --check
    for b in tensorflow jax torch; do   # rows of bench/run_all.sh's table
      KERAS_BACKEND=$b .venv/bin/python bench/cyclegan_throughput.py \
        --row-file rows.md; done
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402  (also puts the repository on sys.path)
import numpy as np  # noqa: E402

BATCH = 4
IMAGE_SHAPE = (64, 64, 3)
FILTERS = 64
NUM_BLOCKS = 6
DOWNSAMPLINGS = 2
D_LAYERS = 3
CYCLE_WEIGHT = 10.0
IDENTITY_WEIGHT = 0.5 * CYCLE_WEIGHT  # identity_weight_mode="relative"
POOL_SIZE = 50
LR, BETA1, BETA2, ADAM_EPS = 2e-4, 0.5, 0.999, 1e-7  # keras.optimizers.Adam
NORM_EPS = 1e-5  # ganzoo.layers.instance_normalization (PyTorch's default)
SLOPE = 0.2
NETWORKS = ("generator_ab", "generator_ba", "discriminator_a", "discriminator_b")
LOSS_NAMES = ("g_loss", "d_a_loss", "d_b_loss")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="compare outputs and two steps' losses of both sides from the "
        "same weights, then exit (no timing)",
    )
    # A step is ~370 GFLOP: seconds on a CPU.
    harness.add_arguments(parser, steps=5, warmup_steps=2, deadline=600)
    return parser.parse_args(argv)


# --------------------------------------------------------------------------
# The networks' shapes, in Keras's layouts and layer names.
# --------------------------------------------------------------------------


def generator_convs(channels=IMAGE_SHAPE[-1]):
    """(layer name, kernel shape, stride, transposed) of each convolution.

    Kernels in Keras's layout: `(h, w, in, out)` for convolutions, `(h, w,
    out, in)` for transposed ones. Every convolution has a bias (instance
    norm, as in `ganzoo.layers.build_resnet_generator`).
    """
    width = FILTERS * 2**DOWNSAMPLINGS
    convs = [("stem_conv", (7, 7, channels, FILTERS), 1, False)]
    for i in range(1, DOWNSAMPLINGS + 1):
        units = FILTERS * 2**i
        convs.append((f"down{i}_conv", (3, 3, units // 2, units), 2, False))
    for k in range(1, NUM_BLOCKS + 1):
        for j in (1, 2):
            convs.append((f"block{k}_conv{j}", (3, 3, width, width), 1, False))
    for i in range(1, DOWNSAMPLINGS + 1):
        units = width // 2**i
        convs.append((f"up{i}_conv", (3, 3, units, units * 2), 2, True))
    convs.append(("head_conv", (7, 7, FILTERS, channels), 1, False))
    return convs


def discriminator_convs(channels=IMAGE_SHAPE[-1]):
    """(layer name, kernel shape, stride, transposed) of the PatchGAN's convolutions.

    4x4 kernels, each input zero-padded by one pixel, every one with a bias.
    """
    convs, units = [], channels
    for k in range(1, D_LAYERS + 2):
        out = FILTERS * min(2 ** (k - 1), 8)
        convs.append((f"conv{k}", (4, 4, units, out), 2 if k <= D_LAYERS else 1, False))
        units = out
    convs.append(("logits", (4, 4, units, 1), 1, False))
    return convs


CONVS = {
    "generator_ab": generator_convs(),
    "generator_ba": generator_convs(),
    "discriminator_a": discriminator_convs(),
    "discriminator_b": discriminator_convs(),
}


def init_numpy(seed):
    """Initial weights by network and Keras weight name ("stem_conv/kernel").

    The reference initialisation, as Keras's: kernels N(0, 0.02), zero
    biases.
    """
    rng = np.random.default_rng(seed)
    weights = {}
    for network, convs in CONVS.items():
        weights[network] = {}
        for name, shape, _, transposed in convs:
            out = shape[2] if transposed else shape[3]
            weights[network][name + "/kernel"] = rng.normal(0, 0.02, shape).astype(
                "float32"
            )
            weights[network][name + "/bias"] = np.zeros(out, "float32")
    return weights


def keras_weights(model):
    """The Keras model's networks' weights, in `init_numpy`'s structure."""
    return {
        network: {
            f"{layer.name}/{w.name}": np.asarray(w.numpy())
            for layer in getattr(model, network).layers
            for w in layer.weights
        }
        for network in NETWORKS
    }


def forward_macs():
    """Multiply-adds of one forward pass of one image, per network."""
    height = IMAGE_SHAPE[0]
    g = 0
    for _, shape, stride, transposed in generator_convs():
        taps = int(np.prod(shape))
        if transposed:  # every input pixel meets the whole kernel
            g += height * height * taps
            height *= stride
        else:
            height //= stride
            g += height * height * taps
    d, side = 0, IMAGE_SHAPE[0]
    for _, shape, stride, _ in discriminator_convs():
        side = (side + 2 - 4) // stride + 1
        d += side * side * int(np.prod(shape))
    return {"generator": g, "discriminator": d}


def step_flops():
    """Estimated FLOPs of one step (backward = 2 forwards, input-only = 1)."""
    macs = forward_macs()
    # (passes, forward-equivalents each) per network kind, per step.
    generator = 6 * 3 + 2 * 1  # 6 differentiated (weights + inputs), 2 not
    discriminator = 4 * 3 + 2 * 2  # 4 weight-differentiated, 2 input-only
    flops = (
        2
        * BATCH
        * (generator * macs["generator"] + discriminator * macs["discriminator"])
    )
    return {
        "generator_forward_gmacs_per_image": macs["generator"] / 1e9,
        "discriminator_forward_gmacs_per_image": macs["discriminator"] / 1e9,
        "generator_passes": "8 (6 differentiated in the generators' phase, "
        "2 not in the discriminators' phase)",
        "discriminator_passes": "6 (2 differentiated w.r.t. inputs only, "
        "4 w.r.t. weights)",
        "gflops_per_step": flops / 1e9,
    }


# --------------------------------------------------------------------------
# Hand-written loops. Each `make_*(seed, weights=None)` returns (run_epoch,
# params, extra): run_epoch(pairs) runs a step per (a, b) batch of NHWC
# NumPy images, waits for the results and returns the last step's
# [g_loss, d_a_loss, d_b_loss]; run_epoch.forward maps "generator_ab" and
# "discriminator_a" to functions of NHWC NumPy images (for --check); params
# = (trainable, non-trainable) element counts. `weights` (Keras layout, see
# init_numpy) replaces the hand-written side's own initial weights.
# --------------------------------------------------------------------------


def count_params(weights):
    trainable = sum(w.size for net in weights.values() for w in net.values())
    pools = 2 * POOL_SIZE * int(np.prod(IMAGE_SHAPE))
    return trainable, pools


def make_jax(seed, weights=None):
    import jax
    import jax.numpy as jnp
    from jax import lax

    dn = ("NHWC", "HWIO", "NHWC")
    weights = weights or init_numpy(seed)
    params = {
        net: {k: jnp.asarray(v) for k, v in weights[net].items()} for net in NETWORKS
    }
    g = {net: params[net] for net in NETWORKS[:2]}
    d = {net: params[net] for net in NETWORKS[2:]}

    def conv(x, p, name, stride=1, pad=0):
        y = lax.conv_general_dilated(
            x,
            p[name + "/kernel"],
            (stride, stride),
            [(pad, pad)] * 2,
            dimension_numbers=dn,
        )
        return y + p[name + "/bias"]

    def conv_transpose(x, p, name):
        # The gradient of a stride-2 convolution (kernel in Keras's layout),
        # 2h + 1 pixels without the first row and column: PyTorch's
        # ConvTranspose2d(3, stride=2, padding=1, output_padding=1).
        y = lax.conv_transpose(
            x,
            p[name + "/kernel"],
            (2, 2),
            [(1, 2)] * 2,
            dimension_numbers=dn,
            transpose_kernel=True,
        )
        return y + p[name + "/bias"]

    def reflect(x, pad):
        return jnp.pad(x, ((0, 0), (pad, pad), (pad, pad), (0, 0)), mode="reflect")

    def instance_norm(x):
        mean = jnp.mean(x, (1, 2), keepdims=True)
        var = jnp.mean(jnp.square(x - mean), (1, 2), keepdims=True)
        return (x - mean) * lax.rsqrt(var + NORM_EPS)

    def leaky(x):
        return jnp.where(x >= 0, x, SLOPE * x)

    def generator(p, x):
        x = jax.nn.relu(instance_norm(conv(reflect(x, 3), p, "stem_conv")))
        for i in range(1, DOWNSAMPLINGS + 1):
            x = jax.nn.relu(instance_norm(conv(x, p, f"down{i}_conv", 2, 1)))
        for k in range(1, NUM_BLOCKS + 1):
            y = conv(reflect(x, 1), p, f"block{k}_conv1")
            y = jax.nn.relu(instance_norm(y))
            x = x + instance_norm(conv(reflect(y, 1), p, f"block{k}_conv2"))
        for i in range(1, DOWNSAMPLINGS + 1):
            x = jax.nn.relu(instance_norm(conv_transpose(x, p, f"up{i}_conv")))
        return jnp.tanh(conv(reflect(x, 3), p, "head_conv"))

    def discriminator(p, x):
        x = leaky(conv(x, p, "conv1", 2, 1))
        for k in range(2, D_LAYERS + 2):
            stride = 2 if k <= D_LAYERS else 1
            x = leaky(instance_norm(conv(x, p, f"conv{k}", stride, 1)))
        return conv(x, p, "logits", 1, 1)

    def pool_query(pool, count, images, key):
        """The history pool's rule, image after image (see ganzoo's ImagePool)."""
        k_coin, k_slot = jax.random.split(key)
        coins = jax.random.uniform(k_coin, (images.shape[0],))
        slots = jax.random.randint(k_slot, (images.shape[0],), 0, POOL_SIZE)
        shown = []
        for i in range(images.shape[0]):
            filling = count < POOL_SIZE
            swap = jnp.logical_and(jnp.logical_not(filling), coins[i] > 0.5)
            slot = jnp.where(filling, count, slots[i])
            stored = pool[slot]
            shown.append(jnp.where(swap, stored, images[i]))
            pool = pool.at[slot].set(jnp.where(filling | swap, images[i], stored))
            count = jnp.minimum(count + 1, POOL_SIZE)
        return jnp.stack(shown), pool, count

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

    def mae(x, y):
        return jnp.mean(jnp.abs(x - y))

    def step(state, real_a, real_b):
        g, d, g_opt, d_opt, pools, t, key = state
        key, key_a, key_b = jax.random.split(key, 3)
        t = t + 1

        # Generators' phase.
        def g_loss_fn(g):
            g_ab, g_ba = g["generator_ab"], g["generator_ba"]
            fake_b, fake_a = generator(g_ab, real_a), generator(g_ba, real_b)
            adversarial = jnp.mean(
                jnp.square(discriminator(d["discriminator_b"], fake_b) - 1)
            ) + jnp.mean(jnp.square(discriminator(d["discriminator_a"], fake_a) - 1))
            cycle = mae(generator(g_ba, fake_b), real_a) + mae(
                generator(g_ab, fake_a), real_b
            )
            identity = mae(generator(g_ab, real_b), real_b) + mae(
                generator(g_ba, real_a), real_a
            )
            return adversarial + CYCLE_WEIGHT * cycle + IDENTITY_WEIGHT * identity

        g_loss, g_grads = jax.value_and_grad(g_loss_fn)(g)
        g, g_opt = adam(g, g_grads, g_opt, t)

        # Discriminators' phase: the updated generators' fakes, via the pools.
        fake_b = lax.stop_gradient(generator(g["generator_ab"], real_a))
        fake_a = lax.stop_gradient(generator(g["generator_ba"], real_b))
        (pool_a, count_a), (pool_b, count_b) = pools
        shown_a, pool_a, count_a = pool_query(pool_a, count_a, fake_a, key_a)
        shown_b, pool_b, count_b = pool_query(pool_b, count_b, fake_b, key_b)

        def side_loss(p, real, fake):
            return 0.5 * jnp.mean(jnp.square(discriminator(p, real) - 1)) + (
                0.5 * jnp.mean(jnp.square(discriminator(p, fake)))
            )

        def d_loss_fn(d):
            d_a = side_loss(d["discriminator_a"], real_a, shown_a)
            d_b = side_loss(d["discriminator_b"], real_b, shown_b)
            return d_a + d_b, (d_a, d_b)

        (_, (d_a, d_b)), d_grads = jax.value_and_grad(d_loss_fn, has_aux=True)(d)
        d, d_opt = adam(d, d_grads, d_opt, t)
        pools = ((pool_a, count_a), (pool_b, count_b))
        return (g, d, g_opt, d_opt, pools, t, key), (g_loss, d_a, d_b)

    step = jax.jit(step, donate_argnums=0)

    def empty_pool():
        return jnp.zeros((POOL_SIZE,) + IMAGE_SHAPE), jnp.int32(0)

    state = [
        (
            g,
            d,
            adam_init(g),
            adam_init(d),
            (empty_pool(), empty_pool()),
            jnp.float32(0),
            jax.random.key(seed),
        )
    ]

    def run_epoch(pairs):
        losses = None
        for a, b in pairs:
            state[0], losses = step(state[0], jnp.asarray(a), jnp.asarray(b))
        jax.block_until_ready((state[0], losses))
        return [float(x) for x in losses]

    run_epoch.forward = {
        "generator_ab": lambda x: np.asarray(
            jax.jit(generator)(state[0][0]["generator_ab"], jnp.asarray(x))
        ),
        "discriminator_a": lambda x: np.asarray(
            jax.jit(discriminator)(state[0][1]["discriminator_a"], jnp.asarray(x))
        ),
    }
    # For bench/profile_jax_cyclegan.py: the networks as pure functions.
    run_epoch.functions = {
        "generator_ab": (generator, params["generator_ab"]),
        "discriminator_a": (discriminator, params["discriminator_a"]),
    }
    return run_epoch, count_params(weights), {}


def make_tensorflow(seed, weights=None, jit_compile=True):
    import tensorflow as tf

    weights = weights or init_numpy(seed)
    params = {
        net: {
            k: tf.Variable(v, name=f"{net}_{k.replace('/', '_')}")
            for k, v in weights[net].items()
        }
        for net in NETWORKS
    }
    g_vars = [v for net in NETWORKS[:2] for v in params[net].values()]
    d_vars = [v for net in NETWORKS[2:] for v in params[net].values()]

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
    pools = {
        domain: (
            tf.Variable(tf.zeros((POOL_SIZE,) + IMAGE_SHAPE), trainable=False),
            tf.Variable(0, dtype=tf.int32, trainable=False),
        )
        for domain in "ab"
    }

    def adam(variables, grads, slot_pairs, t):
        alpha = LR * tf.sqrt(1 - BETA2**t) / (1 - BETA1**t)
        for var, grad, (m, v) in zip(variables, grads, slot_pairs, strict=True):
            m.assign_add((grad - m) * (1 - BETA1))
            v.assign_add((tf.square(grad) - v) * (1 - BETA2))
            var.assign_sub(m * alpha / (tf.sqrt(v) + ADAM_EPS))

    def conv(x, p, name, stride=1, pad=0):
        padding = [[0, 0], [pad, pad], [pad, pad], [0, 0]] if pad else "VALID"
        y = tf.nn.conv2d(x, p[name + "/kernel"], stride, padding)
        return y + p[name + "/bias"]

    def conv_transpose(x, p, name):
        # 2h + 1 pixels without the first row and column, as PyTorch's
        # ConvTranspose2d(3, stride=2, padding=1, output_padding=1).
        kernel = p[name + "/kernel"]
        shape = tf.shape(x)
        out_shape = tf.stack([shape[0], 2 * shape[1], 2 * shape[2], kernel.shape[2]])
        padding = [[0, 0], [1, 0], [1, 0], [0, 0]]
        y = tf.nn.conv2d_transpose(x, kernel, out_shape, 2, padding)
        return y + p[name + "/bias"]

    def reflect(x, pad):
        return tf.pad(x, [[0, 0], [pad, pad], [pad, pad], [0, 0]], mode="REFLECT")

    def instance_norm(x):
        mean, var = tf.nn.moments(x, [1, 2], keepdims=True)
        return (x - mean) * tf.math.rsqrt(var + NORM_EPS)

    def generator(p, x):
        x = tf.nn.relu(instance_norm(conv(reflect(x, 3), p, "stem_conv")))
        for i in range(1, DOWNSAMPLINGS + 1):
            x = tf.nn.relu(instance_norm(conv(x, p, f"down{i}_conv", 2, 1)))
        for k in range(1, NUM_BLOCKS + 1):
            y = conv(reflect(x, 1), p, f"block{k}_conv1")
            y = tf.nn.relu(instance_norm(y))
            x = x + instance_norm(conv(reflect(y, 1), p, f"block{k}_conv2"))
        for i in range(1, DOWNSAMPLINGS + 1):
            x = tf.nn.relu(instance_norm(conv_transpose(x, p, f"up{i}_conv")))
        return tf.tanh(conv(reflect(x, 3), p, "head_conv"))

    def discriminator(p, x):
        x = tf.nn.leaky_relu(conv(x, p, "conv1", 2, 1), SLOPE)
        for k in range(2, D_LAYERS + 2):
            stride = 2 if k <= D_LAYERS else 1
            x = tf.nn.leaky_relu(
                instance_norm(conv(x, p, f"conv{k}", stride, 1)), SLOPE
            )
        return conv(x, p, "logits", 1, 1)

    def pool_query(domain, images, seed):
        """The history pool's rule, image after image (see ganzoo's ImagePool)."""
        pool, count = pools[domain]
        n = images.shape[0]
        seed_coin, seed_slot = tf.unstack(tf.random.experimental.stateless_split(seed))
        coins = tf.random.stateless_uniform([n], seed_coin)
        slots = tf.random.stateless_uniform(
            [n], seed_slot, minval=0, maxval=POOL_SIZE, dtype=tf.int32
        )
        shown = []
        for i in range(n):
            filled = count.read_value()
            filling = filled < POOL_SIZE
            swap = tf.logical_and(tf.logical_not(filling), coins[i] > 0.5)
            slot = tf.where(filling, filled, slots[i])
            stored = tf.gather(pool, slot)
            shown.append(tf.where(swap, stored, images[i]))
            keep = tf.where(tf.logical_or(filling, swap), images[i], stored)
            pool.scatter_nd_update(tf.reshape(slot, [1, 1]), keep[None])
            count.assign(tf.minimum(filled + 1, POOL_SIZE))
        return tf.stack(shown)

    def mae(x, y):
        return tf.reduce_mean(tf.abs(x - y))

    def side_loss(p, real, fake):
        return 0.5 * tf.reduce_mean(tf.square(discriminator(p, real) - 1)) + (
            0.5 * tf.reduce_mean(tf.square(discriminator(p, fake)))
        )

    @tf.function(jit_compile=jit_compile)
    def step(real_a, real_b):
        iterations.assign_add(1)
        t = tf.cast(iterations, tf.float32)
        seeds = tf.random.experimental.stateless_split(
            tf.stack([tf.constant(seed, tf.int64), iterations]), 2
        )
        g_ab, g_ba = params["generator_ab"], params["generator_ba"]
        d_a, d_b = params["discriminator_a"], params["discriminator_b"]
        # Generators' phase.
        with tf.GradientTape() as tape:
            fake_b, fake_a = generator(g_ab, real_a), generator(g_ba, real_b)
            adversarial = tf.reduce_mean(
                tf.square(discriminator(d_b, fake_b) - 1)
            ) + tf.reduce_mean(tf.square(discriminator(d_a, fake_a) - 1))
            cycle = mae(generator(g_ba, fake_b), real_a) + mae(
                generator(g_ab, fake_a), real_b
            )
            identity = mae(generator(g_ab, real_b), real_b) + mae(
                generator(g_ba, real_a), real_a
            )
            g_loss = adversarial + CYCLE_WEIGHT * cycle + IDENTITY_WEIGHT * identity
        adam(g_vars, tape.gradient(g_loss, g_vars), g_slots, t)
        # Discriminators' phase: the updated generators' fakes, via the pools.
        shown_a = pool_query("a", generator(g_ba, real_b), seeds[0])
        shown_b = pool_query("b", generator(g_ab, real_a), seeds[1])
        with tf.GradientTape() as tape:
            d_a_loss = side_loss(d_a, real_a, shown_a)
            d_b_loss = side_loss(d_b, real_b, shown_b)
            d_loss = d_a_loss + d_b_loss
        adam(d_vars, tape.gradient(d_loss, d_vars), d_slots, t)
        return g_loss, d_a_loss, d_b_loss

    def run_epoch(pairs):
        losses = None
        for a, b in pairs:
            losses = step(tf.convert_to_tensor(a), tf.convert_to_tensor(b))
        return [float(x.numpy()) for x in losses]

    run_epoch.forward = {
        "generator_ab": lambda x: generator(params["generator_ab"], x).numpy(),
        "discriminator_a": lambda x: discriminator(
            params["discriminator_a"], x
        ).numpy(),
    }
    return run_epoch, count_params(weights), {"jit_compile": jit_compile}


def build_torch_networks():
    """The two generators and two PatchGANs as `torch.nn` modules (NCHW)."""
    from torch import nn

    class ResidualBlock(nn.Module):
        def __init__(self, width):
            super().__init__()
            self.body = nn.Sequential(
                nn.ReflectionPad2d(1),
                nn.Conv2d(width, width, 3),
                nn.InstanceNorm2d(width, eps=NORM_EPS),
                nn.ReLU(True),
                nn.ReflectionPad2d(1),
                nn.Conv2d(width, width, 3),
                nn.InstanceNorm2d(width, eps=NORM_EPS),
            )

        def forward(self, x):
            return x + self.body(x)

    def generator(channels=IMAGE_SHAPE[-1]):
        layers = [
            nn.ReflectionPad2d(3),
            nn.Conv2d(channels, FILTERS, 7),
            nn.InstanceNorm2d(FILTERS, eps=NORM_EPS),
            nn.ReLU(True),
        ]
        units = FILTERS
        for _ in range(DOWNSAMPLINGS):
            layers += [
                nn.Conv2d(units, units * 2, 3, stride=2, padding=1),
                nn.InstanceNorm2d(units * 2, eps=NORM_EPS),
                nn.ReLU(True),
            ]
            units *= 2
        layers += [ResidualBlock(units) for _ in range(NUM_BLOCKS)]
        for _ in range(DOWNSAMPLINGS):
            layers += [
                nn.ConvTranspose2d(
                    units, units // 2, 3, stride=2, padding=1, output_padding=1
                ),
                nn.InstanceNorm2d(units // 2, eps=NORM_EPS),
                nn.ReLU(True),
            ]
            units //= 2
        layers += [nn.ReflectionPad2d(3), nn.Conv2d(units, channels, 7), nn.Tanh()]
        return nn.Sequential(*layers)

    def discriminator(channels=IMAGE_SHAPE[-1]):
        layers = [
            nn.Conv2d(channels, FILTERS, 4, stride=2, padding=1),
            nn.LeakyReLU(SLOPE, True),
        ]
        units = FILTERS
        for k in range(2, D_LAYERS + 2):
            out = FILTERS * min(2 ** (k - 1), 8)
            stride = 2 if k <= D_LAYERS else 1
            layers += [
                nn.Conv2d(units, out, 4, stride=stride, padding=1),
                nn.InstanceNorm2d(out, eps=NORM_EPS),
                nn.LeakyReLU(SLOPE, True),
            ]
            units = out
        layers.append(nn.Conv2d(units, 1, 4, stride=1, padding=1))
        return nn.Sequential(*layers)

    return {
        "generator_ab": generator(),
        "generator_ba": generator(),
        "discriminator_a": discriminator(),
        "discriminator_b": discriminator(),
    }


def load_torch_weights(module, weights, convs):
    """Copies Keras-layout kernels and biases into `module`'s convolutions."""
    import torch
    from torch import nn

    layers = [
        m for m in module.modules() if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d))
    ]
    with torch.no_grad():
        for layer, (name, *_) in zip(layers, convs, strict=True):
            # (h, w, in, out) -> (out, in, h, w); transposed: (h, w, out, in)
            # -> (in, out, h, w), the same permutation.
            kernel = weights[name + "/kernel"].transpose(3, 2, 0, 1)
            layer.weight.copy_(torch.from_numpy(np.ascontiguousarray(kernel)))
            layer.bias.copy_(torch.from_numpy(weights[name + "/bias"]))


def make_torch(seed, weights=None):
    import random

    import torch

    torch.manual_seed(seed)
    weights = weights or init_numpy(seed)
    nets = build_torch_networks()
    for name, net in nets.items():
        load_torch_weights(net.train(), weights[name], CONVS[name])
    g_ab, g_ba = nets["generator_ab"], nets["generator_ba"]
    d_a, d_b = nets["discriminator_a"], nets["discriminator_b"]
    generators = list(g_ab.parameters()) + list(g_ba.parameters())
    discriminators = list(d_a.parameters()) + list(d_b.parameters())
    g_opt = torch.optim.Adam(generators, lr=LR, betas=(BETA1, BETA2), eps=ADAM_EPS)
    d_opt = torch.optim.Adam(discriminators, lr=LR, betas=(BETA1, BETA2), eps=ADAM_EPS)

    class HistoryPool:
        """The history pool's rule, image after image (see ganzoo's ImagePool)."""

        def __init__(self, rng):
            self.images = torch.zeros((POOL_SIZE,) + IMAGE_SHAPE[2:] + IMAGE_SHAPE[:2])
            self.count = 0
            self.rng = rng

        def __call__(self, images):
            shown = []
            for image in images:
                if self.count < POOL_SIZE:
                    self.images[self.count] = image
                    self.count += 1
                    shown.append(image)
                elif self.rng.random() > 0.5:
                    slot = self.rng.randrange(POOL_SIZE)
                    shown.append(self.images[slot].clone())
                    self.images[slot] = image
                else:
                    shown.append(image)
            return torch.stack(shown)

    pool_a = HistoryPool(random.Random(seed + 1))
    pool_b = HistoryPool(random.Random(seed + 2))
    last = {}

    def set_requires_grad(modules, flag):
        for module in modules:
            module.requires_grad_(flag)

    def step(real_a, real_b):
        # Generators' phase; the discriminators' weights need no gradient.
        set_requires_grad((d_a, d_b), False)
        fake_b, fake_a = g_ab(real_a), g_ba(real_b)
        adversarial = ((d_b(fake_b) - 1) ** 2).mean() + ((d_a(fake_a) - 1) ** 2).mean()
        cycle = (g_ba(fake_b) - real_a).abs().mean() + (
            (g_ab(fake_a) - real_b).abs().mean()
        )
        identity = (g_ab(real_b) - real_b).abs().mean() + (
            (g_ba(real_a) - real_a).abs().mean()
        )
        g_loss = adversarial + CYCLE_WEIGHT * cycle + IDENTITY_WEIGHT * identity
        g_opt.zero_grad(set_to_none=True)
        g_loss.backward()
        g_opt.step()
        set_requires_grad((d_a, d_b), True)
        # Discriminators' phase: the updated generators' fakes, via the pools.
        with torch.no_grad():
            shown_a, shown_b = pool_a(g_ba(real_b)), pool_b(g_ab(real_a))
        d_a_loss = 0.5 * ((d_a(real_a) - 1) ** 2).mean() + 0.5 * (
            (d_a(shown_a) ** 2).mean()
        )
        d_b_loss = 0.5 * ((d_b(real_b) - 1) ** 2).mean() + 0.5 * (
            (d_b(shown_b) ** 2).mean()
        )
        d_opt.zero_grad(set_to_none=True)
        (d_a_loss + d_b_loss).backward()
        d_opt.step()
        last["losses"] = (g_loss.detach(), d_a_loss.detach(), d_b_loss.detach())

    def nchw(images):
        # NCHW as PyTorch holds images; one copy per batch, like fit().
        return torch.from_numpy(np.asarray(images)).permute(0, 3, 1, 2).contiguous()

    def run_epoch(pairs):
        for a, b in pairs:
            step(nchw(a), nchw(b))
        return [float(x) for x in last["losses"]]

    def forward(net):
        def run(images):
            with torch.no_grad():
                return net(nchw(images)).permute(0, 2, 3, 1).numpy()

        return run

    run_epoch.forward = {"generator_ab": forward(g_ab), "discriminator_a": forward(d_a)}
    trainable = sum(p.numel() for p in generators + discriminators)
    pools = pool_a.images.numel() + pool_b.images.numel()
    extra = {"torch_threads": torch.get_num_threads()}
    return run_epoch, (trainable, pools), extra


MAKERS = {"jax": make_jax, "tensorflow": make_tensorflow, "torch": make_torch}


def make_hand(backend, seed, weights=None, hand_no_xla=False):
    if backend == "tensorflow":
        return make_tensorflow(seed, weights, jit_compile=not hand_no_xla)
    return MAKERS[backend](seed, weights)


# --------------------------------------------------------------------------
# fit() and the harness.
# --------------------------------------------------------------------------


def shuffled_pairs(images_a, images_b, rng):
    """Batches of A and B under one permutation, as fit() batches two arrays."""
    order = rng.permutation(len(images_a))
    for start in range(0, len(order) - BATCH + 1, BATCH):
        index = order[start : start + BATCH]
        yield images_a[index], images_b[index]


def make_fit(seed, jit_compile="auto"):
    import keras

    import ganzoo

    keras.utils.set_random_seed(seed)
    model = ganzoo.CycleGAN(image_shape=IMAGE_SHAPE, num_blocks=NUM_BLOCKS, seed=seed)
    harness.compile_fit_model(model, jit_compile)
    timer = harness.epoch_timer()

    def run_epoch(images_a, images_b, **kwargs):
        options = dict(batch_size=BATCH, epochs=1, shuffle=True, verbose=0)
        options.update(kwargs)
        history = model.fit(x=(images_a, images_b), callbacks=[timer], **options)
        run_epoch.history = history.history
        run_epoch.logs = {k: round(v[-1], 4) for k, v in history.history.items()}
        return timer.seconds[-1]

    weights = [w for net in NETWORKS for w in getattr(model, net).weights]
    trainable = sum(int(np.prod(v.shape)) for v in weights if v.trainable)
    # The networks hold no statistics (instance norm); the pools' image
    # buffers are the non-trainable state (their int fill counters are not
    # counted, like the hand-written sides' counters).
    non_trainable = sum(int(np.prod(v.shape)) for v in weights if not v.trainable)
    non_trainable += sum(
        int(np.prod(p.images.shape)) for p in (model.pool_a, model.pool_b)
    )
    expected = init_numpy(seed)
    found = keras_weights(model)
    same_shapes = all(
        sorted((k, v.shape) for k, v in found[net].items())
        == sorted((k, v.shape) for k, v in expected[net].items())
        for net in NETWORKS
    )
    extra = {"jit_compile": model.jit_compile, "same_weight_shapes": same_shapes}
    return model, run_epoch, (trainable, non_trainable), extra


def check(args, backend):
    """Both sides from the same weights: outputs, then two steps' losses."""
    import keras

    model, run_fit, fit_params, fit_extra = make_fit(args.seed, args.fit_jit_compile)
    weights = keras_weights(model)
    run_hand, hand_params, _ = make_hand(backend, args.seed, weights, args.hand_no_xla)
    print(
        f"params fit {harness.fmt_params(fit_params)}, hand "
        f"{harness.fmt_params(hand_params)}; Keras weight names and shapes "
        f"as the hand-written spec: {fit_extra['same_weight_shapes']}"
    )
    rng = np.random.default_rng(args.seed)
    images = rng.uniform(-1, 1, (2,) + IMAGE_SHAPE).astype("float32")
    worst = 0.0
    for name, forward in run_hand.forward.items():
        expected = keras.ops.convert_to_numpy(
            getattr(model, name)(images, training=True)
        )
        got = forward(images)
        diff = float(np.max(np.abs(got - expected)))
        worst = max(worst, diff / float(np.max(np.abs(expected))))
        print(
            f"{name}: output {got.shape}, max |hand - keras| {diff:.2e} "
            f"(max |keras| {np.max(np.abs(expected)):.3f})"
        )
    # Two steps on one batch: the pools are still filling, so no randomness.
    a = rng.uniform(-1, 1, (BATCH,) + IMAGE_SHAPE).astype("float32")
    b = rng.uniform(-1, 1, (BATCH,) + IMAGE_SHAPE).astype("float32")
    run_fit(a, b, epochs=2, shuffle=False)
    fit_losses = [[run_fit.history[k][i] for k in LOSS_NAMES] for i in range(2)]
    hand_losses = [run_hand([(a, b)]) for _ in range(2)]
    for i in range(2):
        print(
            f"step {i + 1} {LOSS_NAMES}: fit {np.round(fit_losses[i], 5).tolist()}, "
            f"hand {np.round(hand_losses[i], 5).tolist()}"
        )
    rel = np.abs(np.subtract(fit_losses, hand_losses)) / np.abs(fit_losses)
    # Before any update (step 1's generator loss) the two must agree to
    # float32 rounding. Adam's first steps move each weight by about
    # lr * sign(gradient), so rounding in small gradients moves the weights
    # apart: the same hand-written step in float64 differs from float32 by
    # up to ~1e-2 relative in step 2's discriminator losses.
    ok = (
        worst < 1e-4
        and rel[0, 0] < 1e-4
        and rel.max() < 3e-2
        and tuple(fit_params) == tuple(hand_params)
        and fit_extra["same_weight_shapes"]
    )
    print(
        f"largest relative difference: outputs {worst:.1e}, step 1 g_loss "
        f"{rel[0, 0]:.1e} (< 1e-4 needed), losses after updates {rel.max():.1e} "
        "(< 3e-2 needed)"
    )
    print("CHECK " + ("PASSED" if ok else "FAILED"))
    return 0 if ok else 1


def main(argv=None):
    args = parse_args(argv)
    backend = harness.active_backend()
    if args.threads:
        harness.limit_threads(backend, args.threads)
    if args.check:
        sys.exit(check(args, backend))
    data_rng = np.random.default_rng(args.seed)
    shape = (args.steps * BATCH,) + IMAGE_SHAPE
    images_a = data_rng.uniform(-1, 1, shape).astype("float32")
    images_b = data_rng.uniform(-1, 1, shape).astype("float32")
    warmup = args.warmup_steps * BATCH
    rng = np.random.default_rng(args.seed + 1)
    flops = step_flops()
    result = harness.new_result(
        args, backend, batch_size=BATCH, image_shape=IMAGE_SHAPE, flops=flops
    )

    sides = {}  # name -> function running one timed epoch, returning seconds
    if args.only in ("hand", "both"):
        run_hand, params, extra = make_hand(
            backend, args.seed, hand_no_xla=args.hand_no_xla
        )
        seconds, losses = harness.timed_hand_epoch(
            run_hand, shuffled_pairs(images_a[:warmup], images_b[:warmup], rng)
        )
        result["hand_warmup_losses"] = dict(zip(LOSS_NAMES, losses, strict=True))
        result["hand_warmup_s"] = seconds[0]
        result["hand_params"] = params
        result.update({"hand_" + k: v for k, v in extra.items()})

        def hand_epoch():
            seconds, losses = harness.timed_hand_epoch(
                run_hand, shuffled_pairs(images_a, images_b, rng)
            )
            result["hand_last_losses"] = dict(zip(LOSS_NAMES, losses, strict=True))
            return seconds

        sides["hand"] = hand_epoch
    if args.only in ("fit", "both"):
        _, run_fit, params, extra = make_fit(args.seed, args.fit_jit_compile)
        result["fit_warmup_s"] = run_fit(images_a[:warmup], images_b[:warmup])[0]
        result["fit_params"] = params
        result.update({"fit_" + k: v for k, v in extra.items()})
        result["fit_warmup_logs"] = {k: run_fit.logs[k] for k in LOSS_NAMES}

        def fit_epoch():
            seconds = run_fit(images_a, images_b)
            result["fit_last_logs"] = {k: run_fit.logs[k] for k in LOSS_NAMES}
            return seconds

        sides["fit"] = fit_epoch

    harness.measure(args, sides, result)
    description = (
        f"generator passes {flops['generator_passes']} of "
        f"{flops['generator_forward_gmacs_per_image']:.2f} GMAC/image, "
        f"discriminator passes {flops['discriminator_passes']} of "
        f"{flops['discriminator_forward_gmacs_per_image']:.3f} GMAC/image; "
        f"batch {BATCH} per domain"
    )
    harness.report(
        args,
        result,
        label=f"CycleGAN 64x64, batch {BATCH}+{BATCH}",
        digits=3,
        per_step=(flops["gflops_per_step"], description),
        params_note="(trainable + pools' images)",
    )


if __name__ == "__main__":
    main()
