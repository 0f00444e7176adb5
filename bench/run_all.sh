#!/usr/bin/env bash
# DCGAN training throughput on every backend: fit() against a hand-written loop.
#
# Runs bench/dcgan_throughput.py once per backend, each in its own process,
# with the repository's virtualenv (.venv/bin/python) when there is one, and
# prints one markdown table on stdout; each run's full report goes to stderr.
#
#   bench/run_all.sh                      # tensorflow, jax, torch
#   BACKENDS="jax torch" bench/run_all.sh --steps 40
#   BENCH_JSON_DIR=/tmp/bench bench/run_all.sh   # also keep each run's JSON
#
# Arguments are passed on to bench/dcgan_throughput.py (see its --help).
set -uo pipefail

cd "$(dirname "$0")/.."
if [ -x .venv/bin/python ]; then
  PY=.venv/bin/python
else
  PY=python
fi
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-2}"

rows="$(mktemp)"
trap 'rm -f "$rows"' EXIT

for backend in ${BACKENDS:-tensorflow jax torch}; do
  echo "== KERAS_BACKEND=$backend $PY bench/dcgan_throughput.py $*" >&2
  json=()
  if [ -n "${BENCH_JSON_DIR:-}" ]; then
    mkdir -p "$BENCH_JSON_DIR"
    json=(--json "$BENCH_JSON_DIR/$backend.json")
  fi
  KERAS_BACKEND="$backend" "$PY" bench/dcgan_throughput.py \
    --row-file "$rows" "${json[@]}" "$@" >&2
  status=$?
  if [ "$status" -ne 0 ]; then
    echo "| $backend | run failed (exit $status) | | | | |" >>"$rows"
  fi
done

echo "| backend | params (trainable + non-trainable) | fit() steps/s | hand-written steps/s | fit / hand | notes |"
echo "|---|---|---:|---:|---:|---|"
cat "$rows"
