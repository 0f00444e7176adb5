#!/usr/bin/env bash
# The main job, `ganzoo demo`: trains a DCGAN on the bundled MNIST subset,
# writes a sample grid and the saved model. Backend: $KERAS_BACKEND, else
# TensorFlow, the fastest of the three on a CPU (docs/benchmarks.md).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/setup.sh"
if [ -z "${KERAS_BACKEND:-}" ]; then
  export KERAS_BACKEND=tensorflow
  echo "KERAS_BACKEND is not set: using tensorflow, the fastest of the three" \
    "on a CPU here (docs/benchmarks.md). KERAS_BACKEND=jax or torch picks another."
fi
cd "$root"
exec "$root/.venv/bin/python" -m ganzoo.cli demo "$@"
