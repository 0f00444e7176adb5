"""What the throughput benchmarks share: options, quiet-machine checks, timing.

Each `bench/*_throughput.py` script defines its model's hand-written step
per backend and a `fit()` side; this module runs both the same way:
untimed warm-up, then `--repeats` timed epochs taking turns, each re-run
when other processes used more than `--max-foreign` of the CPUs during it,
and one report with a markdown table row.

On a shared machine, other processes make multi-threaded wall-clock figures
meaningless: on 2 cores a second process took torch's DCGAN from 6.5 to
0.7 steps/s. The harness measures their share of the CPUs during every
epoch (from /proc/stat), waits for quiet, re-runs disturbed epochs and
flags rows it could not measure quietly. `--threads 1 --clock cpu` gives
per-CPU-second figures that such load barely moves.
"""

import json
import os
import platform
import statistics
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
# The repository's `ganzoo`, whether or not it is installed.
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np  # noqa: E402

BACKENDS = ("tensorflow", "jax", "torch")

# How each backend's hand-written side runs, for the table's notes.
HAND_MODES = {
    "jax": "jax.jit (XLA)",
    "tensorflow": "tf.function, XLA",
    "torch": "eager",
}


def add_arguments(parser, *, steps, warmup_steps, deadline):
    """The options every throughput benchmark takes."""
    parser.add_argument(
        "--steps", type=int, default=steps, help="steps per timed epoch"
    )
    parser.add_argument(
        "--warmup-steps", type=int, default=warmup_steps, help="untimed steps first"
    )
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--only",
        choices=("fit", "hand", "both"),
        default="both",
        help="measure only one side (for profiling)",
    )
    parser.add_argument(
        "--row-file",
        help="append this backend's markdown table row to this file",
    )
    parser.add_argument("--json", help="write the full result as JSON here")
    parser.add_argument(
        "--hand-no-xla",
        action="store_true",
        help="tensorflow: hand-written step with jit_compile=False (plain "
        "tf.function graph) instead of XLA, for comparison",
    )
    parser.add_argument(
        "--fit-jit-compile",
        choices=("auto", "true", "false"),
        default="auto",
        help="jit_compile for model.compile() (default: 'auto', the default)",
    )
    parser.add_argument(
        "--quiet-wait",
        type=float,
        default=10,
        help="before each timed epoch, wait up to this many seconds for "
        "other processes to leave the CPUs (< 5%% busy over 1 s); 0 skips",
    )
    parser.add_argument(
        "--max-foreign",
        type=float,
        default=0.10,
        help="run an epoch again when other processes used more than this "
        "share of the CPUs during it",
    )
    parser.add_argument("--retries", type=int, default=2)
    parser.add_argument(
        "--threads",
        type=int,
        default=0,
        help="threads per framework (0: the framework's default); 1 with "
        "--clock cpu gives figures that other processes barely disturb",
    )
    parser.add_argument(
        "--clock",
        choices=("wall", "cpu"),
        default="wall",
        help="steps/s over wall-clock time (default) or over the process's CPU time",
    )
    parser.add_argument(
        "--deadline",
        type=float,
        default=deadline,
        help="seconds after which contended epochs are no longer re-run",
    )


def active_backend():
    """`KERAS_BACKEND` (default tensorflow), checked."""
    backend = os.environ.get("KERAS_BACKEND", "tensorflow")
    if backend not in BACKENDS:
        sys.exit(f"KERAS_BACKEND must be one of {list(BACKENDS)}: got {backend!r}")
    return backend


# --------------------------------------------------------------------------
# Other processes' load.
# --------------------------------------------------------------------------


def _system_busy_s():
    """Seconds of CPU time all processes have used (from /proc/stat)."""
    try:
        with open("/proc/stat") as f:
            fields = [int(v) for v in f.readline().split()[1:]]
    except OSError:
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def _own_cpu_s():
    t = os.times()
    return t.user + t.system


class ForeignLoad:
    """Share of the machine's CPUs that other processes used in a window."""

    def __enter__(self):
        self._t, self._sys, self._own = (
            time.perf_counter(),
            _system_busy_s(),
            _own_cpu_s(),
        )
        return self

    def __exit__(self, *exc):
        wall = time.perf_counter() - self._t
        sys_now = _system_busy_s()
        if sys_now is None or self._sys is None:
            self.share = float("nan")
            return
        foreign = (sys_now - self._sys) - (_own_cpu_s() - self._own)
        self.share = max(0.0, foreign) / (wall * os.cpu_count())


def wait_for_quiet(limit_s):
    deadline = time.perf_counter() + limit_s
    while True:
        with ForeignLoad() as load:
            time.sleep(1.0)
        if load.share < 0.05 or time.perf_counter() > deadline:
            return load.share


