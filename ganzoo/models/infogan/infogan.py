"""InfoGAN (Chen et al. 2016): latent codes made legible by mutual information."""

import keras
import numpy as np
from keras import ops

from ganzoo import backend
from ganzoo import losses
from ganzoo import validation
from ganzoo.models.dcgan.networks import build_dcgan_generator
from ganzoo.models.dcgan.networks import check_dcgan_options
from ganzoo.models.infogan.networks import build_infogan_d_head
from ganzoo.models.infogan.networks import build_infogan_q_head
from ganzoo.models.infogan.networks import build_infogan_trunk
from ganzoo.models.labels import check_labels
from ganzoo.models.noise_to_image import NoiseToImageGAN
from ganzoo.models.phase import Phase


@keras.saving.register_keras_serializable(package="ganzoo")
class InfoGAN(NoiseToImageGAN):
    """GAN whose generator input holds codes that an auxiliary network Q recovers.

    The generator sees noise `z ~ N(0, I)` (`latent_dim`), a categorical
    code `c1 ~ Cat(num_categories)` (one-hot) and continuous codes
    `c2.. ~ U(-1, 1)` (`num_continuous`), concatenated. Q shares the
    discriminator's trunk and predicts the codes of generated images; the
    variational lower bound of the mutual information `I(c; G(z, c))`
    becomes the info loss

    `categorical_weight * CE(c1, Q_cat) + continuous_weight * 0.5 * ||c2 - Q_mean||^2`

    i.e. the negative log-likelihood of the codes under Q: a softmax for
    the categorical code and a factored Gaussian with fixed unit standard
    deviation for the continuous ones (its constant dropped). The paper sets
    lambda = 1 for discrete codes and asks for a smaller one for continuous
    codes so that the term stays on the GAN objective's scale; with a fixed
    unit deviation the continuous term starts at only 0.5 * E[c^2] = 1/6
    (against log 10 ~ 2.3 for the categorical one), so `continuous_weight`
    defaults to 1, which is our reading of the authors' MNIST setting.

    Each step runs two phases, following the paper's objective
    `min_{G,Q} max_D V(D, G) - lambda L_I(G, Q)`:

    - discriminator: the trunk and D head minimise the GAN's binary
      cross-entropy plus the info loss on generated images. Adding the info
      loss here (as the authors' code does) lets the shared trunk learn the
      features Q needs; the trunk is updated only in this phase.
    - generator: the generator and the Q head minimise the non-saturating
      generator loss plus the info loss, with `g_optimizer`.

    Networks (DCGAN-like, scaled by `filters`; with `filters=64` they are
    the paper's MNIST networks, except that the trunk has no BatchNorm, see
    `build_infogan_trunk`): the generator of `ganzoo.DCGAN`; the trunk
    conv(f) - conv(2f) - FC(16f), LeakyReLU 0.2; D: one logit; Q:
    FC(2f)+BN, LeakyReLU, then the code parameters. Optimizers default to
    the paper's Adam(beta_1=0.5) with learning rates 2e-4 (D) and 1e-3
    (G and Q).

    Logs `d_loss`, `g_loss` (each phase's whole loss), and the generator
    phase's `categorical_loss` and `continuous_loss`.

    Args:
        image_shape: `(height, width, channels)`; sides multiples of 4.
        latent_dim: Size of the incompressible noise `z` (62 in the paper).
        num_categories: Values of the categorical code (at least 2).
        num_continuous: Number of continuous codes (at least 1).
        filters: Width of the networks (see above).
        kernel_size: Convolution kernel size.
        categorical_weight: Weight of the categorical code's loss.
        continuous_weight: Weight of the continuous codes' loss.
        seed: Optional int seeding the noise drawn during training.
        **kwargs: `ema_decay` and `diffaugment` (see `ganzoo.BaseGAN`), and
            what `keras.Model` takes.

    Example:

    ```python
    import ganzoo

    images, _ = ganzoo.datasets.load("mnist_5k")
    model = ganzoo.InfoGAN(image_shape=(28, 28, 1))
    model.compile()
    model.fit(images, batch_size=64, epochs=5)
    # Ten images per categorical code value, same noise in each column.
    grid = model.generate(100, seed=0, categorical=np.repeat(np.arange(10), 10))
    ```

    Reference:
        Chen et al., "InfoGAN: Interpretable Representation Learning by
        Information Maximizing Generative Adversarial Nets", NeurIPS 2016.
    """

    def __init__(
        self,
        image_shape=(28, 28, 1),
        latent_dim=62,
        num_categories=10,
        num_continuous=2,
        filters=64,
        kernel_size=4,
        categorical_weight=1.0,
        continuous_weight=1.0,
        seed=None,
        **kwargs,
    ):
        self.image_shape = validation.check_image_shape(image_shape, multiple_of=4)
        self.latent_dim = validation.check_positive_int(latent_dim, "latent_dim")
        self.num_categories = validation.check_int(
            num_categories, "num_categories", minimum=2
        )
        self.num_continuous = validation.check_positive_int(
            num_continuous, "num_continuous"
        )
        self.filters, self.kernel_size, _ = check_dcgan_options(filters, kernel_size)
        self.categorical_weight = validation.check_non_negative_number(
            categorical_weight, "categorical_weight"
        )
        self.continuous_weight = validation.check_non_negative_number(
            continuous_weight, "continuous_weight"
        )
        super().__init__(seed=seed, **kwargs)
        self.generator = build_dcgan_generator(
            self.image_shape, self.input_dim, self.filters, self.kernel_size
        )
        self.trunk = build_infogan_trunk(
            self.image_shape, self.filters, self.kernel_size
        )
        num_features = self.trunk.output.shape[-1]
        self.d_head = build_infogan_d_head(num_features)
        self.q_head = build_infogan_q_head(
            num_features, self.num_categories, self.num_continuous, self.filters
        )
        self.finish_build()

    @property
    def input_dim(self):
        """Size of the generator's input: noise, one-hot code, continuous codes."""
        return self.latent_dim + self.num_categories + self.num_continuous

    def default_optimizer(self, name):
        rate = 2e-4 if name == "d_optimizer" else 1e-3
        return keras.optimizers.Adam(rate, beta_1=0.5, name=name)

    def phases(self):
        return [
            Phase(
                "discriminator",
                self.discriminator_loss,
                self.trunk.trainable_variables + self.d_head.trainable_variables,
                self.d_optimizer,
                log_names=("d_loss",),
            ),
            Phase(
                "generator_and_q",
                self.generator_loss,
                self.generator.trainable_variables + self.q_head.trainable_variables,
                self.g_optimizer,
                log_names=("g_loss", "categorical_loss", "continuous_loss"),
            ),
        ]

    # Training --------------------------------------------------------------

    def draw_inputs(self, batch_size):
        """Training generator inputs and their codes, from the seed generator.

        Returns:
            `(inputs, categories, continuous)`: the concatenated generator
            input, the categorical code as int ids, the continuous codes.
        """
        z = keras.random.normal((batch_size, self.latent_dim), seed=self.seed_generator)
        categories = keras.random.randint(
            (batch_size,), 0, self.num_categories, seed=self.seed_generator
        )
        continuous = keras.random.uniform(
            (batch_size, self.num_continuous), -1.0, 1.0, seed=self.seed_generator
        )
        one_hot = ops.one_hot(categories, self.num_categories)
        inputs = ops.concatenate([z, one_hot, continuous], axis=-1)
        return backend.shard_batch(inputs), categories, continuous

    def info_losses(self, features, categories, continuous):
        """Q's negative log-likelihoods of the codes: `(categorical, continuous)`."""
        codes = self.q_head(features, training=True)
        logits = codes[:, : self.num_categories]
        means = codes[:, self.num_categories :]
        targets = ops.one_hot(categories, self.num_categories)
        categorical = ops.mean(
            ops.logsumexp(logits, axis=-1) - ops.sum(targets * logits, axis=-1)
        )
        gaussian = ops.mean(
            ops.sum(0.5 * ops.square(ops.subtract(continuous, means)), axis=-1)
        )
        return categorical, gaussian

    def info_loss(self, features, categories, continuous):
        categorical, gaussian = self.info_losses(features, categories, continuous)
        total = (
            self.categorical_weight * categorical + self.continuous_weight * gaussian
        )
        return total, categorical, gaussian

    def discriminator_loss(self, real):
        inputs, categories, continuous = self.draw_inputs(ops.shape(real)[0])
        fake = ops.stop_gradient(self.generator(inputs, training=True))
        real_features = self.trunk(self.augment(real), training=True)
        fake_features = self.trunk(self.augment(fake), training=True)
        adversarial = losses.bce_discriminator_loss(
            self.d_head(real_features, training=True),
            self.d_head(fake_features, training=True),
        )
        info, _, _ = self.info_loss(fake_features, categories, continuous)
        loss = adversarial + info
        return loss, {"d_loss": loss}

    def generator_loss(self, real):
        inputs, categories, continuous = self.draw_inputs(ops.shape(real)[0])
        fake = self.generator(inputs, training=True)
        features = self.trunk(self.augment(fake), training=True)
        adversarial = losses.non_saturating_generator_loss(
            self.d_head(features, training=True)
        )
        info, categorical, gaussian = self.info_loss(features, categories, continuous)
        loss = adversarial + info
        return loss, {
            "g_loss": loss,
            "categorical_loss": categorical,
            "continuous_loss": gaussian,
        }

    # Sampling --------------------------------------------------------------

    def generator_inputs(
        self, num_images, seed=None, categorical=None, continuous=None, noise=None
    ):
        """The generator's input, drawn on the host (identical on every backend).

        Noise, categorical and continuous codes are always drawn in that
        order from `seed`; values given replace the drawn ones, so with one
        seed, changing a code changes nothing else.
        """
        num_images = validation.check_positive_int(num_images, "num_images")
        rng = np.random.default_rng(seed)
        z = rng.standard_normal((num_images, self.latent_dim))
        categories = rng.integers(0, self.num_categories, num_images)
        codes = rng.uniform(-1.0, 1.0, (num_images, self.num_continuous))
        if categorical is not None:
            categories = check_labels(
                categorical, self.num_categories, num_images, arg="categorical"
            )
        if continuous is not None:
            codes = self._check_values(
                continuous, self.num_continuous, num_images, "continuous"
            )
        if noise is not None:
            z = self._check_values(noise, self.latent_dim, num_images, "noise")
        one_hot = np.eye(self.num_categories)[categories]
        return np.concatenate([z, one_hot, codes], axis=1).astype("float32")

    def sample_latent(self, num_images, seed=None):
        return self.generator_inputs(num_images, seed)

    def generate(
        self,
        num_images,
        seed=None,
        batch_size=None,
        categorical=None,
        continuous=None,
        noise=None,
    ):
        """Generates images, optionally with chosen codes.

        Args:
            num_images: How many images to make.
            seed: Optional int. The same seed gives the same images on every
                backend; it draws the noise and any code not given.
            batch_size: Images per forward pass (default 128).
            categorical: Optional categorical code: one int in
                `[0, num_categories)` for every image, or one per image
                `(num_images,)`.
            continuous: Optional continuous codes: a float, a vector
                `(num_continuous,)` for every image, or `(num_images,
                num_continuous)`. Training draws them from U(-1, 1); values
                beyond that extrapolate.
            noise: Optional latent noise: a vector `(latent_dim,)` for every
                image (to see what the codes alone change), or
                `(num_images, latent_dim)`.

        Returns:
            A float32 NumPy array `(num_images,) + image_shape` in [-1, 1].
        """
        inputs = self.generator_inputs(num_images, seed, categorical, continuous, noise)
        return self.run_generator(inputs, batch_size)

    def infer_codes(self, images, batch_size=None):
        """Q's estimate of the codes behind images (real or generated).

        Args:
            images: Float images in [-1, 1], `(n,) + image_shape`.
            batch_size: Images per forward pass (default 128).

        Returns:
            A dict of NumPy arrays: `"categorical"`, the probabilities of each
            code value `(n, num_categories)`, and `"continuous"`, the
            predicted means `(n, num_continuous)`.
        """
        images = validation.check_images(
            np.asarray(images), self.image_shape, arg="images"
        )
        batch_size = validation.check_positive_int(batch_size or 128, "batch_size")
        features = self.trunk.predict(images, batch_size=batch_size, verbose=0)
        codes = np.asarray(
            self.q_head.predict(features, batch_size=batch_size, verbose=0), "float64"
        )
        logits = codes[:, : self.num_categories]
        probabilities = np.exp(logits - logits.max(axis=-1, keepdims=True))
        probabilities /= probabilities.sum(axis=-1, keepdims=True)
        return {
            "categorical": probabilities.astype("float32"),
            "continuous": codes[:, self.num_categories :].astype("float32"),
        }

    def _check_values(self, values, width, num_images, arg):
        """Broadcasts a float, a `(width,)` vector or a `(num_images, width)` array."""
        expected = (num_images, width)
        array = validation.check_numeric_array(values, arg)
        try:
            array = np.broadcast_to(array, expected)
        except ValueError as error:
            raise ValueError(
                f"`{arg}` must be a float, a vector of {width} values, or an "
                f"array of shape {expected}. Received: {arg}.shape={np.shape(values)}"
            ) from error
        if not np.all(np.isfinite(array)):
            raise ValueError(
                f"`{arg}` must hold finite numbers. Received: "
                f"{int(np.sum(~np.isfinite(array)))} NaN or infinite value(s)"
            )
        return array

    def get_config(self):
        config = super().get_config()
        config.update(
            image_shape=list(self.image_shape),
            latent_dim=self.latent_dim,
            num_categories=self.num_categories,
            num_continuous=self.num_continuous,
            filters=self.filters,
            kernel_size=self.kernel_size,
            categorical_weight=self.categorical_weight,
            continuous_weight=self.continuous_weight,
        )
        return config
