import os

import keras
import numpy as np
import pytest

import ganzoo
from ganzoo.models.cyclegan import ConstantThenLinearDecay
from ganzoo.models.cyclegan import ImagePool
from tests.models.families import CYCLEGAN_TINY
from tests.testing import GANTestCase
from tests.testing import changed
from tests.testing import fake_images
from tests.testing import snapshot

SHAPE = (32, 32, 3)
TINY = CYCLEGAN_TINY
BATCH = 4


def unpaired(num_images=8, shape_a=SHAPE, shape_b=SHAPE):
    return fake_images(num_images, shape_a, seed=0), fake_images(
        num_images, shape_b, seed=1
    )


def numpy_of(x):
    return np.asarray(keras.ops.convert_to_numpy(x), "float32")


def reference_pool_query(pool, num_stored, images, coins, slots):
    """The reference ImagePool's rule, image by image, with given draws."""
    returned = []
    for image, coin, slot in zip(images, coins, slots, strict=True):
        if num_stored < len(pool):
            pool[num_stored] = image
            num_stored += 1
            returned.append(image)
        elif coin > 0.5:
            returned.append(pool[slot].copy())
            pool[slot] = image
        else:
            returned.append(image)
    return np.stack(returned), num_stored


class TestImagePool:
    def test_matches_the_reference_rule_and_keeps_its_state(self):
        pool = ImagePool(3, (2, 2, 1), seed=7)
        draws = keras.random.SeedGenerator(7)  # the pool's draws, replayed
        expected_pool, expected_count = np.zeros((3, 2, 2, 1), "float32"), 0
        kinds = set()
        for step in range(12):
            batch = np.full((2, 2, 2, 1), 0.0, "float32")
            batch[:, 0, 0, 0] = [step * 2 / 100, (step * 2 + 1) / 100]
            coins = numpy_of(keras.random.uniform((2,), seed=draws))
            slots = numpy_of(
                keras.random.randint((2,), 0, 3, dtype="int32", seed=draws)
            ).astype(int)
            expected, expected_count = reference_pool_query(
                expected_pool, expected_count, batch, coins, slots
            )
            got = numpy_of(pool(batch))
            np.testing.assert_array_equal(got, expected)
            np.testing.assert_array_equal(numpy_of(pool.images.value), expected_pool)
            assert pool.num_stored == expected_count == min(3, 2 * (step + 1))
            if step < 1:  # filling: the new images come back
                np.testing.assert_array_equal(got, batch)
            kinds.update(
                "new" if np.array_equal(g, b) else "stored"
                for g, b in zip(got, batch, strict=True)
            )
        assert kinds == {"new", "stored"}

    def test_collisions_within_a_batch_follow_the_order(self):
        # A batch larger than the pool: images written earlier in the batch
        # may come back later in the same batch.
        pool = ImagePool(2, (1, 1, 1), seed=3)
        draws = keras.random.SeedGenerator(3)
        expected_pool, count = np.zeros((2, 1, 1, 1), "float32"), 0
        for step in range(6):
            batch = (np.arange(8, dtype="float32") + 8 * step).reshape(8, 1, 1, 1)
            batch /= 100.0
            coins = numpy_of(keras.random.uniform((8,), seed=draws))
            slots = numpy_of(
                keras.random.randint((8,), 0, 2, dtype="int32", seed=draws)
            ).astype(int)
            expected, count = reference_pool_query(
                expected_pool, count, batch, coins, slots
            )
            np.testing.assert_array_equal(numpy_of(pool(batch)), expected)
            np.testing.assert_array_equal(numpy_of(pool.images.value), expected_pool)

    def test_size_zero_passes_images_through(self):
        pool = ImagePool(0, (2, 2, 1))
        images = fake_images(3, (2, 2, 1))
        np.testing.assert_array_equal(numpy_of(pool(images)), images)

    @pytest.mark.parametrize("size, error", [(-1, ValueError), (2.5, TypeError)])
    def test_bad_size(self, size, error):
        with pytest.raises(error, match="pool_size"):
            ImagePool(size, (2, 2, 1))


