"""The shared test base class every model family's tests build on.

Needs only pytest, NumPy and Keras, so it runs on any backend without
TensorFlow. Each `run_*` method checks one contract of `BaseGAN` on the
active backend.
"""

import atexit
import contextlib
import json
import os
import queue
import subprocess
import sys
import tempfile
import threading

import keras
import numpy as np

BACKENDS = ("jax", "tensorflow", "torch")
# The backend each suite checks its saved files and results against. The
# suite runs once per backend, so this cycle makes every backend both a
# saver and a loader; GANZOO_TEST_ALL=1 checks all six directions.
_NEXT_BACKEND = {"jax": "tensorflow", "tensorflow": "torch", "torch": "jax"}


def _test_all():
    return os.environ.get("GANZOO_TEST_ALL") == "1"


def other_backends():
    """The backends a cross-backend check of this suite runs on."""
    here = keras.backend.backend()
    if _test_all():
        return [b for b in BACKENDS if b != here]
    return [_NEXT_BACKEND[here]]


def runs_on_this_backend(index):
    """Whether this suite runs the `index`-th of checks shared out by backend.

    For slow checks where one backend per full run (the suite runs once per
    backend) is enough: check `i` runs on `BACKENDS[i % 3]` only, so every
    check runs once per full run. GANZOO_TEST_ALL=1 runs all on every backend.
    """
    return _test_all() or BACKENDS[index % len(BACKENDS)] == keras.backend.backend()


def snapshot(variables):
    return {id(v): np.array(keras.ops.convert_to_numpy(v.value)) for v in variables}


def changed(before, variables):
    return [
        v
        for v in variables
        if not np.array_equal(before[id(v)], keras.ops.convert_to_numpy(v.value))
    ]


def model_state(model):
    """Every variable whose value the next training step depends on.

    The model's variables, its random states and its optimizers' slots and
    counters, each once.
    """
    variables, seen = [], set()
    optimizers = [model.optimizer] + [getattr(model, n) for n in model.optimizer_names]
    for v in (
        list(model.variables)
        + model.random_states()
        + [v for optimizer in optimizers for v in optimizer.variables]
    ):
        if id(v) not in seen:
            seen.add(id(v))
            variables.append(v)
    return variables


def restore(variables, values):
    """Assigns each variable its value in `values`, a `snapshot`."""
    for v in variables:
        v.assign(values[id(v)])


def num_images(x):
    """How many images `x` (an array, or a tuple of arrays) holds."""
    while isinstance(x, (tuple, list)):
        x = x[0]
    return len(x)


def first(data, count):
    """The first `count` items of an array, a tuple of arrays, or None."""
    if data is None:
        return None
    if isinstance(data, (tuple, list)):
        return type(data)(first(item, count) for item in data)
    return data[:count]


def generated(model):
    """What the checks compare by default: four images from seed 3."""
    return {"images": model.generate(4, seed=3)}


def assert_same_samples(got, expected, atol, err_msg=""):
    """Two samplers' outputs (dicts of arrays) agree, output by output."""
    assert set(got) == set(expected), err_msg
    for key, value in expected.items():
        np.testing.assert_allclose(
            np.asarray(got[key], "float32"),
            value,
            atol=atol,
            err_msg=f"{err_msg} {key}".strip(),
        )


@contextlib.contextmanager
def dtype_policy(name):
    """Sets Keras's global dtype policy for the block, then restores it."""
    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy(name)
    try:
        yield
    finally:
        keras.config.set_dtype_policy(previous)


def fake_images(num_images, image_shape, seed=0):
    """Smooth random images in [-1, 1]."""
    rng = np.random.default_rng(seed)
    return np.tanh(rng.normal(size=(num_images,) + tuple(image_shape))).astype(
        "float32"
    )


