"""`BaseGAN`: the `keras.Model` every ganzoo architecture subclasses."""

import dataclasses
import functools
import inspect
import re

import keras
import numpy as np

from ganzoo import augment
from ganzoo import backend
from ganzoo import validation
from ganzoo.backend.common import TOTAL_LOSS
from ganzoo.models.full_batches import EpochOrder
from ganzoo.models.full_batches import full_batches_or_none
from ganzoo.models.optimizers import PlayersOptimizer
from ganzoo.models.optimizers import resolve_optimizer
from ganzoo.models.optimizers import unwrapped
from ganzoo.models.optimizers import with_loss_scaling
from ganzoo.models.seeds import ReplicaSeedGenerator
from ganzoo.presets import PresetMixin


class BaseGAN(PresetMixin, keras.Model):
    """A `keras.Model` whose `fit()` runs adversarial updates on any backend.

    Subclasses build their networks in `__init__`, list the optimizers they
    need in `optimizer_names`, give the papers' defaults in
    `default_optimizer`, and declare their training phases in `phases()`
    (see `ganzoo.models.Phase`). The engine in `ganzoo.backend` runs those
    phases on TensorFlow, JAX or PyTorch; subclasses contain no backend code.
    Subclasses call `finish_build()` at the end of `__init__`, once their
    networks exist, and show the discriminator its inputs through
    `augment(images)`. Every subclass gets `from_preset`, `presets` and
    `save_to_preset`, and the two options below.

    Args:
        seed: Optional int seeding the noise drawn during training.
        ema_decay: Optional float in (0, 1), e.g. 0.999. When given, the
            model keeps an exponential moving average of the generator's
            weights, updated after every generator update
            (`ema = decay * ema + (1 - decay) * weights`; BatchNorm statistics
            are copied), and `generate` samples from the average. Saved with
            the model and in presets. Off by default.
        diffaugment: Optional DiffAugment policy (Zhao et al. 2020), e.g.
            `"color,translation,cutout"`: the same differentiable random
            augmentation is applied to real and generated images before the
            discriminator, in both players' updates. Off by default.
        **kwargs: Passed on to `keras.Model`, e.g. `name`, or `dtype`: a
            dtype policy such as `"mixed_bfloat16"` for the model's networks
            (default: Keras's global policy, `keras.config.dtype_policy()`).
    """

    #: The keyword arguments of `compile`, one per optimizer the model owns.
    optimizer_names = ("d_optimizer", "g_optimizer")

    #: The networks whose weights `ema_decay` averages.
    averaged_networks = ("generator",)

    #: Log names of `batch_checks`: counts of bad values in the batches a
    #: dataset yielded, which `fit` turns into an error after the batch.
    batch_check_names = ()

    #: Whether `fit` requires array inputs scaled to [-1, 1], as images for
    #: every ganzoo architecture are (finite values are always required).
    requires_scaled_inputs = True

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "__init__" in cls.__dict__:
            cls.__init__ = _networks_follow_dtype(cls.__dict__["__init__"])

    def __init__(self, seed=None, ema_decay=None, diffaugment=None, **kwargs):
        super().__init__(**kwargs)
        if ema_decay is not None:  # None: no average
            ema_decay = validation.check_number(
                ema_decay, "ema_decay", 0.0, 1.0, open_low=True, open_high=True
            )
        self.seed = seed
        self.ema_decay = ema_decay
        self.diffaugment = augment.parse_policy(diffaugment)
        self.seed_generator = ReplicaSeedGenerator(seed, name="seed_generator")
        self._log_trackers = {}
        self._compile_options = {}

    def finish_build(self):
        """Called at the end of a subclass's `__init__`: adds the EMA copies.

        Each network named in `averaged_networks` gets a frozen copy,
        `<name>_ema`, starting from its weights.
        """
        if self.ema_decay is not None:
            for name in self.averaged_networks:
                network = getattr(self, name)
                copy = keras.models.clone_model(network)
                copy.set_weights(network.get_weights())
                copy.trainable = False
                setattr(self, f"{name}_ema", copy)
        self.built = True

    def inference_network(self, name="generator"):
        """The network sampling uses: the EMA copy when `ema_decay` is on."""
        if self.ema_decay is not None:
            return getattr(self, f"{name}_ema")
        return getattr(self, name)

    def update_ema(self, names=None):
        """One EMA step of the averaged networks `names` (default: all)."""
        decay = self.ema_decay
        for name in self.averaged_networks if names is None else names:
            source = getattr(self, name).weights
            target = getattr(self, f"{name}_ema").weights
            for weight, average in zip(source, target, strict=True):
                if weight.trainable:
                    average.assign(decay * average + (1.0 - decay) * weight)
                else:
                    average.assign(weight)

    def augment(self, images):
        """DiffAugment of the images the discriminator sees (identity if off)."""
        if not self.diffaugment:
            return images
        return augment.diff_augment(images, self.diffaugment, self.seed_generator)

    # Interface for subclasses ------------------------------------------------

    def phases(self):
        """Returns the ordered list of `Phase`s of one training step."""
        raise NotImplementedError(f"{type(self).__name__} must implement `phases()`.")

    def default_optimizer(self, name):
        """Returns the paper's optimizer for `name` in `optimizer_names`."""
        raise NotImplementedError(
            f"{type(self).__name__} must implement `default_optimizer()`."
        )

    def training_phases(self):
        """`phases()`, with an EMA step after each update of an averaged network.

        A phase updating an averaged network is followed by one EMA step of
        that network only.

        This is what the engine runs.
        """
        phases = self.phases()
        if self.ema_decay is None:
            return phases
        result = []
        for phase in phases:
            updated = {id(v) for v in phase.variables}
            names = tuple(
                name
                for name in self.averaged_networks
                if any(
                    id(v) in updated for v in getattr(self, name).trainable_variables
                )
            )
            if names:
                update = functools.partial(self.update_ema, names)
                phase = dataclasses.replace(
                    phase, after_update=_then(phase.after_update, update)
                )
            result.append(phase)
        return result

    def unpack_batch(self, data):
        """Turns what Keras's trainer yields into the phases' batch.

        The default takes the images (`x`) and checks them against
        `self.image_shape`.
        """
        x, _, _ = keras.utils.unpack_x_y_sample_weight(data)
        return validation.check_images(x, self.image_shape, arg="x")

    def batch_checks(self, data):
        """Counts of bad values in a batch as the trainer yields it, by name.

        Arrays are checked on the host before training (`check_arrays`);
        batches from datasets can only be checked inside the step. Each
        count named in `batch_check_names` is computed here in `keras.ops`,
        averaged into the logs like any value, and `fit` raises as soon as
        one is above zero (`describe_batch_check`). None by default.
        """
        return {}

    def describe_batch_check(self, name):
        """The error `fit` raises when the batch check `name` found values."""
        return f"The training data held values that {name} counts."

    def check_arrays(self, x, y=None):
        """Checks arrays given to `fit` before training starts.

        The default unpacks the first sample; conditional models override it
        to check every label on the host.
        """
        self.unpack_batch(x[:1] if y is None else (x[:1], y[:1]))

    # Compilation -------------------------------------------------------------

    def compile(
        self,
        d_optimizer=None,
        g_optimizer=None,
        *,
        jit_compile="auto",
        steps_per_execution=1,
        run_eagerly=False,
        **unexpected,
    ):
        """Configures the model for training.

        Args:
            d_optimizer: Optimizer of the discriminator: a
                `keras.optimizers.Optimizer`, its name, its config dict, or
                `None` for the paper's default.
            g_optimizer: Optimizer of the generator, likewise.
            jit_compile: As in `keras.Model.compile`. `"auto"` compiles with
                XLA on TensorFlow and `jax.jit` on JAX.
            steps_per_execution: As in `keras.Model.compile`.
            run_eagerly: As in `keras.Model.compile`.
        """
        refuse_keras_compile_arguments(self, unexpected)
        self.compile_optimizers(
            {"d_optimizer": d_optimizer, "g_optimizer": g_optimizer},
            jit_compile=jit_compile,
            steps_per_execution=steps_per_execution,
            run_eagerly=run_eagerly,
        )

    def compile_optimizers(self, optimizers, **compile_kwargs):
        """Resolves and builds the model's optimizers, then compiles.

        Families with other optimizers than `d_optimizer`/`g_optimizer`
        call this from their own `compile`.
        """
        validation.check_positive_int(
            compile_kwargs.get("steps_per_execution", 1), "steps_per_execution"
        )
        unknown = set(optimizers) - set(self.optimizer_names)
        if unknown:
            raise TypeError(
                f"{type(self).__name__}.compile() got unexpected optimizer "
                f"arguments {sorted(unknown)}. Expected: "
                f"{list(self.optimizer_names)}"
            )
        resolved = {
            name: resolve_optimizer(optimizers.get(name), name, self.default_optimizer)
            for name in self.optimizer_names
        }
        seen = {}
        for name, optimizer in resolved.items():
            if id(optimizer) in seen:
                raise ValueError(
                    f"`{seen[id(optimizer)]}` and `{name}` are the same "
                    "optimizer instance; each player needs its own state. "
                    "Pass two optimizers."
                )
            seen[id(optimizer)] = name
        if self.dtype_policy.name == "mixed_float16":
            # float16 gradients underflow without loss scaling: each player
            # scales its own loss (the engine calls `scale_loss`) and skips
            # updates whose gradients overflowed.
            resolved = {
                name: with_loss_scaling(optimizer)
                for name, optimizer in resolved.items()
            }
        for name, optimizer in resolved.items():
            setattr(self, name, optimizer)

        phases = self.phases()
        owned = {}  # optimizer id -> variables it updates, in order
        routes = {}  # escaped variable path -> optimizer
        for phase in phases:
            variables = owned.setdefault(id(phase.optimizer), [])
            for v in phase.variables:
                if all(v is not w for w in variables):
                    variables.append(v)
                routes.setdefault(re.escape(v.path), phase.optimizer)
        for optimizer in resolved.values():
            if id(optimizer) not in owned:
                raise ValueError(
                    f"{type(self).__name__} declares an optimizer that no phase uses."
                )
            optimizer.build(owned[id(optimizer)])
        # One optimizer over all players, so that Keras's trainers (JAX's
        # state threading in particular), checkpoints and saving see the
        # state of every phase's optimizer.
        first = unwrapped(resolved[self.optimizer_names[0]])
        routes = {path: unwrapped(o) for path, o in routes.items()}
        scalers = [
            o
            for o in resolved.values()
            if isinstance(o, keras.optimizers.LossScaleOptimizer)
        ]
        multi = PlayersOptimizer(
            keras.optimizers.OptimizerMap(first, routes), loss_scalers=scalers
        )
        # Loss scaling, where needed, is per player (above), not around `multi`.
        super().compile(optimizer=multi, auto_scale_loss=False, **compile_kwargs)
        multi.build(self.trainable_variables)

        for phase in phases:
            if TOTAL_LOSS in phase.log_names:
                raise ValueError(
                    f"Phase '{phase.name}' declares the log name '{TOTAL_LOSS}', "
                    "which the engine keeps for the sum of every phase's loss. "
                    f"Rename it. Received: log_names={tuple(phase.log_names)}"
                )
        for log_name in (
            (TOTAL_LOSS,)
            + tuple(self.batch_check_names)
            + tuple(name for phase in phases for name in phase.log_names)
        ):
            if log_name not in self._log_trackers:
                self._log_trackers[log_name] = keras.metrics.Mean(name=log_name)
        self._compile_options = dict(compile_kwargs)

    def get_compile_config(self):
        if not self.compiled:
            return None
        config = {
            name: _backend_neutral(
                keras.saving.serialize_keras_object(getattr(self, name))
            )
            for name in self.optimizer_names
        }
        config.update(self._compile_options)
        return config

    def compile_from_config(self, config):
        config = dict(config)
        optimizers = {
            name: keras.saving.deserialize_keras_object(config.pop(name))
            for name in self.optimizer_names
        }
        self.compile_optimizers(optimizers, **config)

    @property
    def log_trackers(self):
        """The `keras.metrics.Mean` of each logged value, by name."""
        return self._log_trackers

    @property
    def metrics(self):
        return list(self._log_trackers.values())

    # Training ----------------------------------------------------------------

    def train_step(self, *args):
        return backend.train_step(self, *args)

    def _maybe_symbolic_build(self, iterator=None, data_batch=None):
        # Keras's TensorFlow trainer builds the model before `fit`; this
        # builds it from each worker's own batch (multi-worker strategies).
        backend.maybe_symbolic_build(self, iterator, data_batch)

    def fit(self, x=None, y=None, **kwargs):
        """Trains the model; takes everything `keras.Model.fit` takes.

        `x` holds the training images (float, in [-1, 1], channels-last):
        a NumPy array or tensor, a `tf.data.Dataset`, a
        `keras.utils.PyDataset` or a torch `DataLoader` whose batches are
        tuples such as `(images,)` (e.g. over a `TensorDataset`).

        Arrays are cut into batches of exactly `batch_size`: where it does
        not divide the number of samples, the epoch's last batch is topped
        up with the first samples of that epoch's order (see
        `ganzoo.models.full_batches.FullBatches`), so the training step is
        compiled once. Each epoch's order follows from the model's `seed`
        (or NumPy's global generator) and the epoch's number, and every
        random state the step uses is saved with the weights, so a run
        resumed by `keras.callbacks.BackupAndRestore` continues exactly as
        the uninterrupted run would have. Datasets are batched as they come: give them
        `drop_remainder=True` (`tf.data`) or `drop_last=True` (torch) for
        the same effect.

        Under a `torch.distributed` process group (`torchrun`), JAX's
        multi-process `keras.distribution` or TensorFlow's
        `MultiWorkerMirroredStrategy` (the model made in its scope), every
        process runs this same call: arrays are split between the processes
        (`batch_size` is each process's share of a step; on TensorFlow, the
        global batch), every process starts from the first one's weights,
        and gradients are averaged (see the guide "Training on several
        devices and machines").
        """
        if not self.compiled:
            raise RuntimeError(
                f"{type(self).__name__} must be compiled before fit(): call "
                "`model.compile()` (the papers' optimizers are the defaults)."
            )
        validation.check_training_data(x, kwargs)
        empty = ValueError("`x` yielded no batches: the dataset is empty.")
        if _known_length(x) == 0:
            raise empty
        if validation.is_array(x):
            validation.check_pixel_values(
                x, arg="x", scaled=self.requires_scaled_inputs
            )
            self.check_arrays(x, y)
        if self.batch_check_names:
            kwargs["callbacks"] = list(kwargs.get("callbacks") or []) + [
                BatchChecks(self.batch_check_names)
            ]
        with backend.distribution_scope(self):
            full_batches = full_batches_or_none(x, y, kwargs, seed=self.seed)
        if full_batches is not None:
            x, y = full_batches, None
            kwargs["callbacks"] = list(kwargs.get("callbacks") or []) + [
                EpochOrder(full_batches)
            ]
        backend.start_fit(self, x)
        try:
            with backend.keep_state_on_error(self):
                history = super().fit(x, y, **kwargs)
        except BaseException as error:
            # The step traced for data that failed is not kept: TensorFlow
            # would retrace it for the next data with shapes relaxed to
            # unknown ranks, which the batch checks cannot read.
            self.train_function = None
            # TensorFlow and JAX trainers stop on an empty first epoch.
            if isinstance(error, ValueError) and "Empty logs" in str(error):
                raise empty from error
            raise
        if history.epoch and not history.history:
            raise empty  # the torch trainer returns empty logs instead
        return history

    def evaluate(self, *args, **kwargs):
        raise NotImplementedError(
            "A GAN has no single evaluation loss; use `ganzoo.metrics` to "
            "measure sample quality."
        )

    # Sampling ----------------------------------------------------------------

    def call(self, inputs, training=False):
        if training:
            return self.generator(inputs, training=True)
        return self.inference_network("generator")(inputs, training=False)

    def export(
        self,
        filepath,
        format="tf_saved_model",
        *,
        direction=None,
        uint8_output=False,
        uint8_input=False,
        test_time_dropout=False,
        tolerance=None,
        verbose=True,
    ):
        """Exports the network sampling uses, checked against this model.

        Writes the generator (the EMA copy when `ema_decay` is on) in
        inference mode as a file that serves without ganzoo or Keras, then
        reloads it with its runtime (`tf.saved_model.load`, onnxruntime,
        the LiteRT interpreter, `torch.export.load`), runs it on the inputs
        this model is run on, and keeps it only if the outputs agree.

        Inputs: generators take what `generate` feeds them: `latent`
        (float32 noise, `(batch, latent_dim)`; InfoGAN's noise, one-hot
        category and continuous codes side by side), or for conditional
        families their named inputs in order (`z` and int32 `labels` for
        CGAN, ConditionalDCGAN and ACGAN; `labels`, `z0`, `z1` for
        StackedGAN). Pix2Pix and CycleGAN take `images` of the source
        domain. The output is images, float32 in [-1, 1] or uint8. The
        batch size is left open.

        Args:
            filepath: Where to write: a folder for `"tf_saved_model"`, a
                file ending `.onnx`, `.tflite` or `.pt2` for the others.
            format: `"tf_saved_model"`, `"onnx"`, `"litert"` or `"torch"`,
                wherever Keras writes it on the active backend (see
                `ganzoo.export.formats.WRITERS`).
            direction: CycleGAN only: `"a_to_b"` (default) or `"b_to_a"`.
            uint8_output: Return uint8 images (0-255) instead of float32
                ones in [-1, 1].
            uint8_input: Pix2Pix and CycleGAN only: take uint8 images
                (0-255) instead of float32 ones in [-1, 1].
            test_time_dropout: Pix2Pix only. `False` (the only value that
                exports) runs the generator deterministically: no dropout,
                BatchNorm with its moving statistics. The paper's test mode
                (`True`) is random on every call, so no export of it could
                be checked.
            tolerance: Largest difference allowed between the export and
                this model (default 1e-4, or 1 grey level for uint8).
            verbose: Print the report.

        Returns:
            A `ganzoo.export.ExportReport` (path, inputs, output, runtime,
            measured difference).

        Example:
            >>> model = ganzoo.DCGAN.from_preset("dcgan_mnist")  # doctest: +SKIP
            >>> model.export("dcgan.onnx", format="onnx")  # doctest: +SKIP
        """
        from ganzoo.export import export_model

        return export_model(
            self,
            filepath,
            format,
            direction=direction,
            uint8_output=uint8_output,
            uint8_input=uint8_input,
            test_time_dropout=test_time_dropout,
            tolerance=tolerance,
            verbose=verbose,
        )

    # Saving ------------------------------------------------------------------

    def random_states(self):
        """The state variable of every seed generator in the model.

        The model's own noise generator and those of its layers (Dropout,
        say), in a fixed order. Keras leaves them out of saved weights; they
        are saved here so that a run resumed from a checkpoint draws the
        noise the uninterrupted run would have.
        """
        states, seen = [], set()
        for layer in self._flatten_layers(include_self=True, recursive=True):
            for generator in getattr(layer, "_seed_generators", ()):
                if id(generator.state) not in seen:
                    seen.add(id(generator.state))
                    states.append(generator.state)
        return states

    def save_own_variables(self, store):
        super().save_own_variables(store)
        for i, state in enumerate(self.random_states()):
            store[f"{_RANDOM_STATE}{i}"] = state

    def load_own_variables(self, store):
        keys = list(store.keys())
        random = [key for key in keys if key.startswith(_RANDOM_STATE)]
        super().load_own_variables(
            {key: store[key] for key in keys if not key.startswith(_RANDOM_STATE)}
        )
        states = self.random_states()
        if len(random) != len(states):
            # Saved before random states were kept, or loaded into a model
            # with other random layers (a preset with `dropout=` overridden,
            # say): the weights load, the random states start afresh.
            return
        for i, state in enumerate(states):
            value = np.asarray(store[f"{_RANDOM_STATE}{i}"])
            state.assign(keras.ops.cast(value, state.dtype))

    def get_config(self):
        config = super().get_config()
        config["seed"] = self.seed
        config["ema_decay"] = self.ema_decay
        config["diffaugment"] = ",".join(self.diffaugment) or None
        return config


