#!/usr/bin/env python
"""What `import ganzoo` costs beyond `import keras`, on each backend.

For each backend (each in fresh processes, interleaved so that drift in the
machine's load hits both alike), times `import keras` and `import ganzoo`
(which imports keras) `--repeats` times after one untimed import that
fills the file cache, and lists the frameworks each
leaves in `sys.modules`. Prints one markdown table.

    python bench/import_cost.py                  # tensorflow, jax, torch
    python bench/import_cost.py --backends jax --repeats 9
"""

import argparse
import json
import os
import statistics
import subprocess
import sys

FRAMEWORKS = ("tensorflow", "jax", "torch")
PROBE = """
import json, sys, time
start = time.perf_counter()
import {module}
seconds = time.perf_counter() - start
loaded = [name for name in {frameworks!r} if name in sys.modules]
print(json.dumps({{"seconds": seconds, "frameworks": loaded}}))
"""


def probe(module, backend):
    env = dict(os.environ, KERAS_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="3")
    code = PROBE.format(module=module, frameworks=FRAMEWORKS)
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True
    )
    if out.returncode:
        raise RuntimeError(f"import {module} failed on {backend}:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", nargs="+", default=list(FRAMEWORKS))
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    rows = [
        "| backend | import keras (s) | import ganzoo (s) | ganzoo's own (s) "
        "| frameworks after keras | frameworks after ganzoo |",
        "|---|---:|---:|---:|---|---|",
    ]
    for backend in args.backends:
        times = {"keras": [], "ganzoo": []}
        loaded = {}
        probe("ganzoo", backend)  # untimed: fills the file cache
        for _ in range(args.repeats):
            for module in ("keras", "ganzoo"):
                result = probe(module, backend)
                times[module].append(result["seconds"])
                loaded[module] = result["frameworks"]
        keras_s = statistics.median(times["keras"])
        ganzoo_s = statistics.median(times["ganzoo"])
        rows.append(
            f"| {backend} | {keras_s:.2f} | {ganzoo_s:.2f} | {ganzoo_s - keras_s:+.2f} "
            f"| {', '.join(loaded['keras'])} | {', '.join(loaded['ganzoo'])} |"
        )
    print("\n".join(rows))


if __name__ == "__main__":
    main()