class GANTestCase:
    """Mix into a pytest class; call the `run_*` methods from its tests."""

    def make_model(self, cls, init_kwargs):
        model = cls(**init_kwargs)
        model.compile()
        return model

    def run_output_shape_test(self, cls, init_kwargs, num_images=3):
        model = cls(**init_kwargs)
        images = model.generate(num_images, seed=0)
        assert images.shape == (num_images,) + tuple(model.image_shape)
        assert images.dtype == np.float32
        assert np.all(np.isfinite(images))
        assert images.min() >= -1.0 and images.max() <= 1.0
        np.testing.assert_array_equal(images, model.generate(num_images, seed=0))
        assert not np.array_equal(images, model.generate(num_images, seed=1))
        return model

    def run_fit_test(
        self,
        cls,
        init_kwargs,
        train_data,
        batch_size,
        fit_kwargs=None,
        may_stay=(),
        y=None,
        draws_noise=True,
    ):
        """One epoch moves every phase's variables, and nothing it should not.

        `train_data` and `y` are what `fit` takes as `x` and `y`. `may_stay`
        names variable paths whose gradient is legitimately zero at
        initialisation. `draws_noise`: whether the step draws from the
        model's own seed generator (if not, its state must stay). Returns
        the trained model.
        """
        fit_kwargs = dict(fit_kwargs or {})
        if y is not None:
            fit_kwargs["y"] = y
        model = self.make_model(cls, init_kwargs)
        phases = model.phases()
        trained = [
            v for phase in phases for v in phase.variables if v.path not in may_stay
        ]
        trained_ids = {id(v) for v in trained}
        untouched = [
            v
            for v in model.trainable_variables
            if id(v) not in trained_ids and v.path not in may_stay
        ]
        before = snapshot(model.variables)
        num_steps = -(-num_images(train_data) // batch_size)

        history = model.fit(
            train_data, batch_size=batch_size, epochs=1, verbose=0, **fit_kwargs
        )

        stuck = changed(before, trained)
        stuck_ids = {id(v) for v in stuck}
        not_moved = [v.path for v in trained if id(v) not in stuck_ids]
        assert not not_moved, f"variables no phase moved: {not_moved}"
        assert not changed(before, untouched), "a variable of no phase moved"
        moving_stats = [
            v
            for v in model.non_trainable_variables
            if "moving_mean" in v.path or "moving_variance" in v.path
        ]
        moved_ids = {id(v) for v in changed(before, moving_stats)}
        frozen_stats = [v.path for v in moving_stats if id(v) not in moved_ids]
        assert not frozen_stats, f"BatchNorm statistics did not move: {frozen_stats}"
        noise_moved = bool(changed(before, [model.seed_generator.state]))
        assert noise_moved == draws_noise, "the model's seed generator"

        self.check_iterations(model, num_steps)
        for name, values in history.history.items():
            assert np.all(np.isfinite(values)), f"{name} is not finite: {values}"
        expected_logs = {"loss"} | {n for phase in phases for n in phase.log_names}
        assert set(history.history) == expected_logs

        before = snapshot(trained)
        model.fit(train_data, batch_size=batch_size, epochs=1, verbose=0, **fit_kwargs)
        assert len(changed(before, trained)) == len(trained)
        self.check_iterations(model, 2 * num_steps)
        return model

    def run_batches_matter_test(self, model, batch, other_batch, may_stay=()):
        """A step's result depends on its batch, and on nothing else.

        `batch` and `other_batch` are `(x, y)` pairs of one batch each (`y`
        may be None). From the same state (weights, random states,
        optimizer slots), one step on `batch` twice gives the same weights,
        to float rounding, and one step on `other_batch` moves every phase's
        variables elsewhere. "To float rounding": TensorFlow's CPU kernels
        (oneDNN's) may sum in another order from one run to the next, and a
        few Adam steps on a second-order penalty carry that up to about 1e-6
        per weight (1.1e-3 of the other batch's distance, summed, once on a
        loaded machine); so each phase's summed distance between the two runs
        must stay under a hundredth of the distance that the other batch
        makes. Where there
        are labels or targets, one step on `batch`'s images with
        `other_batch`'s labels or targets moves some variable elsewhere (not
        every phase uses them: StackedGAN's image discriminator does not).
        A step that ignored its batch, or the labels or targets in it, would
        fail. The model is left as after the last step.
        """
        state = model_state(model)
        start = snapshot(state)
        phases = model.phases()
        trained = [
            v for phase in phases for v in phase.variables if v.path not in may_stay
        ]

        def step(x, y):
            restore(state, start)
            model.fit(
                x, y, batch_size=num_images(x), epochs=1, shuffle=False, verbose=0
            )
            return snapshot(trained)

        def difference(other, variables):
            return max(
                float(np.abs(other[id(v)] - first_run[id(v)]).max())
                for v in variables
                if v.path not in may_stay
            )

        def distance(other, variables):
            return sum(
                float(np.abs(other[id(v)] - first_run[id(v)]).sum())
                for v in variables
                if v.path not in may_stay
            )

        first_run = step(*batch)
        again = step(*batch)
        other = step(*other_batch)
        for phase in phases:
            assert difference(other, phase.variables) > 1e-6, (
                f"phase '{phase.name}' ends where it did on another batch"
            )
            moved, drift = (distance(run, phase.variables) for run in (other, again))
            # A step that ignored its batch would drift as far as it moves.
            assert drift <= 1e-2 * moved, (
                f"phase '{phase.name}': the same batch twice ends {drift:.3g} "
                f"apart (summed over its weights), another batch {moved:.3g}"
            )
        if batch[1] is not None:
            other_y = step(batch[0], other_batch[1])
            assert difference(other_y, trained) > 1e-6, (
                "the step ends where it did with other labels or targets"
            )

    def check_iterations(self, model, num_steps):
        updates = {}
        for phase in model.phases():
            key = id(phase.optimizer)
            updates[key] = updates.get(key, 0) + phase.repeat * num_steps
        for name in model.optimizer_names:
            optimizer = getattr(model, name)
            got = int(keras.ops.convert_to_numpy(optimizer.iterations))
            assert got == updates[id(optimizer)], (
                f"{name}.iterations is {got}, expected {updates[id(optimizer)]}"
            )
        assert int(keras.ops.convert_to_numpy(model.optimizer.iterations)) == num_steps

    def run_saving_test(
        self,
        model,
        tmp_path,
        train_data,
        batch_size,
        may_stay=(),
        y=None,
        sample=generated,
    ):
        """`.keras` round trip keeps weights and optimizer state; fit goes on.

        `sample(model)` gives the outputs (a dict of arrays) that must agree.
        The loaded model trains one step on the first batch of
        `train_data` (and `y`); returns it.
        """
        path = os.path.join(tmp_path, "model.keras")
        model.save(path)
        loaded = keras.saving.load_model(path)
        assert type(loaded) is type(model)
        assert loaded.get_config() == model.get_config()
        assert_same_samples(sample(loaded), sample(model), atol=1e-6)
        for name in model.optimizer_names:
            ours, theirs = getattr(model, name), getattr(loaded, name)
            assert type(theirs) is type(ours)
            for a, b in zip(ours.variables, theirs.variables, strict=True):
                np.testing.assert_allclose(
                    keras.ops.convert_to_numpy(a.value),
                    keras.ops.convert_to_numpy(b.value),
                )
        for a, b in zip(
            model.optimizer.variables, loaded.optimizer.variables, strict=True
        ):
            np.testing.assert_array_equal(
                keras.ops.convert_to_numpy(a.value),
                keras.ops.convert_to_numpy(b.value),
            )
        trained = [
            v
            for phase in loaded.phases()
            for v in phase.variables
            if v.path not in may_stay
        ]
        before = snapshot(trained)
        steps = int(keras.ops.convert_to_numpy(model.optimizer.iterations))
        loaded.fit(
            first(train_data, batch_size),
            first(y, batch_size),
            batch_size=batch_size,
            epochs=1,
            verbose=0,
        )
        assert len(changed(before, trained)) == len(trained)
        self.check_iterations(loaded, steps + 1)
        return loaded

    def run_preset_test(self, model, tmp_path, other_backends=True, sample=generated):
        """`save_to_preset`/`from_preset` round trip, here and on the others."""
        folder = model.save_to_preset(os.path.join(tmp_path, "preset"))
        loaded = type(model).from_preset(folder)
        assert type(loaded) is type(model)
        assert loaded.get_config() == model.get_config()
        assert_same_samples(sample(loaded), sample(model), atol=1e-6)
        if other_backends:
            self.run_cross_backend_test(model, tmp_path, path=folder)
        return loaded

    def run_cross_backend_test(
        self, model, tmp_path, seed=5, num_images=4, path=None, family=None
    ):
        """A `.keras` file (or preset `path`) saved here loads on another backend.

        With `family`, a name in `tests.models.families.FAMILIES`: the model
        is saved both as a preset and as a `.keras` file, and a process on
        each other backend loads both: the preset's model must give the
        family's samples of this one, and the `.keras` file's model hold
        the same weights as the preset's.
        """
        if family is not None:
            self._cross_backend_family_test(model, tmp_path, family)
            return
        if path is None:
            path = os.path.join(tmp_path, "model.keras")
            model.save(path)
        expected = model.generate(num_images, seed=seed)
        for other in other_backends():
            images = load_and_generate_in(other, path, num_images, seed)
            np.testing.assert_allclose(images, expected, atol=1e-5, err_msg=other)

    def _cross_backend_family_test(self, model, tmp_path, family):
        from tests.models.families import FAMILIES

        path = os.path.join(tmp_path, "other_backends.keras")
        model.save(path)
        folder = model.save_to_preset(os.path.join(tmp_path, "other_preset"))
        expected = FAMILIES[family].sample(model)
        for other in other_backends():
            result = run_in_backend(other, _LOAD_AND_SAMPLE, family, folder, path)
            assert_same_samples(result["sample"], expected, atol=1e-5, err_msg=other)
            assert result["keras_file_differs"] == [], other

    def run_cross_backend_training_test(
        self, model, tmp_path, x, y=None, batch_size=8, may_stay=(), backends=None
    ):
        """A compiled `.keras` file saved here trains on after loading elsewhere.

        On each other backend (default: `other_backends()`) the loaded model
        must have this model's optimizer iterations and slot values, and one
        epoch of `fit` must move every phase's variables.
        """
        path = os.path.join(tmp_path, "trained.keras")
        model.save(path)
        data = os.path.join(tmp_path, "data.npz")
        np.savez(data, x=x, **({} if y is None else {"y": y}))
        expected = optimizer_state(model)
        for other in backends or other_backends():
            result = run_in_backend(
                other, _LOAD_AND_TRAIN, path, data, batch_size, json.dumps(may_stay)
            )
            assert result["state"].keys() == expected.keys(), other
            for name, (iterations, slots) in expected.items():
                got_iterations, got_slots = result["state"][name]
                assert got_iterations == iterations, (other, name)
                np.testing.assert_allclose(
                    got_slots, slots, rtol=1e-5, atol=1e-7, err_msg=f"{other} {name}"
                )
            assert not result["not_moved"], (other, result["not_moved"])


def optimizer_state(model):
    """Each player's optimizer: its iterations and the sum |x| of each slot."""
    return {
        name: (
            int(keras.ops.convert_to_numpy(getattr(model, name).iterations)),
            [
                float(np.abs(keras.ops.convert_to_numpy(v.value)).sum())
                for v in getattr(model, name).variables
            ],
        )
        for name in model.optimizer_names
    }


_LOAD_AND_TRAIN = """
import json, sys
import keras, numpy as np
import ganzoo
from tests.testing import changed, optimizer_state, snapshot
model = keras.saving.load_model(sys.argv[1])
state = optimizer_state(model)
data = np.load(sys.argv[2])
may_stay = set(json.loads(sys.argv[4]))
trained = [
    v for phase in model.phases() for v in phase.variables if v.path not in may_stay
]
before = snapshot(trained)
y = data["y"] if "y" in data.files else None
model.fit(data["x"], y, batch_size=int(sys.argv[3]), epochs=1, verbose=0)
moved = {id(v) for v in changed(before, trained)}
not_moved = [v.path for v in trained if id(v) not in moved]
print(json.dumps({"state": state, "not_moved": not_moved}))
"""


_LOAD_AND_SAMPLE = """
import json, sys
import keras, numpy as np, ganzoo
from tests.models.families import FAMILIES
family = FAMILIES[sys.argv[1]]
model = ganzoo.from_preset(sys.argv[2])
loaded = keras.saving.load_model(sys.argv[3])
assert type(model) is family.cls and type(loaded) is family.cls
ours, theirs = model.weights, loaded.weights
assert len(ours) == len(theirs), (len(ours), len(theirs))
differs = [
    a.path
    for a, b in zip(ours, theirs)
    if not np.array_equal(keras.ops.convert_to_numpy(a), keras.ops.convert_to_numpy(b))
]
sample = {k: v.tolist() for k, v in family.sample(model).items()}
print(json.dumps({"sample": sample, "keras_file_differs": differs}))
"""


_LOAD_AND_GENERATE = """
import json, sys
import keras, ganzoo
path = sys.argv[1]
if path.endswith(".keras"):
    model = keras.saving.load_model(path)
else:
    model = ganzoo.from_preset(path)
images = model.generate(int(sys.argv[2]), seed=int(sys.argv[3]))
print(json.dumps(images.tolist()))
"""


# A worker process per backend runs the cross-backend checks one after
# another: starting Python with a backend and ganzoo takes several seconds
# (TensorFlow's the longest), more than most checks themselves, and a suite
# makes a few dozen of them. Each check's script runs in its own namespace
# with its own `sys.argv`, and Keras's session is cleared after it.
_WORKER = r"""
import contextlib, io, json, os, sys, traceback
import keras
replies = os.fdopen(os.dup(1), "w")
os.dup2(2, 1)  # anything else printed, from Python or C, goes to stderr
sys.stdout = sys.stderr
for line in sys.stdin:
    request = json.loads(line)
    sys.argv = ["-c", *request["args"]]
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            code = compile(request["script"], "<check>", "exec")
            exec(code, {"__name__": "__main__"})
        reply = {"stdout": out.getvalue()}
    except BaseException:
        reply = {"error": out.getvalue()[-2000:] + traceback.format_exc()}
    keras.utils.clear_session()
    replies.write(json.dumps(reply) + "\n")
    replies.flush()
"""

_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_TIMEOUT = 300


def _environment(backend):
    env = dict(os.environ, KERAS_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="3")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [_ROOT, env.get("PYTHONPATH")]))
    return env


