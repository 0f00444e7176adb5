import keras
import numpy as np
import pytest

import ganzoo
from ganzoo.models.sgan import semi_supervised_dataset
from tests.testing import GANTestCase
from tests.testing import changed
from tests.testing import fake_images
from tests.testing import model_state
from tests.testing import restore
from tests.testing import snapshot

TINY = {
    "image_shape": (28, 28, 1),
    "num_classes": 3,
    "latent_dim": 8,
    "filters": 8,
    "seed": 2,
}


def partly_labelled(num_images, num_classes=3, seed=0):
    """Fake images; every third one labelled, the others -1."""
    images = fake_images(num_images, TINY["image_shape"], seed=seed)
    labels = np.where(
        np.arange(num_images) % 3 == 0, np.arange(num_images) % num_classes, -1
    )
    return images, labels.astype("int32")


class TestSGAN(GANTestCase):
    def test_output_shape(self):
        model = self.run_output_shape_test(ganzoo.SGAN, TINY)
        logits, features = model.discriminator.outputs
        assert logits.shape == (None, 3)
        assert features.shape == (None, 7 * 7 * 16)

    def test_fit_with_the_non_saturating_loss_moves_each_phase_only(self):
        # The default, feature matching, is checked with every family in
        # test_families.py.
        assert ganzoo.SGAN(**TINY).generator_loss_name == "feature_matching"
        images, labels = partly_labelled(40)
        init = dict(TINY, generator_loss="non_saturating")
        self.run_fit_test(
            ganzoo.SGAN, init, images, batch_size=16, fit_kwargs={"y": labels}
        )

    def test_classify_returns_probabilities(self):
        model = ganzoo.SGAN(**TINY)
        probabilities = model.classify(fake_images(5, TINY["image_shape"]), 2)
        assert probabilities.shape == (5, 3)
        assert probabilities.dtype == np.float32
        np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, atol=1e-5)

    def test_fit_takes_labels_from_any_data_source(self):
        images, labels = partly_labelled(16)

        class Batches(keras.utils.PyDataset):
            def __len__(self):
                return 2

            def __getitem__(self, index):
                part = slice(8 * index, 8 * index + 8)
                return images[part], labels[part]

        model = self.make_model(ganzoo.SGAN, TINY)
        state = model_state(model)
        start = snapshot(state)
        history = model.fit(Batches(), epochs=1, shuffle=False, verbose=0)
        supervised = history.history["supervised_loss"][-1]
        assert np.isfinite(supervised) and supervised > 0
        from_dataset = snapshot(model.trainable_variables)
        # The same batches as arrays, from the same start: the same weights,
        # so the dataset's labels reached the step as the arrays' did.
        restore(state, start)
        model.fit(images, labels, batch_size=8, shuffle=False, verbose=0)
        for v in model.trainable_variables:
            np.testing.assert_allclose(
                keras.ops.convert_to_numpy(v.value),
                from_dataset[id(v)],
                rtol=1e-6,
                atol=1e-7,
                err_msg=v.path,
            )
        # Other labels for the same images: other weights.
        restore(state, start)
        relabelled = np.where(labels >= 0, (labels + 1) % 3, -1)
        model.fit(images, relabelled, batch_size=8, shuffle=False, verbose=0)
        assert changed(from_dataset, model.trainable_variables)

    def test_supervised_loss_is_a_mean_over_labelled_images(self):
        model = ganzoo.SGAN(**TINY)
        logits = np.array(
            [[2.0, 0.0, -1.0], [0.5, 0.5, 0.5], [0.0, 3.0, 1.0]], "float32"
        )
        labels = np.array([0, -1, 2], "int32")
        loss = keras.ops.convert_to_numpy(model.supervised_loss(logits, labels))
        log_softmax = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
        expected = -(log_softmax[0, 0] + log_softmax[2, 2]) / 2
        np.testing.assert_allclose(loss, expected, rtol=1e-5)
        none = model.supervised_loss(logits, np.full(3, -1, "int32"))
        assert float(keras.ops.convert_to_numpy(none)) == 0.0

    def test_unlabelled_images_enter_the_discriminator_loss(self):
        model = ganzoo.SGAN(**dict(TINY, dropout=0.0))
        unlabelled = np.full(8, -1, "int32")
        state = keras.ops.convert_to_numpy(model.seed_generator.state.value)

        def logs(seed):
            model.seed_generator.state.assign(state)
            images = fake_images(8, TINY["image_shape"], seed=seed)
            _, values = model.discriminator_loss((images, unlabelled))
            return {k: float(keras.ops.convert_to_numpy(v)) for k, v in values.items()}

        first, second = logs(0), logs(1)
        assert first["supervised_loss"] == 0.0
        assert first["unsupervised_loss"] != second["unsupervised_loss"]

    def test_semi_supervised_dataset(self):
        labelled = fake_images(4, (4, 4, 1))
        unlabelled = fake_images(20, (4, 4, 1), seed=1)
        images, labels = semi_supervised_dataset(
            labelled, [0, 1, 2, 0], unlabelled, seed=0
        )
        assert images.shape == (40, 4, 4, 1)
        assert np.sum(labels == -1) == 20
        assert np.bincount(labels[labels >= 0]).tolist() == [10, 5, 5]
        images, labels = semi_supervised_dataset(
            labelled, [0, 1, 2, 0], unlabelled, labelled_fraction=0.2
        )
        assert np.sum(labels >= 0) == 4
        with pytest.raises(ValueError, match="labelled_fraction"):
            semi_supervised_dataset(labelled, [0, 1, 2, 0], unlabelled, 1.0)
        with pytest.raises(ValueError, match="labels"):
            semi_supervised_dataset(labelled, [0, 1, 2], unlabelled)

    @pytest.mark.parametrize(
        "labels, match",
        [
            (None, "labels"),
            (np.full(8, -1), "no labelled image"),
            (np.array([0, 1, 2, 3, -1, -1, -1, -1]), r"\[0, 3\) or -1"),
            (np.array([0, 1, 2, -2, -1, -1, -1, -1]), r"\[0, 3\) or -1"),
            (np.eye(3)[np.arange(8) % 3], "shape"),
            (np.zeros(7, "int32"), "one label per image"),
            (np.full(8, 0.5), "integer"),
        ],
    )
    def test_bad_labels(self, labels, match):
        model = self.make_model(ganzoo.SGAN, TINY)
        images = fake_images(8, TINY["image_shape"])
        with pytest.raises(ValueError, match=match):
            model.fit(images, labels, batch_size=4, verbose=0)

    def test_bad_arguments(self):
        with pytest.raises(ValueError, match="generator_loss"):
            ganzoo.SGAN(generator_loss="hinge")
        with pytest.raises(ValueError, match="num_classes"):
            ganzoo.SGAN(num_classes=1)
        with pytest.raises(ValueError, match="image_shape"):
            ganzoo.SGAN(image_shape=(30, 30, 1))
        model = ganzoo.SGAN(**TINY)
        with pytest.raises(ValueError, match="images"):
            model.classify(fake_images(2, (32, 32, 1)))