#: Key prefix of the seed generators' states in a model's saved variables.
_RANDOM_STATE = "random_state_"


def _networks_follow_dtype(init):
    """Runs a model's `__init__` under the dtype policy its `dtype` names.

    Layers take Keras's global policy when they are made; for the networks a
    model builds in `__init__` to follow `dtype=` (given by the user or by a
    saved model's config), the global policy is set to it meanwhile.
    """

    @functools.wraps(init)
    def wrapped(self, *args, **kwargs):
        dtype = kwargs.get("dtype")
        if dtype is None:
            return init(self, *args, **kwargs)
        previous = keras.config.dtype_policy()
        keras.config.set_dtype_policy(keras.dtype_policies.get(dtype))
        try:
            return init(self, *args, **kwargs)
        finally:
            keras.config.set_dtype_policy(previous)

    # Keras reads the signature to record constructor arguments.
    wrapped.__signature__ = inspect.signature(init)
    return wrapped


class BatchChecks(keras.callbacks.Callback):
    """Turns the step's batch checks into an error after the batch.

    Takes the checks' entries out of the logs (they are not figures to
    show), and raises `ValueError` as soon as one is above zero.
    """

    def __init__(self, names):
        super().__init__()
        self.names = tuple(names)

    def _check(self, logs):
        for name in self.names:
            value = (logs or {}).pop(name, 0.0)
            if value and value > 0:
                raise ValueError(self.model.describe_batch_check(name))

    def on_train_batch_end(self, batch, logs=None):
        self._check(logs)

    def on_epoch_end(self, epoch, logs=None):
        self._check(logs)


