#!/usr/bin/env bash
# Runs lint, the docs build, then the whole test suite on TensorFlow, JAX and
# PyTorch, each in its own process. Fails if any fails. Extra arguments go to pytest.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/setup.sh" || exit 1
cd "$root"
py="$root/.venv/bin/python"
export TF_CPP_MIN_LOG_LEVEL=3
"$py" -m ruff check ganzoo tests examples docs weights || exit 1
echo "=== docs (mkdocs build --strict)"
NO_MKDOCS_2_WARNING=1 KERAS_BACKEND="${KERAS_BACKEND:-jax}" \
  "$root/.venv/bin/mkdocs" build --strict --quiet --site-dir "$root/site" || exit 1
status=0
for backend in tensorflow jax torch; do
  echo "=== KERAS_BACKEND=$backend"
  KERAS_BACKEND=$backend "$py" -m pytest -q -p no:cacheprovider "$@" || status=1
done
[ $status -eq 0 ] && echo "All three backends passed." || echo "A backend failed."
exit $status
