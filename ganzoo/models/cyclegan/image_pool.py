"""The history of generated images CycleGAN's discriminators learn from."""

import keras
from keras import ops

from ganzoo import validation
from ganzoo.models.seeds import ReplicaSeedGenerator


@keras.saving.register_keras_serializable(package="ganzoo")
class ImagePool(keras.layers.Layer):
    """A buffer of past generated images (Shrivastava et al. 2017).

    Calling the pool on a batch of freshly generated images returns a batch
    of the same size, image by image in order:

    - while the pool holds fewer than `pool_size` images, the new image is
      stored and returned;
    - once it is full, with probability 1/2 a random stored image is
      returned and the new image takes its place, otherwise the new image
      is returned and the pool is left as it was.

    This is the rule of the CycleGAN reference implementation's
    `ImagePool`; within a batch the images are processed as if one after
    the other, so an image stored earlier in the batch can be returned
    later in the same batch. The buffer and its fill count are
    non-trainable variables, so they are updated inside compiled training
    steps on every backend. As in the reference, the pool is not saved
    with the model (at 256 px it would add 39 MB per pool to every file):
    a loaded model starts with an empty pool, which refills over its first
    `pool_size` generated images. The random draws come from the pool's own
    `keras.random.SeedGenerator`.

    Args:
        pool_size: How many images the pool holds; 0 disables it (calls
            return their input).
        image_shape: `(height, width, channels)` of the images.
        seed: Optional int seeding the pool's random choices.
        **kwargs: Passed on to `keras.layers.Layer` (e.g. `name`).

    Example:

    ```python
    pool = ImagePool(50, (32, 32, 3), seed=0)
    shown = pool(fake_images)  # what the discriminator sees as fake
    ```

    Reference:
        Shrivastava et al., "Learning from Simulated and Unsupervised Images
        through Adversarial Training", CVPR 2017; Zhu et al., "Unpaired
        Image-to-Image Translation using Cycle-Consistent Adversarial
        Networks", ICCV 2017, section 4.
    """

    def __init__(self, pool_size, image_shape, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.pool_size = validation.check_int(pool_size, "pool_size", minimum=0)
        self.image_shape = validation.check_image_shape(image_shape)
        self.seed = seed
        self.seed_generator = ReplicaSeedGenerator(seed, name="seed_generator")
        self.images = self.add_weight(
            shape=(pool_size,) + self.image_shape,
            initializer="zeros",
            dtype="float32",
            trainable=False,
            name="images",
        )
        self.count = self.add_weight(
            shape=(), initializer="zeros", dtype="int32", trainable=False, name="count"
        )
        self.built = True

    @property
    def num_stored(self):
        """How many images the pool holds now."""
        return int(ops.convert_to_numpy(self.count.value))

    def call(self, images):
        if self.pool_size == 0:
            return images
        size = self.pool_size
        new = ops.cast(images, "float32")
        batch = ops.shape(new)[0]
        count = self.count.value
        pool = self.images.value
        order = ops.arange(batch, dtype="int32")

        filling = ops.less(count + order, size)
        coin = keras.random.uniform((batch,), seed=self.seed_generator)
        slot = keras.random.randint(
            (batch,), 0, size, dtype="int32", seed=self.seed_generator
        )
        swap = ops.logical_and(ops.logical_not(filling), coin > 0.5)
        # The slot each image writes to, -1 for images that are not stored.
        written = ops.where(filling, count + order, ops.where(swap, slot, -1))

        # A swapped image returns its slot's content at its turn: the image
        # an earlier one of this batch wrote there last, or the stored one.
        earlier = ops.logical_and(
            ops.equal(written[:, None], slot[None, :]),
            ops.less(order[:, None], order[None, :]),
        )
        writer = ops.max(ops.where(earlier, order[:, None], -1), axis=0)
        stored = ops.where(
            (writer >= 0)[:, None, None, None],
            ops.take(new, ops.maximum(writer, 0), axis=0),
            ops.take(pool, slot, axis=0),
        )
        result = ops.where(swap[:, None, None, None], stored, new)

        # Each slot ends up holding the last image of the batch written to it.
        slots = ops.arange(size, dtype="int32")
        last = ops.max(
            ops.where(ops.equal(written[None, :], slots[:, None]), order[None, :], -1),
            axis=1,
        )
        self.images.assign(
            ops.where(
                (last >= 0)[:, None, None, None],
                ops.take(new, ops.maximum(last, 0), axis=0),
                pool,
            )
        )
        self.count.assign(ops.minimum(count + ops.cast(batch, "int32"), size))
        return ops.cast(result, images.dtype)

    def compute_output_shape(self, input_shape):
        return input_shape

    def save_own_variables(self, store):
        """Saves nothing: the pool is training-time state (see above)."""

    def load_own_variables(self, store):
        """Leaves the pool empty."""

    def get_config(self):
        config = super().get_config()
        config.update(
            pool_size=self.pool_size,
            image_shape=list(self.image_shape),
            seed=self.seed,
        )
        return config
