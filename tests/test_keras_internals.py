"""The private Keras APIs ganzoo relies on, checked on the installed Keras.

`pyproject.toml` bounds Keras below the next minor version because of
these; when a new Keras is allowed, this test says which one moved.
"""

import keras
import pytest

import ganzoo

CHECKED_AGAINST = "3.15"


def _fail(what):
    pytest.fail(
        f"Keras {keras.__version__} no longer has {what}, which ganzoo uses "
        f"(checked against Keras {CHECKED_AGAINST}). Update its use before "
        "raising the Keras bound in pyproject.toml."
    )


def test_installed_keras_is_the_checked_minor_version():
    major_minor = ".".join(keras.__version__.split(".")[:2])
    assert major_minor == CHECKED_AGAINST, (
        f"Keras {keras.__version__} is installed; ganzoo's use of private Keras "
        f"APIs was checked against {CHECKED_AGAINST}.x (see this file)."
    )


def test_private_apis_exist():
    if keras.backend.backend() == "tensorflow":
        from keras.src.backend.tensorflow import trainer

        if not callable(getattr(trainer, "_collective_all_reduce_multi_worker", None)):
            _fail(
                "keras.src.backend.tensorflow.trainer._collective_all_reduce_multi_worker"
            )
        if not callable(
            getattr(trainer.TensorFlowTrainer, "_maybe_symbolic_build", None)
        ):
            _fail("TensorFlowTrainer._maybe_symbolic_build")
    stateless = getattr(keras.src.backend.common, "stateless_scope", None)
    if not callable(getattr(stateless, "get_stateless_scope", None)):
        _fail("keras.src.backend.common.stateless_scope.get_stateless_scope")
    model = ganzoo.DCGAN(image_shape=(28, 28, 1), latent_dim=4, filters=4)
    model.compile()
    if not callable(getattr(model, "_flatten_layers", None)):
        _fail("Layer._flatten_layers")
    dropout = model.discriminator.get_layer("down_0_dropout")
    if not any(g is dropout.seed_generator for g in dropout._seed_generators):
        _fail("Layer._seed_generators holding a layer's SeedGenerator")
    if not hasattr(model.d_optimizer, "_trainable_variables"):
        _fail("Optimizer._trainable_variables")
    variable = model.generator.trainable_variables[0]
    if not hasattr(variable, "_value"):
        _fail("Variable._value")
    scaler = keras.optimizers.LossScaleOptimizer(keras.optimizers.Adam())
    if not hasattr(scaler, "_variables"):
        _fail("LossScaleOptimizer._variables")
    if not hasattr(keras.optimizers, "OptimizerMap"):
        _fail("keras.optimizers.OptimizerMap")