def refuse_keras_compile_arguments(model, unexpected):
    """A `TypeError` for `compile(optimizer=..., loss=...)`, the Keras habit.

    A GAN has one optimizer per player and its loss is a constructor
    argument; the message names both.
    """
    if not unexpected:
        return
    name = type(model).__name__
    raise TypeError(
        f"{name}.compile() takes one optimizer per player: "
        f"{', '.join(f'{n}=...' for n in model.optimizer_names)} (each "
        "defaults to the paper's). The loss, where a family offers a choice, "
        f"is a constructor argument: {name}(loss=...). Received unexpected "
        f"arguments: {sorted(unexpected)}"
    )


def _backend_neutral(serialized):
    """An optimizer's serialized config that loads on every backend.

    On some backends Keras's built-in optimizers are backend subclasses
    (PyTorch's Adam lives in `keras.src.backend.torch.optimizers`), and
    their serialized config names that module: loaded on another backend it
    would rebuild a PyTorch optimizer. Such entries, nested ones included
    (a `LossScaleOptimizer`'s inner optimizer), are pointed at the public
    `keras.optimizers`, which gives each backend its own class.
    """
    if isinstance(serialized, dict):
        serialized = {k: _backend_neutral(v) for k, v in serialized.items()}
        module = serialized.get("module")
        if isinstance(module, str) and module.startswith("keras.src.backend."):
            serialized["module"] = "keras.optimizers"
    elif isinstance(serialized, list):
        serialized = [_backend_neutral(v) for v in serialized]
    return serialized


def _then(first, second):
    """A hook running `first` (if any), then `second`."""
    if first is None:
        return second

    def both():
        first()
        second()

    return both


def _known_length(data):
    """Number of samples or batches, where the data source knows it."""
    if validation.is_array(data):
        return data.shape[0]
    try:
        return len(data)
    except TypeError:  # generators, datasets of unknown cardinality
        return None
