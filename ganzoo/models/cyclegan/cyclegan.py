"""CycleGAN (Zhu et al. 2017): unpaired image-to-image translation."""

import keras
from keras import ops

from ganzoo import layers as ganzoo_layers
from ganzoo import losses
from ganzoo import validation
from ganzoo.models.base_gan import refuse_keras_compile_arguments
from ganzoo.models.cyclegan.image_pool import ImagePool
from ganzoo.models.cyclegan.schedules import ConstantThenLinearDecay
from ganzoo.models.image_to_image import ImageToImageGAN
from ganzoo.models.phase import Phase

GENERATORS = ("resnet", "unet")
IDENTITY_WEIGHT_MODES = ("relative", "absolute")
DIRECTIONS = {"a_to_b": "generator_ab", "b_to_a": "generator_ba"}


@keras.saving.register_keras_serializable(package="ganzoo")
class CycleGAN(ImageToImageGAN):
    """Two generators translating between two unpaired image domains.

    `generator_ab` translates domain A to B and `generator_ba` back;
    `discriminator_a` and `discriminator_b` are PatchGANs with instance norm
    (70x70 at the default 3 layers) judging the images of their domain.
    Generators are the paper's ResNet (reflection padding, instance norm,
    `num_blocks` residual blocks: 9 for 256 pixels, 6 for 128) or the
    seed's 4-level U-Net (`generator="unet"`).

    Losses are those of the reference implementation, least squares on the
    discriminators' outputs:

    - generators: `mean((D_b(G_ab(a)) - 1)^2) + mean((D_a(G_ba(b)) - 1)^2)
      + cycle_weight * (|G_ba(G_ab(a)) - a| + |G_ab(G_ba(b)) - b|)
      + w_id * (|G_ab(b) - b| + |G_ba(a) - a|)`, with `|.|` the mean
      absolute error;
    - each discriminator: `0.5 * (mean((D(real) - 1)^2) + mean(D(fake)^2))`,
      halved as in the reference, where `fake` comes through that
      domain's `ImagePool` of `pool_size` past generated images.

    The identity weight `w_id` is `identity_weight * cycle_weight` with
    `identity_weight_mode="relative"` (the paper and reference: 0.5 * 10 =
    5) and `identity_weight` itself with `"absolute"` (the seed's
    convention: 0.5 beside a cycle weight of 10). `identity_weight=0` drops
    the identity terms; they need both domains to have the same channels.

    A training step updates both generators together (`g_optimizer`), then
    both discriminators (`d_optimizer`), as the reference does. The
    discriminators' phase runs the updated generators again to get its
    fakes (the reference reuses the fakes of the generators' forward pass,
    made before their update). Optimizers default to Adam(2e-4,
    beta_1=0.5, beta_2=0.999); `compile(total_steps=n)` makes their rate
    constant for `n // 2` steps and then fall linearly to zero, the paper's
    schedule (see `ganzoo.models.cyclegan.ConstantThenLinearDecay`).

    Logs `g_loss` (the total), `adversarial_ab_loss`, `adversarial_ba_loss`,
    `cycle_a_loss`, `cycle_b_loss`, `identity_ab_loss` (`|G_ab(b) - b|`) and
    `identity_ba_loss` (when the identity weight is not 0), `d_a_loss` and
    `d_b_loss`; the parts are unweighted.

    `fit` takes unpaired batches: `fit(x=(images_a, images_b))` with arrays
    of the same length, or a dataset, `keras.utils.PyDataset` or torch
    `DataLoader` yielding `(images_a, images_b)` batches. Images are float,
    channels-last, in [-1, 1]. `translate(images, direction)` and calling
    the model (A to B) run a generator; there is no `generate`.

    Args:
        image_shape: `(height, width, channels)` of domain A's images (and
            B's, but for `target_channels`). Sides multiples of 4 for the
            ResNet, 8 for the U-Net.
        target_channels: Channels of domain B's images; defaults to A's.
        generator: `"resnet"` (the paper's) or `"unet"` (the seed's).
        num_blocks: Residual blocks of the ResNet generator (9 or 6).
        filters: Filters of the first generator and discriminator layers
            (the reference's 64; the seed's U-Net uses 32).
        discriminator_layers: Stride-2 stages of the PatchGANs.
        cycle_weight: Weight of each cycle-consistency term (lambda: 10).
        identity_weight: Identity weight, read as `identity_weight_mode`
            says (0.5).
        identity_weight_mode: `"relative"` (to the cycle weight) or
            `"absolute"`.
        pool_size: Generated images each discriminator's pool keeps (50; 0
            shows the discriminators the newest fakes only).
        trained_directions: The directions whose generators hold trained
            weights (both by default). The authors' published generators
            (`cyclegan_horse2zebra`, ...) are one generator each, so their
            presets have `("a_to_b",)` and `translate` refuses `"b_to_a"`,
            naming the preset of that direction where one is published.
            `fit` sets both.
        reverse_preset: For a model of one published direction, the preset
            of the other direction, if its authors publish one (the
            conversion of a published generator sets it), e.g.
            `"cyclegan_zebra2horse"`; `translate` names it when it refuses
            that direction.
        seed: Optional int seeding the pools and training noise.
        **kwargs: `ema_decay` (averages both generators; `translate` uses
            the averages) and `diffaugment` (applied to every image the
            discriminators see), see `ganzoo.BaseGAN`, and what
            `keras.Model` takes.

    Example:

    ```python
    import ganzoo

    model = ganzoo.CycleGAN(image_shape=(256, 256, 3))  # the paper's networks
    steps = 200 * len(images_a)  # 200 epochs of batch size 1
    model.compile(total_steps=steps)  # Adam(2e-4, 0.5), decay after half
    model.fit(x=(images_a, images_b), batch_size=1, epochs=200)
    zebras = model.translate(horses, direction="a_to_b")

    seed_variant = ganzoo.CycleGAN(
        image_shape=(32, 32, 1), target_channels=3, generator="unet",
        filters=32, identity_weight=0.0,
    )
    ```

    Reference:
        Zhu et al., "Unpaired Image-to-Image Translation using
        Cycle-Consistent Adversarial Networks", ICCV 2017.
    """

    pair_names = ("images_a", "images_b")
    pair_description = "images of both domains"

    averaged_networks = ("generator_ab", "generator_ba")

    def __init__(
        self,
        image_shape=(256, 256, 3),
        target_channels=None,
        generator="resnet",
        num_blocks=9,
        filters=64,
        discriminator_layers=3,
        cycle_weight=10.0,
        identity_weight=0.5,
        identity_weight_mode="relative",
        pool_size=50,
        trained_directions=("a_to_b", "b_to_a"),
        reverse_preset=None,
        seed=None,
        **kwargs,
    ):
        self.image_shape = validation.check_image_shape(image_shape)
        self.target_channels = validation.check_positive_int(
            self.image_shape[-1] if target_channels is None else target_channels,
            "target_channels",
        )
        self.target_shape = self.image_shape[:2] + (self.target_channels,)
        self.generator_type = validation.check_one_of(
            generator, GENERATORS, "generator"
        )
        self.num_blocks = validation.check_positive_int(num_blocks, "num_blocks")
        self.filters = validation.check_positive_int(filters, "filters")
        self.discriminator_layers = validation.check_positive_int(
            discriminator_layers, "discriminator_layers"
        )
        self.cycle_weight = validation.check_non_negative_number(
            cycle_weight, "cycle_weight"
        )
        self.identity_weight = validation.check_non_negative_number(
            identity_weight, "identity_weight"
        )
        self.identity_weight_mode = validation.check_one_of(
            identity_weight_mode, IDENTITY_WEIGHT_MODES, "identity_weight_mode"
        )
        self.trained_directions = _check_directions(trained_directions)
        if reverse_preset is not None and not isinstance(reverse_preset, str):
            raise TypeError(
                "`reverse_preset` must be a preset name (a string) or None. "
                f"Received: reverse_preset={reverse_preset!r}"
            )
        self.reverse_preset = reverse_preset
        if self.identity_weight and self.target_channels != self.image_shape[-1]:
            raise ValueError(
                "The identity loss feeds each generator images of its output "
                "domain, so it needs both domains to have the same channels: "
                "pass identity_weight=0. Received: "
                f"image_shape={self.image_shape}, "
                f"target_channels={self.target_channels}, "
                f"identity_weight={identity_weight!r}"
            )
        self.pool_size = pool_size
        super().__init__(seed=seed, **kwargs)
        self.generator_ab = self.build_generator(self.image_shape, "generator_ab")
        self.generator_ba = self.build_generator(self.target_shape, "generator_ba")
        self.discriminator_a = self.build_discriminator(
            self.image_shape, "discriminator_a"
        )
        self.discriminator_b = self.build_discriminator(
            self.target_shape, "discriminator_b"
        )
        self.pool_a = ImagePool(
            pool_size, self.image_shape, seed=_offset(seed, 1), name="pool_a"
        )
        self.pool_b = ImagePool(
            pool_size, self.target_shape, seed=_offset(seed, 2), name="pool_b"
        )
        self.finish_build()

    @property
    def identity_loss_weight(self):
        """The weight `w_id` of each identity term in the generators' loss."""
        if self.identity_weight_mode == "relative":
            return self.identity_weight * self.cycle_weight
        return self.identity_weight

    def build_generator(self, input_shape, name):
        """A generator from `input_shape` images to the other domain's."""
        channels = (
            self.target_channels if name == "generator_ab" else self.image_shape[-1]
        )
        if self.generator_type == "resnet":
            return ganzoo_layers.build_resnet_generator(
                input_shape,
                output_channels=channels,
                filters=self.filters,
                num_blocks=self.num_blocks,
                norm="instance",
                dropout=False,
                name=name,
            )
        return ganzoo_layers.build_seed_unet_generator(
            input_shape, output_channels=channels, filters=self.filters, name=name
        )

    def build_discriminator(self, input_shape, name):
        return ganzoo_layers.build_patchgan_discriminator(
            input_shape,
            filters=self.filters,
            num_layers=self.discriminator_layers,
            norm="instance",
            name=name,
        )

    # Compilation -------------------------------------------------------------

    def compile(
        self,
        d_optimizer=None,
        g_optimizer=None,
        *,
        total_steps=None,
        jit_compile="auto",
        steps_per_execution=1,
        run_eagerly=False,
        **unexpected,
    ):
        """Configures the model for training.

        Args:
            d_optimizer: Optimizer of both discriminators: a
                `keras.optimizers.Optimizer`, its name, its config dict, or
                `None` for the paper's Adam(2e-4, beta_1=0.5).
            g_optimizer: Optimizer of both generators, likewise.
            total_steps: Optional number of training steps (batches) the
                model will be trained for. When given, the default
                optimizers keep their rate for `total_steps // 2` steps and
                then decay it linearly to zero, the paper's schedule (100
                epochs constant, 100 decaying). Optimizers passed explicitly
                are used as they are; give them a `ConstantThenLinearDecay`
                yourself.
            jit_compile: As in `keras.Model.compile`.
            steps_per_execution: As in `keras.Model.compile`.
            run_eagerly: As in `keras.Model.compile`.
        """
        refuse_keras_compile_arguments(self, unexpected)
        if total_steps is not None:
            total_steps = validation.check_positive_int(total_steps, "total_steps")
            if total_steps < 2:
                raise ValueError(
                    "`total_steps` must be at least 2 (half constant, half "
                    f"decaying). Received: total_steps={total_steps}"
                )
            if d_optimizer is not None and g_optimizer is not None:
                raise ValueError(
                    "`total_steps` schedules the default optimizers, but both "
                    "optimizers were given: pass a ConstantThenLinearDecay "
                    "learning rate to them instead, or leave one to default."
                )
        self._total_steps = total_steps
        try:
            self.compile_optimizers(
                {"d_optimizer": d_optimizer, "g_optimizer": g_optimizer},
                jit_compile=jit_compile,
                steps_per_execution=steps_per_execution,
                run_eagerly=run_eagerly,
            )
        finally:
            self._total_steps = None

    def default_optimizer(self, name):
        learning_rate = 2e-4
        total_steps = getattr(self, "_total_steps", None)
        if total_steps is not None:
            constant = total_steps // 2
            learning_rate = ConstantThenLinearDecay(
                learning_rate,
                constant_steps=constant,
                decay_steps=total_steps - constant,
            )
        return keras.optimizers.Adam(learning_rate, beta_1=0.5, beta_2=0.999, name=name)

    # Data --------------------------------------------------------------------

    def fit(self, x=None, y=None, **kwargs):
        """Trains the model; takes everything `keras.Model.fit` takes.

        `x` holds `(images_a, images_b)`: two arrays of the same length
        (their order pairs nothing, shuffle them independently), or a
        dataset, `keras.utils.PyDataset` or torch `DataLoader` yielding
        `(images_a, images_b)` batches. Images are float, channels-last, in
        [-1, 1].
        """
        history = super().fit(x, y, **kwargs)
        self.trained_directions = tuple(DIRECTIONS)  # both generators trained
        return history

    def length_mismatch(self, num_first, num_second):
        return (
            "With arrays, CycleGAN.fit() draws one batch of each domain per "
            "step and needs as many images of A as of B. Trim the larger "
            "set, or give a keras.utils.PyDataset yielding "
            f"(images_a, images_b) batches. Received: {num_first} images_a "
            f"and {num_second} images_b"
        )

    # Training ----------------------------------------------------------------

    def phases(self):
        generator_logs = (
            "g_loss",
            "adversarial_ab_loss",
            "adversarial_ba_loss",
            "cycle_a_loss",
            "cycle_b_loss",
        )
        if self.identity_loss_weight:
            generator_logs += ("identity_ab_loss", "identity_ba_loss")
        return [
            Phase(
                "generators",
                self.generator_loss,
                self.generator_ab.trainable_variables
                + self.generator_ba.trainable_variables,
                self.g_optimizer,
                log_names=generator_logs,
            ),
            Phase(
                "discriminators",
                self.discriminator_loss,
                self.discriminator_a.trainable_variables
                + self.discriminator_b.trainable_variables,
                self.d_optimizer,
                log_names=("d_a_loss", "d_b_loss"),
            ),
        ]

    def generator_loss(self, batch):
        real_a, real_b = batch
        fake_b = self.generator_ab(real_a, training=True)
        fake_a = self.generator_ba(real_b, training=True)
        cycled_a = self.generator_ba(fake_b, training=True)
        cycled_b = self.generator_ab(fake_a, training=True)
        logs = {
            "adversarial_ab_loss": _least_squares_generator_loss(
                self.discriminator_b(self.augment(fake_b), training=True)
            ),
            "adversarial_ba_loss": _least_squares_generator_loss(
                self.discriminator_a(self.augment(fake_a), training=True)
            ),
            "cycle_a_loss": _mean_absolute_error(cycled_a, real_a),
            "cycle_b_loss": _mean_absolute_error(cycled_b, real_b),
        }
        loss = (
            logs["adversarial_ab_loss"]
            + logs["adversarial_ba_loss"]
            + self.cycle_weight * (logs["cycle_a_loss"] + logs["cycle_b_loss"])
        )
        if self.identity_loss_weight:
            logs["identity_ab_loss"] = _mean_absolute_error(
                self.generator_ab(real_b, training=True), real_b
            )
            logs["identity_ba_loss"] = _mean_absolute_error(
                self.generator_ba(real_a, training=True), real_a
            )
            loss = loss + self.identity_loss_weight * (
                logs["identity_ab_loss"] + logs["identity_ba_loss"]
            )
        logs["g_loss"] = loss
        return loss, logs

    def discriminator_loss(self, batch):
        real_a, real_b = batch
        fake_b = ops.stop_gradient(self.generator_ab(real_a, training=True))
        fake_a = ops.stop_gradient(self.generator_ba(real_b, training=True))
        d_a_loss = self.discriminator_side_loss(
            self.discriminator_a, real_a, self.pool_a(fake_a)
        )
        d_b_loss = self.discriminator_side_loss(
            self.discriminator_b, real_b, self.pool_b(fake_b)
        )
        return d_a_loss + d_b_loss, {"d_a_loss": d_a_loss, "d_b_loss": d_b_loss}

    def discriminator_side_loss(self, discriminator, real, fake):
        """`0.5 * (mean((D(real) - 1)^2) + mean(D(fake)^2))`."""
        real_scores = discriminator(self.augment(real), training=True)
        fake_scores = discriminator(self.augment(fake), training=True)
        return losses.least_squares_discriminator_loss(real_scores, fake_scores)

    # Inference ---------------------------------------------------------------

    def call(self, inputs, training=False):
        """Translates domain A images to domain B."""
        if training:
            return self.generator_ab(inputs, training=True)
        return self.inference_network("generator_ab")(inputs, training=False)

    def translate(self, images, direction="a_to_b", batch_size=32):
        """Translates images from one domain to the other.

        Args:
            images: Float images in [-1, 1] of the source domain:
                `(n,) + image_shape` for `"a_to_b"`, `(n, height, width,
                target_channels)` for `"b_to_a"`.
            direction: `"a_to_b"` (runs `generator_ab`) or `"b_to_a"`
                (`generator_ba`).
            batch_size: Images per forward pass.

        Returns:
            A float32 NumPy array of the other domain's images in [-1, 1].
            The generators run in inference mode (the EMA averages when
            `ema_decay` is on).
        """
        if direction not in DIRECTIONS:
            raise ValueError(
                f"`direction` must be one of {list(DIRECTIONS)}. "
                f"Received: direction={direction!r}"
            )
        if direction not in self.trained_directions:
            raise ValueError(_untrained_message(self, direction))
        shape = self.image_shape if direction == "a_to_b" else self.target_shape
        images = validation.check_host_images(images, shape)
        network = self.inference_network(DIRECTIONS[direction])
        return self.translate_with(network, images, batch_size)

    def get_config(self):
        config = super().get_config()
        config.update(
            image_shape=list(self.image_shape),
            target_channels=self.target_channels,
            generator=self.generator_type,
            num_blocks=self.num_blocks,
            filters=self.filters,
            discriminator_layers=self.discriminator_layers,
            cycle_weight=self.cycle_weight,
            identity_weight=self.identity_weight,
            identity_weight_mode=self.identity_weight_mode,
            pool_size=self.pool_size,
            trained_directions=list(self.trained_directions),
            reverse_preset=self.reverse_preset,
        )
        return config