# --------------------------------------------------------------------------
# Frameworks.
# --------------------------------------------------------------------------


#: What the profiling scripts time by: the process's CPU time or the wall clock.
CLOCKS = {"cpu": time.process_time, "wall": time.perf_counter}


def best_ms(run, *, number, repeats, clock, warmup=1, wait=lambda out: out):
    """Fastest mean of `number` calls of `run()` over `repeats` rounds, in ms.

    `warmup` untimed calls come first (compilation, allocator); `wait(out)`
    blocks until a call's result is ready (`jax.block_until_ready`).
    """
    for _ in range(warmup):
        wait(run())
    times = []
    for _ in range(repeats):
        t0 = clock()
        for _ in range(number):
            out = run()
        wait(out)
        times.append((clock() - t0) / number)
    return 1000 * min(times)


def limit_threads(backend, threads):
    """Caps the framework's CPU threads; call before it runs anything."""
    if backend == "jax":
        os.environ["XLA_FLAGS"] = (
            os.environ.get("XLA_FLAGS", "")
            + f" --xla_cpu_multi_thread_eigen={'false' if threads == 1 else 'true'}"
            + f" intra_op_parallelism_threads={threads}"
        )
    elif backend == "tensorflow":
        import tensorflow as tf

        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(threads)
    elif backend == "torch":
        import torch

        torch.set_num_threads(threads)
        torch.set_num_interop_threads(threads)


def versions(backend):
    import keras

    out = {"python": platform.python_version(), "keras": keras.__version__}
    if backend == "jax":
        import jax

        out["jax"] = jax.__version__
    elif backend == "tensorflow":
        import tensorflow as tf

        out["tensorflow"] = tf.__version__
    elif backend == "torch":
        import torch

        out["torch"] = torch.__version__
    out["numpy"] = np.__version__
    return out


def fmt_params(p):
    return f"{p[0]:,} + {p[1]:,}"


