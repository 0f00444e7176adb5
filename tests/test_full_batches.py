"""Arrays reach the training step in batches of one size; it compiles once."""

import keras
import numpy as np
import pytest

import ganzoo
from ganzoo.models.full_batches import FullBatches
from tests.testing import fake_images

TINY = {"image_shape": (8, 8, 1), "latent_dim": 4, "filters": 4, "seed": 1}


def test_batches_are_full_and_cover_every_sample_each_epoch():
    x = np.arange(20)
    y = x * 10
    data = FullBatches(x, y, batch_size=8)
    assert len(data) == 3
    for _ in range(2):
        batches = [data[i] for i in range(len(data))]
        for bx, by in batches:
            assert bx.shape == (8,)
            np.testing.assert_array_equal(by, bx * 10)  # pairs stay together
        seen = np.concatenate([bx for bx, _ in batches])
        np.testing.assert_array_equal(np.sort(seen[:20]), x)  # each once...
        np.testing.assert_array_equal(seen[20:], seen[:4])  # ...then topped up
        order = data.order.copy()
        data.on_epoch_end()
    assert not np.array_equal(order, data.order)  # a new order per epoch


def test_structures_and_fixed_order():
    a, b = np.arange(10), -np.arange(10)
    data = FullBatches((a, b), None, batch_size=4, shuffle=False)
    ((first_a, first_b),) = data[0]
    np.testing.assert_array_equal(first_a, [0, 1, 2, 3])
    np.testing.assert_array_equal(first_b, [0, -1, -2, -3])
    ((last_a, _),) = data[2]
    np.testing.assert_array_equal(last_a, [8, 9, 0, 1])
    data.on_epoch_end()
    np.testing.assert_array_equal(data.order, np.arange(10))


class CountingDCGAN(ganzoo.DCGAN):
    """Records the batch size of every batch `train_step` unpacks.

    On JAX and TensorFlow `train_step` runs only while the step is traced,
    so one entry per trace; on PyTorch one per step.
    """

    def unpack_batch(self, data):
        images = super().unpack_batch(data)
        self.unpacked.append(images.shape[0])
        return images


def counting_model():
    model = CountingDCGAN(**TINY)
    model.compile()
    model.unpacked = []
    return model


def test_fit_on_arrays_compiles_the_step_once():
    model = counting_model()
    model.fit(fake_images(20, (8, 8, 1)), batch_size=8, epochs=2, verbose=0)
    assert int(keras.ops.convert_to_numpy(model.g_optimizer.iterations)) == 6
    host_check, *steps = model.unpacked  # fit() first checks one sample
    assert host_check == 1
    if keras.backend.backend() == "torch":
        assert steps == [8] * 6  # eager: every step, all full
    else:
        assert len(steps) == 1  # traced once for all 6 steps
        assert steps[0] in (8, None)


def test_orders_follow_the_seed_and_the_key():
    a, b = (
        FullBatches(np.arange(50), None, 8, seed=3),
        FullBatches(np.arange(50), None, 8, seed=3),
    )
    np.testing.assert_array_equal(a.order, b.order)
    a.reorder(12)
    assert not np.array_equal(a.order, b.order)
    b.reorder(12)
    np.testing.assert_array_equal(a.order, b.order)
    c = FullBatches(np.arange(50), None, 8, seed=4)
    assert not np.array_equal(
        c.order, FullBatches(np.arange(50), None, 8, seed=3).order
    )


def test_divisible_and_small_arrays_train_every_step():
    model = counting_model()
    model.fit(fake_images(16, (8, 8, 1)), batch_size=8, verbose=0)
    model.fit(fake_images(5, (8, 8, 1)), batch_size=8, verbose=0)
    assert int(keras.ops.convert_to_numpy(model.g_optimizer.iterations)) == 3


@pytest.mark.parametrize("family", ["CGAN", "Pix2Pix"])
def test_labelled_and_paired_arrays_train_in_full_batches(family):
    if family == "CGAN":
        model = ganzoo.CGAN(image_shape=(8, 8, 1), latent_dim=4, seed=1)
        x, y = fake_images(10, (8, 8, 1)), np.arange(10) % 10
    else:
        model = ganzoo.Pix2Pix(
            image_shape=(32, 32, 1), target_channels=3, filters=4, seed=1
        )
        x, y = fake_images(10, (32, 32, 1)), fake_images(10, (32, 32, 3), seed=2)
    model.compile()
    model.fit(x, y, batch_size=4, verbose=0)
    assert int(keras.ops.convert_to_numpy(model.g_optimizer.iterations)) == 3


def test_steps_per_execution():
    images = fake_images(32, (8, 8, 1))
    results = []
    for steps in (1, 4):
        keras.utils.set_random_seed(0)  # the same initial weights
        model = ganzoo.DCGAN(**dict(TINY, dropout=0.0))
        model.compile(steps_per_execution=steps)
        if keras.backend.backend() == "torch":
            if steps == 1:
                continue
            with pytest.raises(ValueError, match="steps_per_execution"):
                model.fit(images, batch_size=8, verbose=0)
            return
        history = model.fit(images, batch_size=8, epochs=2, shuffle=False, verbose=0)
        results.append((model.get_weights(), history.history))
    (weights_1, history_1), (weights_4, history_4) = results
    assert history_1 == history_4
    for a, b in zip(weights_1, weights_4, strict=True):
        np.testing.assert_array_equal(a, b)


def test_shards_split_every_global_batch_between_processes():
    x = np.arange(10, dtype="float32")[:, None]
    whole = FullBatches(x, None, batch_size=4, seed=3)
    shards = [
        FullBatches(x, None, batch_size=2, seed=3, shard=i, num_shards=2)
        for i in range(2)
    ]
    assert len(shards[0]) == len(whole) == 3
    for step in range(len(whole)):
        (expected,) = whole[step]
        parts = [shard[step][0] for shard in shards]
        np.testing.assert_array_equal(np.concatenate(parts), expected)
    first_epoch = [shard[s][0] for shard in shards for s in range(2)]
    seen = np.concatenate(first_epoch)[:, 0]
    assert len(set(seen)) == len(seen) == 8  # disjoint shares


def test_shard_out_of_range_is_refused():
    with pytest.raises(ValueError, match=r"`shard` must be in \[0, num_shards=2\)"):
        FullBatches(np.zeros((8, 1)), None, batch_size=2, shard=2, num_shards=2)