def _least_squares_generator_loss(scores):
    """`mean((D(G(x)) - 1)^2)`: the reference's, without LSGAN's factor 1/2."""
    return ops.mean(ops.square(scores - 1.0))


def _mean_absolute_error(images, targets):
    return ops.mean(ops.abs(images - ops.cast(targets, images.dtype)))


def _offset(seed, offset):
    """A distinct seed derived from the model's, or None."""
    return None if seed is None else seed + offset


def _check_directions(directions):
    expected = f"`trained_directions` must be a tuple of some of {list(DIRECTIONS)}."
    if not isinstance(directions, (str, tuple, list)):
        raise TypeError(f"{expected} Received: trained_directions={directions!r}")
    # A bare name ("a_to_b") is refused as a value: the tuple it belongs in
    # is the fix the message names.
    if isinstance(directions, str) or not all(d in DIRECTIONS for d in directions):
        raise ValueError(f"{expected} Received: trained_directions={directions!r}")
    return tuple(d for d in DIRECTIONS if d in directions)


def _untrained_message(model, direction):
    """Why `translate(direction=...)` is refused, and what to load instead."""
    message = (
        f"This CycleGAN's {direction} generator holds no trained weights "
        f"(trained_directions={model.trained_directions}): it was made from a "
        "published checkpoint of one generator."
    )
    reverse = model.reverse_preset
    if reverse is not None:
        return (
            f"{message} The authors publish that direction as the a_to_b "
            f"generator of `ganzoo.CycleGAN.from_preset({reverse!r})`."
        )
    return (
        f"{message} Its authors publish none for that direction; `fit` "
        f"trains both. Received: direction={direction!r}"
    )
