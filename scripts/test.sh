#!/usr/bin/env bash
# Runs lint, the docs build, then the whole test suite on TensorFlow, JAX and
# PyTorch, each in its own process. Fails if any fails. Extra arguments go to
# pytest. Each backend's report ends with its 15 slowest tests, so that a
# run says where the suite's time goes.
#
# A backend's suite keeps about one core busy (single-threaded compiles,
# Python), so JAX's, the longest, runs beside TensorFlow's then PyTorch's;
# each line of output starts with its backend. GANZOO_TEST_SERIAL=1 runs the
# three one after another instead.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/setup.sh" || exit 1
cd "$root"
py="$root/.venv/bin/python"
export TF_CPP_MIN_LOG_LEVEL=3 PYTHONUNBUFFERED=1
"$py" -m ruff check ganzoo tests examples docs weights bench experiments || exit 1
echo "=== docs (mkdocs build --strict)"
NO_MKDOCS_2_WARNING=1 KERAS_BACKEND="${KERAS_BACKEND:-jax}" \
  "$root/.venv/bin/mkdocs" build --strict --quiet --site-dir "$root/site" || exit 1

status_dir="$(mktemp -d)"
trap 'rm -rf "$status_dir"' EXIT

suite() {
  local backend=$1
  shift
  echo "=== KERAS_BACKEND=$backend"
  KERAS_BACKEND=$backend "$py" -m pytest -q -p no:cacheprovider --durations=15 "$@" 2>&1 \
    | sed -u "s/^/[$backend] /"
  echo "${PIPESTATUS[0]}" >"$status_dir/$backend"
}

if [ "${GANZOO_TEST_SERIAL:-0}" = 1 ]; then
  for backend in tensorflow jax torch; do suite "$backend" "$@"; done
else
  suite jax "$@" &
  { suite tensorflow "$@"; suite torch "$@"; } &
  wait
fi

status=0
for backend in tensorflow jax torch; do
  code="$(cat "$status_dir/$backend" 2>/dev/null || echo 1)"
  if [ "$code" -eq 0 ]; then
    echo "$backend: passed"
  else
    echo "$backend: FAILED (pytest exit $code)"
    status=1
  fi
done
[ $status -eq 0 ] && echo "All three backends passed." || echo "A backend failed."
exit $status
