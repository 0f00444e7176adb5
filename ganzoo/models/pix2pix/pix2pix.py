"""pix2pix (Isola et al. 2017): paired image-to-image translation."""

import keras
import numpy as np
from keras import ops

from ganzoo import layers as ganzoo_layers
from ganzoo import losses
from ganzoo import validation
from ganzoo.models.image_to_image import ImageToImageGAN
from ganzoo.models.phase import Phase

GENERATORS = ("unet", "resnet")
#: Most stride-2 stages a derived U-Net gets (the paper's 256-pixel U-Net).
MAX_DERIVED_DOWNS = 8


@keras.saving.register_keras_serializable(package="ganzoo")
class Pix2Pix(ImageToImageGAN):
    """Conditional GAN that translates input images to paired targets.

    The generator maps an input image to an output image (`tanh`, in
    [-1, 1]): by default the paper's U-Net (stride-2 4x4 convolutions down
    to `num_downs` halvings, skip connections, BatchNorm, dropout 0.5 in
    the decoder stages between the fifth level and the innermost: three at
    256 pixels, none below 64), or CycleGAN's ResNet generator. The
    discriminator is a PatchGAN (`discriminator_layers=3` gives the paper's
    70x70 receptive field and 30x30 logits at 256 pixels) on the input
    concatenated with the real target or the generated output along the
    channels. A training step updates the discriminator, then the
    generator, as the reference implementation does:

    - discriminator: `0.5 * (BCE(D(x, y), 1) + BCE(D(x, G(x)), 0))` on
      logits; the factor 1/2 is the paper's ("we divide the objective by 2
      while optimizing D"), it slows the discriminator down relative to the
      generator;
    - generator: `BCE(D(x, G(x)), 1) + l1_weight * mean(|G(x) - y|)`.

    Each phase runs the generator itself (the reference reuses one forward
    pass for both), so the two phases draw different dropout masks.
    Optimizers default to Adam(2e-4, beta_1=0.5, beta_2=0.999) for both.
    Logs `d_loss`, `g_loss` (the total), `adversarial_loss` (its BCE part)
    and `l1_loss` (the unweighted mean absolute error).

    `fit` takes `(inputs, targets)` pairs: `fit(x=(inputs, targets))` or
    `fit(inputs, targets)` with arrays of the same length, or a
    `tf.data.Dataset`, `keras.utils.PyDataset` or torch `DataLoader`
    yielding `(inputs, targets)` batches. Images are float, channels-last,
    in [-1, 1]. `translate(images)` (and calling the model) runs the
    generator; `generate` does not exist, there is no noise input.

    DiffAugment is not offered (`diffaugment` raises): its colour
    transformations would mix the input's and the target's channels of the
    pair the discriminator sees. `ema_decay` averages the generator.

    Args:
        image_shape: `(height, width, channels)` of the input images.
        target_channels: Channels of the target images; defaults to the
            input's.
        generator: `"unet"` (the paper's) or `"resnet"`.
        num_downs: The U-Net's stride-2 stages (`"unet"` only); height and width must be
            multiples of `2**num_downs`. By default as many as divide the
            sides, at most 8 (8 at 256 pixels: a 1x1 bottleneck, the
            paper's U-Net; 5 at 32 pixels).
        num_blocks: Residual blocks of the `"resnet"` generator (unused by
            the U-Net); its sides must be multiples of 4.
        filters: Filters of the first generator and discriminator layers
            (`ngf = ndf`); they double inwards up to 8 times this.
        norm: Normalisation of both networks: `"batch"` (the paper's) or
            `"instance"`.
        dropout: Whether the generator uses dropout 0.5 (the paper's noise;
            the U-Net has none with fewer than 6 levels).
        discriminator_layers: Stride-2 stages of the PatchGAN (3: 70x70).
        l1_weight: Weight of the L1 term (lambda; the paper's 100).
        seed: Optional int seeding the model's noise generator. Pix2Pix
            draws no noise of its own: its only noise is the generator's
            dropout, whose layers Keras seeds (`keras.utils.set_random_seed`
            makes them repeatable).
        **kwargs: `ema_decay` (see `ganzoo.BaseGAN`) and what `keras.Model`
            takes.

    Example:

    ```python
    import ganzoo

    model = ganzoo.Pix2Pix(image_shape=(256, 256, 3))  # the paper's networks
    model.compile()  # Adam(2e-4, beta_1=0.5)
    model.fit(x=(inputs, targets), batch_size=1, epochs=200)
    outputs = model.translate(inputs)
    paper_test_mode = model.translate(inputs, test_time_dropout=True)

    tiny = ganzoo.Pix2Pix(image_shape=(32, 32, 1), target_channels=3, filters=8)
    ```

    Reference:
        Isola et al., "Image-to-Image Translation with Conditional
        Adversarial Networks", CVPR 2017.
    """

    def __init__(
        self,
        image_shape=(256, 256, 3),
        target_channels=None,
        generator="unet",
        num_downs=None,
        num_blocks=9,
        filters=64,
        norm="batch",
        dropout=True,
        discriminator_layers=3,
        l1_weight=100.0,
        seed=None,
        **kwargs,
    ):
        if kwargs.get("diffaugment"):
            raise ValueError(
                "Pix2Pix does not support DiffAugment: its discriminator sees "
                "the input and the target stacked along the channels, which "
                "the colour transformations would mix. Received: "
                f"diffaugment={kwargs['diffaugment']!r}"
            )
        self.image_shape = validation.check_image_shape(image_shape)
        self.target_channels = validation.check_positive_int(
            self.image_shape[-1] if target_channels is None else target_channels,
            "target_channels",
        )
        self.target_shape = self.image_shape[:2] + (self.target_channels,)
        self.generator_type = validation.check_one_of(
            generator, GENERATORS, "generator"
        )
        if generator == "unet":
            num_downs = _check_num_downs(num_downs, self.image_shape)
        elif num_downs is not None:
            raise ValueError(
                "`num_downs` sets the U-Net's depth; the ResNet generator has "
                f"none. Received: generator='resnet', num_downs={num_downs!r}"
            )
        self.num_downs = num_downs
        self.num_blocks = validation.check_positive_int(num_blocks, "num_blocks")
        self.filters = validation.check_positive_int(filters, "filters")
        self.norm = norm
        self.dropout = bool(dropout)
        self.discriminator_layers = validation.check_positive_int(
            discriminator_layers, "discriminator_layers"
        )
        self.l1_weight = validation.check_non_negative_number(l1_weight, "l1_weight")
        super().__init__(seed=seed, **kwargs)
        self.generator = self.build_generator()
        self.discriminator = ganzoo_layers.build_patchgan_discriminator(
            self.image_shape[:2] + (self.image_shape[-1] + self.target_channels,),
            filters=self.filters,
            num_layers=self.discriminator_layers,
            norm=self.norm,
            name="discriminator",
        )
        self.finish_build()

    def build_generator(self):
        if self.generator_type == "unet":
            return ganzoo_layers.build_unet_generator(
                self.image_shape,
                output_channels=self.target_channels,
                num_downs=self.num_downs,
                filters=self.filters,
                norm=self.norm,
                dropout=self.dropout,
                name="generator",
            )
        return ganzoo_layers.build_resnet_generator(
            self.image_shape,
            output_channels=self.target_channels,
            filters=self.filters,
            num_blocks=self.num_blocks,
            norm=self.norm,
            dropout=self.dropout,
            name="generator",
        )

    def default_optimizer(self, name):
        return keras.optimizers.Adam(2e-4, beta_1=0.5, beta_2=0.999, name=name)

    # Training ----------------------------------------------------------------

    def phases(self):
        return [
            Phase(
                "discriminator",
                self.discriminator_loss,
                self.discriminator.trainable_variables,
                self.d_optimizer,
                log_names=("d_loss",),
            ),
            Phase(
                "generator",
                self.generator_loss,
                self.generator.trainable_variables,
                self.g_optimizer,
                log_names=("g_loss", "adversarial_loss", "l1_loss"),
            ),
        ]

    def discriminate(self, inputs, images):
        """PatchGAN logits of `images` as translations of `inputs`."""
        pair = ops.concatenate([inputs, ops.cast(images, inputs.dtype)], axis=-1)
        return self.discriminator(pair, training=True)

    def discriminator_loss(self, batch):
        inputs, targets = batch
        fake = ops.stop_gradient(self.generator(inputs, training=True))
        real_logits = self.discriminate(inputs, targets)
        fake_logits = self.discriminate(inputs, fake)
        loss = 0.5 * losses.bce_discriminator_loss(real_logits, fake_logits)
        return loss, {"d_loss": loss}

    def generator_loss(self, batch):
        inputs, targets = batch
        fake = self.generator(inputs, training=True)
        adversarial = losses.non_saturating_generator_loss(
            self.discriminate(inputs, fake)
        )
        l1 = ops.mean(ops.abs(ops.cast(targets, fake.dtype) - fake))
        loss = adversarial + self.l1_weight * l1
        return loss, {"g_loss": loss, "adversarial_loss": adversarial, "l1_loss": l1}

    # Inference ---------------------------------------------------------------

    def translate(self, images, batch_size=32, test_time_dropout=False):
        """Translates input images.

        Args:
            images: Float images in [-1, 1], shape `(n,) + image_shape`.
            batch_size: Images per forward pass.
            test_time_dropout: `False` (default) runs the generator in
                inference mode: no dropout, BatchNorm with the moving
                statistics learnt in training; deterministic. `True` runs it
                as the paper and the reference test script do, in training
                mode: dropout on and BatchNorm normalising with the
                statistics of each batch (so results depend on
                `batch_size`; the paper uses 1) and vary from call to call.
                The model is left unchanged (BatchNorm's moving statistics
                are restored).

        Returns:
            A float32 NumPy array `(n, height, width, target_channels)` in
            [-1, 1].
        """
        images = validation.check_host_images(images, self.image_shape)
        network = self.inference_network("generator")
        if not test_time_dropout:
            return self.translate_with(network, images, batch_size)
        batch_size = validation.check_positive_int(batch_size, "batch_size")
        statistics = [
            (v, ops.convert_to_numpy(v.value))  # a copy, on every backend
            for v in network.non_trainable_variables
            if "seed_generator" not in v.path
        ]
        try:
            outputs = [
                ops.convert_to_numpy(
                    network(images[start : start + batch_size], training=True)
                )
                for start in range(0, len(images), batch_size)
            ]
        finally:
            for variable, value in statistics:
                variable.assign(value)
        if not outputs:
            return np.zeros((0,) + self.target_shape, "float32")
        return np.concatenate(outputs).astype("float32")

    def get_config(self):
        config = super().get_config()
        config.update(
            image_shape=list(self.image_shape),
            target_channels=self.target_channels,
            generator=self.generator_type,
            num_downs=self.num_downs,
            num_blocks=self.num_blocks,
            filters=self.filters,
            norm=self.norm,
            dropout=self.dropout,
            discriminator_layers=self.discriminator_layers,
            l1_weight=self.l1_weight,
        )
        return config


def _check_num_downs(num_downs, image_shape):
    height, width = image_shape[:2]
    if num_downs is None:
        num_downs = 0
        while (
            num_downs < MAX_DERIVED_DOWNS
            and height % 2 ** (num_downs + 1) == 0
            and width % 2 ** (num_downs + 1) == 0
        ):
            num_downs += 1
        if num_downs < 1:
            raise ValueError(
                "Pix2Pix's U-Net needs even image sides. "
                f"Received: image_shape={image_shape!r}"
            )
        return num_downs
    num_downs = validation.check_positive_int(num_downs, "num_downs")
    if height % 2**num_downs or width % 2**num_downs:
        raise ValueError(
            f"`num_downs={num_downs}` halves the image {num_downs} times: "
            f"height and width must be multiples of {2**num_downs}. "
            f"Received: image_shape={tuple(image_shape)!r}"
        )
    return num_downs
