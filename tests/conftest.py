"""Session set-up shared by every test.

JAX's persistent compilation cache, in a fresh folder per run: many tests
build the same tiny models, and with the cache a step compiled once is
reused by later tests (and by the JAX subprocesses of cross-backend checks)
instead of being compiled again. About a fifth of the JAX suite's time.

XLA's backend optimisation level 0 (LLVM's optimisations off): the suite's
models are tiny and run a few steps, so most of a JAX test's time goes to
compiling, and a CycleGAN test took about 40% less CPU time at level 0.
The tests check what is computed, not how fast. XLA_FLAGS already set are
kept.
"""

import atexit
import os
import shutil
import tempfile

_CACHE = tempfile.mkdtemp(prefix="ganzoo-tests-jax-cache-")
atexit.register(shutil.rmtree, _CACHE, ignore_errors=True)
os.environ["JAX_COMPILATION_CACHE_DIR"] = _CACHE
os.environ["JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS"] = "0"
os.environ["JAX_PERSISTENT_CACHE_MIN_ENTRY_SIZE_BYTES"] = "-1"
os.environ["XLA_FLAGS"] = " ".join(
    filter(None, [os.environ.get("XLA_FLAGS"), "--xla_backend_optimization_level=0"])
)

import keras  # noqa: E402  (after the environment: JAX reads it on import)

if keras.backend.backend() == "jax":
    import jax

    # In case JAX was imported before this file.
    jax.config.update("jax_compilation_cache_dir", _CACHE)
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0)
    jax.config.update("jax_persistent_cache_min_entry_size_bytes", -1)