def epoch_timer():
    """A Keras callback recording (wall, process CPU) seconds of each epoch.

    It hooks no batch, so `fit()`'s asynchronous dispatch (JAX) stays
    undisturbed. By `on_epoch_end` Keras has turned the epoch's logs into
    Python floats, which waits for the last step.
    """
    import keras

    class EpochTimer(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.seconds = []

        def on_epoch_begin(self, epoch, logs=None):
            self._start = (time.perf_counter(), time.process_time())

        def on_epoch_end(self, epoch, logs=None):
            self.seconds.append(
                (
                    time.perf_counter() - self._start[0],
                    time.process_time() - self._start[1],
                )
            )

    return EpochTimer()


def compile_fit_model(model, jit_compile):
    """`model.compile()` with the default or the `--fit-jit-compile` choice."""
    if jit_compile == "auto":
        model.compile()  # the default: jit_compile="auto"
    else:
        model.compile(jit_compile=jit_compile == "true")


def timed_hand_epoch(run_hand, batches):
    """Runs a hand-written epoch: (wall, process CPU) seconds and its losses."""
    t0, c0 = time.perf_counter(), time.process_time()
    losses = run_hand(batches)
    return (time.perf_counter() - t0, time.process_time() - c0), losses


# --------------------------------------------------------------------------
# Timing and the report.
# --------------------------------------------------------------------------


def new_result(args, backend, **fields):
    """The result record every benchmark starts from."""
    return {
        "backend": backend,
        "steps_per_epoch": args.steps,
        "warmup_steps": args.warmup_steps,
        "repeats": args.repeats,
        "nproc": os.cpu_count(),
        "threads": args.threads or "default",
        "clock": args.clock,
        **fields,
        "loadavg_before": os.getloadavg(),
        "_start": time.perf_counter(),
    }


def measure(args, sides, result):
    """Times `--repeats` epochs of each side, taking turns; fills `result`.

    `sides` maps "hand"/"fit" to a function running one timed epoch and
    returning its (wall, process CPU) seconds. An epoch during which other
    processes used more than `--max-foreign` of the CPUs is run again (at
    most `--retries` times, and not after `--deadline` seconds); the least
    disturbed attempt counts. Steps/s is `--steps / seconds`; the median of
    the repeats is reported, and the ratio is median(fit) / median(hand).
    """
    start = result.pop("_start")
    attempts = {name: [] for name in sides}
    accepted = {name: [] for name in sides}
    for _ in range(args.repeats):
        for name, run_epoch in sides.items():
            tries = []
            for _ in range(1 + args.retries):
                if args.quiet_wait:
                    wait_for_quiet(args.quiet_wait)
                with ForeignLoad() as load:
                    wall, cpu = run_epoch()
                seconds = wall if args.clock == "wall" else cpu
                tries.append((args.steps / seconds, load.share))
                if load.share <= args.max_foreign:
                    break
                if time.perf_counter() - start > args.deadline:
                    break
            attempts[name].extend(tries)
            accepted[name].append(min(tries, key=lambda t: t[1]))

    result["loadavg_after"] = os.getloadavg()
    result["total_s"] = time.perf_counter() - start
    result["versions"] = versions(result["backend"])
    for name in sides:
        rates = [rate for rate, _ in accepted[name]]
        result[name + "_steps_per_s"] = rates
        result[name + "_median"] = statistics.median(rates)
        result[name + "_foreign_cpu_share"] = [share for _, share in accepted[name]]
        result[name + "_attempts"] = attempts[name]
    if len(sides) == 2:
        result["ratio"] = result["fit_median"] / result["hand_median"]
    result["contended"] = [
        name
        for name in sides
        if max(result[name + "_foreign_cpu_share"]) > args.max_foreign
    ]
    return result


def report(args, result, *, label, digits=2, per_step=None, params_note=""):
    """Prints the run's figures and its markdown table row.

    Args:
        label: What the row measured, first in its notes.
        digits: Decimals of the steps/s figures.
        per_step: Optional (GFLOP per step, description): adds GFLOP/s.
        params_note: What the parameter counts include, e.g. "(trainable +
            non-trainable)".
    """
    backend = result["backend"]
    sides = [name for name in ("fit", "hand") if name + "_median" in result]

    def show(name):
        if name not in sides:
            return "-"
        return f"{result[name + '_median']:.{digits}f}"

    ratio = f"{result['ratio']:.2f}" if "ratio" in result else "-"
    print(f"backend: {backend}  {result['versions']}")
    if per_step:
        print(f"per step: {per_step[0]:.1f} GFLOP (estimate); {per_step[1]}")
    for name in sides:
        runs = ", ".join(f"{r:.{digits}f}" for r in result[name + "_steps_per_s"])
        busy = ", ".join(f"{v:.0%}" for v in result[name + "_foreign_cpu_share"])
        options = {
            key: result[f"{name}_{key}"]
            for key in ("jit_compile", "torch_threads", "same_weight_shapes")
            if f"{name}_{key}" in result
        }
        rate = ""
        if per_step:
            gflops = result[name + "_median"] * per_step[0]
            result[name + "_gflops_per_s"] = gflops
            rate = f"~{gflops:.0f} GFLOP/s; "
        print(
            f"{name:4s}: params {fmt_params(result[name + '_params'])} "
            f"{params_note} {options}"
        )
        print(
            f"      steps/s median {show(name)} ({rate}epochs: {runs}; other "
            f"processes' CPU share: {busy}; {len(result[name + '_attempts'])} "
            f"epochs run; warm-up {result[name + '_warmup_s']:.1f} s)"
        )
    losses = {k: v for k, v in result.items() if k.endswith(("_losses", "_logs"))}
    print(f"losses (a sanity check that both sides train): {losses}")
    print(f"ratio fit/hand: {ratio}")
    print(
        f"load average before/after: {result['loadavg_before']} / "
        f"{result['loadavg_after']}; total {result['total_s']:.0f} s"
    )
    contended = result["contended"]
    if contended:
        print(
            f"WARNING: other processes used more than {args.max_foreign:.0%} "
            f"of the CPUs during some accepted {'/'.join(contended)} epochs"
        )

    if len(sides) == 2:
        params_cell = fmt_params(result["fit_params"])
        if tuple(result["fit_params"]) != tuple(result["hand_params"]):
            params_cell += f" (MISMATCH: hand {fmt_params(result['hand_params'])})"
    else:
        params_cell = fmt_params(result[sides[0] + "_params"])
    if not result.get("fit_same_weight_shapes", True):
        params_cell += " (MISMATCH: weight shapes)"
    hand_mode = HAND_MODES[backend]
    if backend == "tensorflow" and not result.get("hand_jit_compile", True):
        hand_mode = "tf.function graph, no XLA"
    notes = (
        f"{label}; fit: jit_compile={result.get('fit_jit_compile', '-')}; "
        f"hand: {hand_mode}"
    )
    if args.threads:
        notes += f"; {args.threads} thread(s)"
    if args.clock == "cpu":
        notes += "; steps per CPU-second"
    if contended:
        notes += "; CONTENDED"
    row = (
        f"| {backend} | {params_cell} | {show('fit')} | {show('hand')} | "
        f"{ratio} | {notes} |"
    )
    print(row)
    if args.row_file:
        with open(args.row_file, "a") as f:
            f.write(row + "\n")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=1, default=str)