class TestSchedule:
    def test_values_and_config(self):
        schedule = ConstantThenLinearDecay(1.0, constant_steps=4, decay_steps=4)
        values = [float(numpy_of(schedule(step))) for step in (0, 3, 4, 5, 6, 8, 20)]
        np.testing.assert_allclose(values, [1, 1, 1, 0.75, 0.5, 0, 0], atol=1e-7)
        again = ConstantThenLinearDecay.from_config(schedule.get_config())
        assert again.get_config() == schedule.get_config()

    @pytest.mark.parametrize(
        "kwargs, error",
        [
            ({"constant_steps": -1, "decay_steps": 2}, ValueError),
            ({"constant_steps": 1, "decay_steps": 0}, ValueError),
            ({"constant_steps": 1.5, "decay_steps": 2}, TypeError),
        ],
    )
    def test_bad_arguments(self, kwargs, error):
        with pytest.raises(error):
            ConstantThenLinearDecay(2e-4, **kwargs)

    def test_compile_total_steps_schedules_the_defaults(self):
        model = ganzoo.CycleGAN(**TINY)
        model.compile(total_steps=10)
        for optimizer in (model.d_optimizer, model.g_optimizer):
            schedule = optimizer._learning_rate
            assert isinstance(schedule, ConstantThenLinearDecay)
            assert (schedule.constant_steps, schedule.decay_steps) == (5, 5)
            assert optimizer.beta_1 == 0.5
        mine = keras.optimizers.SGD(1e-3)
        model.compile(g_optimizer=mine, total_steps=10)
        assert model.g_optimizer is mine
        assert isinstance(model.d_optimizer._learning_rate, ConstantThenLinearDecay)
        with pytest.raises(ValueError, match="total_steps"):
            model.compile(
                keras.optimizers.Adam(), keras.optimizers.Adam(), total_steps=4
            )
        with pytest.raises(ValueError, match="total_steps"):
            model.compile(total_steps=1)


@pytest.fixture(scope="module")
def trained_tiny():
    """A TINY CycleGAN after one epoch (2 steps) of `unpaired(8)`.

    Compiled with `total_steps=4`; with its variables from before the epoch
    and the history. Compiling a CycleGAN's train step is slow, so the tests
    that only need a trained one share it; none of them changes it.
    """
    model = ganzoo.CycleGAN(**TINY)
    model.compile(total_steps=4)
    before = snapshot(model.variables)
    history = model.fit(x=unpaired(8), batch_size=BATCH, verbose=0)
    return model, before, history


