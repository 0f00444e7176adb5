#!/usr/bin/env bash
# The main job, `ganzoo demo`: trains a DCGAN on the bundled MNIST subset,
# writes a sample grid and the saved model. Backend: $KERAS_BACKEND (default:
# jax).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/setup.sh"
export KERAS_BACKEND="${KERAS_BACKEND:-jax}"
cd "$root"
exec "$root/.venv/bin/python" -m ganzoo.cli demo "$@"
