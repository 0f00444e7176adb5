"""Tiny models that exercise one engine pattern each, with known answers."""

import keras
import numpy as np
from keras import layers
from keras import ops

from ganzoo import backend
from ganzoo.models import BaseGAN
from ganzoo.models import Phase


class LinearToy(BaseGAN):
    """A linear critic and a constant-input generator: exact numbers by hand.

    critic(x) = x @ w + c on 2-d points; generator() = a + b broadcast over
    the batch. Wasserstein losses, so the gradients are closed-form. The
    critic runs `repeat` times per step and its kernel is clipped after each
    update; an EMA copy of the generator's bias follows every G update.
    """

    requires_scaled_inputs = False  # points, not images
    image_shape = (1, 1, 2)

    def __init__(self, repeat=1, clip=None, bias_decay=0.9, **kwargs):
        super().__init__(**kwargs)
        self.repeat, self.clip, self.bias_decay = repeat, clip, bias_decay
        x = keras.Input(self.image_shape)
        critic_out = layers.Dense(1, kernel_initializer="ones", name="w")(
            layers.Flatten()(x)
        )
        self.discriminator = keras.Model(x, critic_out, name="discriminator")
        z = keras.Input((1,))
        self.generator = keras.Model(
            z,
            layers.Reshape(self.image_shape)(
                layers.Dense(2, kernel_initializer="ones", name="ab")(z)
            ),
            name="generator",
        )
        self.ema_bias = self.add_weight(
            shape=(2,), initializer="zeros", trainable=False, name="ema_bias"
        )
        self.built = True

    def default_optimizer(self, name):
        return keras.optimizers.SGD(0.1)

    def fake(self, real):
        return self.generator(ops.ones((ops.shape(real)[0], 1)))

    def d_loss(self, real):
        loss = ops.mean(self.discriminator(self.fake(real))) - ops.mean(
            self.discriminator(real)
        )
        return loss, {"d_loss": loss}

    def g_loss(self, real):
        loss = -ops.mean(self.discriminator(self.fake(real)))
        return loss, {"g_loss": loss}

    def clip_critic(self):
        for v in self.discriminator.trainable_variables:
            v.assign(ops.clip(v, -self.clip, self.clip))

    def update_bias_ema(self):
        bias = self.generator.get_layer("ab").bias
        self.ema_bias.assign(
            self.bias_decay * self.ema_bias + (1 - self.bias_decay) * bias
        )

    def phases(self):
        return [
            Phase(
                "critic",
                self.d_loss,
                self.discriminator.trainable_variables,
                self.d_optimizer,
                log_names=("d_loss",),
                repeat=self.repeat,
                after_update=self.clip_critic if self.clip else None,
            ),
            Phase(
                "generator",
                self.g_loss,
                self.generator.trainable_variables,
                self.g_optimizer,
                log_names=("g_loss",),
                after_update=self.update_bias_ema,
            ),
        ]


class Quadratic(layers.Layer):
    """f(x) = sum_j w_j x_j^2 per sample."""

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="w")

    def call(self, x):
        return ops.sum(self.w * ops.square(x), axis=-1)


class PenaltyToy(BaseGAN):
    """One phase whose loss is a gradient penalty: mean ||df/dx||^2.

    df/dx = 2 w x, so the loss is 4 mean_i sum_j w_j^2 x_ij^2 and its
    gradient in w is 8 w mean_i(x^2): a second derivative through the
    engine's `input_gradients`.
    """

    optimizer_names = ("d_optimizer",)
    requires_scaled_inputs = False  # points, not images
    image_shape = (1, 1, 3)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.critic = Quadratic(name="critic")
        self.critic.build((None, 3))
        self.built = True

    def default_optimizer(self, name):
        return keras.optimizers.SGD(0.01)

    def compile(self, d_optimizer=None, **kwargs):
        self.compile_optimizers({"d_optimizer": d_optimizer}, **kwargs)

    def penalty(self, real):
        x = ops.reshape(real, (-1, 3))
        grads = backend.input_gradients(self.critic, x)
        loss = ops.mean(ops.sum(ops.square(grads), axis=-1))
        return loss, {"gp": loss}

    def phases(self):
        return [
            Phase(
                "critic",
                self.penalty,
                self.critic.trainable_variables,
                self.d_optimizer,
                log_names=("gp",),
            )
        ]


class ThreePlayerToy(BaseGAN):
    """Three networks with BatchNorm, three phases, three Adam optimizers.

    Deterministic (no random noise), so every backend must reach the same
    weights, moving statistics and optimizer slots.
    """

    optimizer_names = ("a_optimizer", "b_optimizer", "c_optimizer")
    requires_scaled_inputs = False  # points, not images
    image_shape = (2, 2, 1)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.nets = []
        for name in ("net_a", "net_b", "net_c"):
            x = keras.Input((4,))
            h = layers.Dense(3, use_bias=False, name=f"{name}_dense")(x)
            h = layers.BatchNormalization(name=f"{name}_bn")(h)
            y = layers.Dense(1, name=f"{name}_out")(ops.tanh(h))
            self.nets.append(keras.Model(x, y, name=name))
        # Keras initializers draw from each backend's own generator.
        rng = np.random.default_rng(0)
        for v in self.trainable_variables:
            v.assign(rng.uniform(-0.8, 0.8, v.shape).astype("float32"))
        self.built = True

    def default_optimizer(self, name):
        return keras.optimizers.Adam(0.01)

    def compile(self, **kwargs):
        self.compile_optimizers({}, **kwargs)

    def make_loss(self, index):
        def loss_fn(real):
            x = ops.reshape(real, (-1, 4))
            # Each player's loss also reads the others (in training mode), as
            # a GAN's generator phase runs the discriminator.
            outs = [net(x, training=True) for net in self.nets]
            loss = ops.mean(ops.square(outs[index] - 0.5 * sum(outs)))
            return loss, {f"loss_{index}": loss}

        return loss_fn

    def phases(self):
        return [
            Phase(
                f"player_{i}",
                self.make_loss(i),
                net.trainable_variables,
                getattr(self, name),
                log_names=(f"loss_{i}",),
                repeat=2 if i == 1 else 1,
            )
            for i, (net, name) in enumerate(
                zip(self.nets, self.optimizer_names, strict=True)
            )
        ]