class TestCycleGAN(GANTestCase):
    def test_networks_and_phases(self):
        model = ganzoo.CycleGAN(**TINY)
        model.compile()
        for name in ("generator_ab", "generator_ba"):
            assert getattr(model, name).output_shape == (None,) + SHAPE
        for name in ("discriminator_a", "discriminator_b"):
            assert getattr(model, name).output_shape == (None, 2, 2, 1)
        phases = model.phases()
        assert [p.name for p in phases] == ["generators", "discriminators"]
        assert phases[0].optimizer is model.g_optimizer
        assert phases[1].optimizer is model.d_optimizer
        assert float(numpy_of(model.g_optimizer.learning_rate)) == pytest.approx(2e-4)
        assert model.identity_loss_weight == 5.0
        images = fake_images(3, SHAPE)
        out = model.translate(images, direction="b_to_a", batch_size=2)
        assert out.shape == (3,) + SHAPE and out.dtype == np.float32
        np.testing.assert_allclose(
            model.translate(images), numpy_of(model(images)), atol=1e-6
        )

    @pytest.mark.parametrize(
        "init",
        [
            {},
            {
                "image_shape": (32, 32, 1),
                "target_channels": 3,
                "generator": "unet",
                "identity_weight": 0.0,
                "pool_size": 0,
            },
        ],
        ids=["resnet", "seed_unet"],
    )
    def test_fit_moves_every_phase_and_nothing_else(self, init, request):
        if init:
            model = ganzoo.CycleGAN(**dict(TINY, **init))
            model.compile()
            images = unpaired(8, model.image_shape, model.target_shape)
            before = snapshot(model.variables)
            history = model.fit(x=images, batch_size=BATCH, verbose=0)
        else:  # TINY itself: the shared model, trained just so
            model, before, history = request.getfixturevalue("trained_tiny")
        phases = model.phases()
        trained = [v for phase in phases for v in phase.variables]
        assert {id(v) for v in trained} == {id(v) for v in model.trainable_variables}
        assert not [v.path for v in trained if not changed(before, [v])]
        self.check_iterations(model, 2)
        expected = {
            "loss",
            "g_loss",
            "adversarial_ab_loss",
            "adversarial_ba_loss",
            "cycle_a_loss",
            "cycle_b_loss",
            "d_a_loss",
            "d_b_loss",
        }
        if model.identity_loss_weight:
            expected |= {"identity_ab_loss", "identity_ba_loss"}
        assert set(history.history) == expected
        for name, values in history.history.items():
            assert np.all(np.isfinite(values)), name
        assert model.pool_a.num_stored == min(8, model.pool_size)
        if model.pool_size:
            assert changed(before, [model.pool_a.images, model.pool_b.images])

    def test_generator_loss_matches_numpy(self):
        # Two weight conventions on the same networks: relative gives
        # 0.5 * 3 = 1.5 per identity term, absolute gives 0.5.
        images_a, images_b = unpaired(2)
        for mode, identity in (("relative", 1.5), ("absolute", 0.5)):
            model = ganzoo.CycleGAN(
                **dict(TINY, cycle_weight=3.0, identity_weight_mode=mode)
            )
            assert model.identity_loss_weight == identity
            loss, logs = model.generator_loss((images_a, images_b))
            logs = {name: float(numpy_of(value)) for name, value in logs.items()}

            def run(network, x, model=model):
                return numpy_of(getattr(model, network)(x, training=True))

            fake_b, fake_a = (
                run("generator_ab", images_a),
                run("generator_ba", images_b),
            )
            cycle_a = np.abs(run("generator_ba", fake_b) - images_a).mean()
            cycle_b = np.abs(run("generator_ab", fake_a) - images_b).mean()
            identity_ab = np.abs(run("generator_ab", images_b) - images_b).mean()
            identity_ba = np.abs(run("generator_ba", images_a) - images_a).mean()
            adversarial_ab = np.mean((run("discriminator_b", fake_b) - 1) ** 2)
            adversarial_ba = np.mean((run("discriminator_a", fake_a) - 1) ** 2)
            expected = {
                "adversarial_ab_loss": adversarial_ab,
                "adversarial_ba_loss": adversarial_ba,
                "cycle_a_loss": cycle_a,
                "cycle_b_loss": cycle_b,
                "identity_ab_loss": identity_ab,
                "identity_ba_loss": identity_ba,
                "g_loss": adversarial_ab
                + adversarial_ba
                + 3.0 * (cycle_a + cycle_b)
                + identity * (identity_ab + identity_ba),
            }
            for name, value in expected.items():
                np.testing.assert_allclose(logs[name], value, rtol=1e-5, err_msg=name)
            np.testing.assert_allclose(float(numpy_of(loss)), logs["g_loss"])

    def test_discriminator_loss_matches_numpy(self):
        model = ganzoo.CycleGAN(**dict(TINY, pool_size=0, identity_weight=0.0))
        model.compile()
        images_a, images_b = unpaired(2)
        loss, logs = model.discriminator_loss((images_a, images_b))

        def run(network, x):
            return numpy_of(getattr(model, network)(x, training=True))

        fake_a = run("generator_ba", images_b)
        d_a = 0.5 * (
            np.mean((run("discriminator_a", images_a) - 1) ** 2)
            + np.mean(run("discriminator_a", fake_a) ** 2)
        )
        np.testing.assert_allclose(float(numpy_of(logs["d_a_loss"])), d_a, rtol=1e-5)
        np.testing.assert_allclose(
            float(numpy_of(loss)),
            float(numpy_of(logs["d_a_loss"])) + float(numpy_of(logs["d_b_loss"])),
            rtol=1e-6,
        )
        assert "identity_ab_loss" not in model.phases()[0].log_names

    def test_ema_and_diffaugment(self):
        model = ganzoo.CycleGAN(**dict(TINY, ema_decay=0.5, diffaugment="translation"))
        model.compile()
        average = snapshot(model.generator_ba_ema.variables)
        model.fit(x=unpaired(4), batch_size=BATCH, verbose=0)
        assert changed(average, model.generator_ba_ema.variables)
        images = fake_images(2, SHAPE)
        np.testing.assert_allclose(
            model.translate(images, direction="b_to_a"),
            numpy_of(model.generator_ba_ema(images)),
            atol=1e-6,
        )

    def test_save_load_and_fit_goes_on(self, tmp_path, trained_tiny):
        model = trained_tiny[0]  # compiled with total_steps=4, 2 steps taken
        data = unpaired(8)
        path = os.path.join(tmp_path, "model.keras")
        model.save(path)
        loaded = keras.saving.load_model(path)
        assert type(loaded) is ganzoo.CycleGAN
        assert loaded.get_config() == model.get_config()
        assert isinstance(loaded.g_optimizer._learning_rate, ConstantThenLinearDecay)
        # Seed generators restart from their seeds on load, and the image
        # pools start empty (they are not saved); all else is kept.
        for ours, theirs in zip(model.variables, loaded.variables, strict=True):
            if "seed_generator" in ours.path or "pool_" in ours.path:
                continue
            np.testing.assert_array_equal(numpy_of(ours.value), numpy_of(theirs.value))
        for ours, theirs in zip(
            model.optimizer.variables, loaded.optimizer.variables, strict=True
        ):
            np.testing.assert_array_equal(numpy_of(ours.value), numpy_of(theirs.value))
        assert model.pool_b.num_stored == 3 and loaded.pool_b.num_stored == 0
        images = fake_images(2, SHAPE)
        for direction in ("a_to_b", "b_to_a"):
            np.testing.assert_allclose(
                loaded.translate(images, direction),
                model.translate(images, direction),
                atol=1e-6,
            )
        trained = [v for phase in loaded.phases() for v in phase.variables]
        before = snapshot(trained)
        loaded.fit(x=data, batch_size=BATCH, verbose=0)
        assert len(changed(before, trained)) == len(trained)
        self.check_iterations(loaded, 4)
        # 4 steps of 4: the rate has decayed to zero.
        assert float(numpy_of(loaded.g_optimizer.learning_rate)) == pytest.approx(0)

    def test_preset_round_trip_leaves_the_pools_empty(self, tmp_path, trained_tiny):
        # Both directions on the other backends: test_families.py.
        model = trained_tiny[0]
        folder = model.save_to_preset(os.path.join(tmp_path, "preset"))
        loaded = ganzoo.CycleGAN.from_preset(folder)
        assert loaded.get_config() == model.get_config()
        assert model.pool_a.num_stored == 3 and loaded.pool_a.num_stored == 0
        images = fake_images(2, SHAPE, seed=9)
        expected = model.translate(images, direction="b_to_a")
        np.testing.assert_allclose(
            loaded.translate(images, direction="b_to_a"), expected, atol=1e-6
        )

    @pytest.mark.parametrize(
        "kwargs, error, message",
        [
            ({"generator": "vgg"}, ValueError, "generator"),
            ({"identity_weight_mode": "percent"}, ValueError, "identity_weight_mode"),
            ({"identity_weight": -1.0}, ValueError, "identity_weight"),
            ({"cycle_weight": "10"}, TypeError, "cycle_weight"),
            ({"target_channels": 1}, ValueError, "identity_weight=0"),
            ({"image_shape": (32, 32)}, ValueError, "image_shape"),
        ],
    )
    def test_bad_arguments(self, kwargs, error, message):
        with pytest.raises(error, match=message):
            ganzoo.CycleGAN(**dict(TINY, **kwargs))

    def test_bad_inputs(self):
        model = ganzoo.CycleGAN(**TINY)
        model.compile()
        images_a, images_b = unpaired(4)
        with pytest.raises(ValueError, match="as many images of A as of B"):
            model.fit(x=(images_a, images_b[:3]), batch_size=2, verbose=0)
        with pytest.raises(ValueError, match="images_b"):
            model.fit(x=(images_a, fake_images(4, (16, 16, 3))), verbose=0)
        with pytest.raises(ValueError, match=r"\[-1, 1\]"):
            model.fit(x=(images_a, images_b * 255), verbose=0)
        with pytest.raises(TypeError, match="floating point"):
            model.fit(x=(images_a, (images_b > 0).astype("uint8")), verbose=0)
        with pytest.raises(ValueError, match="both domains"):
            model.fit(images_a, batch_size=2, verbose=0)
        with pytest.raises(ValueError, match="direction"):
            model.translate(images_a, direction="forward")
        with pytest.raises(ValueError, match="images"):
            model.translate(fake_images(2, (16, 16, 3)))
        with pytest.raises(AttributeError, match="translate"):
            model.generate(4)

    def test_one_trained_direction_until_fit(self):
        model = ganzoo.CycleGAN(**dict(TINY, trained_directions=("a_to_b",)))
        images_a, images_b = unpaired(4)
        assert model.translate(images_a).shape == images_a.shape
        with pytest.raises(ValueError, match="b_to_a generator holds no trained"):
            model.translate(images_b, direction="b_to_a")
        model.compile()
        model.fit(x=(images_a, images_b), batch_size=BATCH, verbose=0)
        assert model.trained_directions == ("a_to_b", "b_to_a")
        assert model.translate(images_b, direction="b_to_a").shape == images_b.shape