class _Worker:
    """A Python process on one backend that runs scripts sent to it."""

    def __init__(self, backend):
        self.stderr = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            [sys.executable, "-c", _WORKER],
            env=_environment(backend),
            cwd=_ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.stderr,
            text=True,
        )
        self.replies = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.process.stdout:
            self.replies.put(line)
        self.replies.put(None)

    def stderr_tail(self):
        self.stderr.seek(0)
        return self.stderr.read()[-3000:].decode(errors="replace")

    def run(self, script, args):
        """The script's stdout; None if the process died or timed out."""
        request = {"script": script, "args": [str(a) for a in args]}
        try:
            self.process.stdin.write(json.dumps(request) + "\n")
            self.process.stdin.flush()
            line = self.replies.get(timeout=_TIMEOUT)
        except (OSError, queue.Empty):
            line = None
        if line is None:
            self.close()
            return None
        reply = json.loads(line)
        assert "error" in reply or "stdout" in reply, reply
        assert "error" not in reply, reply.get("error")
        return reply["stdout"]

    def close(self):
        with contextlib.suppress(OSError):
            self.process.stdin.close()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


_WORKERS = {}


@atexit.register
def _close_workers():
    while _WORKERS:
        _WORKERS.popitem()[1].close()


def run_in_backend(backend, script, *args, fresh=False):
    """Runs `script` in a process on `backend`; its last line as JSON.

    The process runs from the repository root, so `tests` is importable. By
    default it is this backend's worker (see `_WORKER`), which runs the
    checks of the whole suite one after another; `fresh=True` starts a
    process for this script alone, for scripts that configure the framework
    before it starts or need a process no other check has run in.
    """
    if fresh:
        result = subprocess.run(
            [sys.executable, "-c", script, *map(str, args)],
            env=_environment(backend),
            cwd=_ROOT,
            capture_output=True,
            text=True,
            timeout=_TIMEOUT,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        stdout = result.stdout
    else:
        if backend not in _WORKERS:
            _WORKERS[backend] = _Worker(backend)
        worker = _WORKERS[backend]
        stdout = worker.run(script, args)
        if stdout is None:
            del _WORKERS[backend]
            raise AssertionError(
                f"the {backend} worker died or took over {_TIMEOUT} s:\n"
                + worker.stderr_tail()
            )
    return json.loads(stdout.strip().splitlines()[-1])


def load_and_generate_in(backend, path, num_images, seed):
    """Loads a `.keras` file or preset in a process on `backend`, samples."""
    images = run_in_backend(backend, _LOAD_AND_GENERATE, path, num_images, seed)
    return np.array(images, "float32")
