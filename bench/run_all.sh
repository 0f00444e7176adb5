#!/usr/bin/env bash
# Training throughput on every backend: fit() against a hand-written loop.
#
# Runs one benchmark once per backend, each in its own process, with the
# repository's virtualenv (.venv/bin/python) when there is one, and prints
# one markdown table on stdout; each run's full report goes to stderr.
#
#   bench/run_all.sh                      # DCGAN: tensorflow, jax, torch
#   bench/run_all.sh wgangp               # WGAN-GP (5 critic steps, penalty)
#   bench/run_all.sh cyclegan             # CycleGAN, ResNet-6 at 64x64
#   bench/run_all.sh pix2pix              # Pix2Pix, the demo task (fit() only)
#   BACKENDS="jax torch" bench/run_all.sh dcgan --steps 40
#   BENCH_JSON_DIR=/tmp/bench bench/run_all.sh   # also keep each run's JSON
#
# Further arguments are passed on to the benchmark script (see its --help):
# bench/dcgan_throughput.py (dcgan, wgangp), bench/cyclegan_throughput.py or
# bench/pix2pix_throughput.py.
set -uo pipefail

cd "$(dirname "$0")/.."
if [ -x .venv/bin/python ]; then
  PY=.venv/bin/python
else
  PY=python
fi
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-2}"

model=dcgan
case "${1:-}" in
  dcgan|wgangp|cyclegan|pix2pix) model=$1; shift ;;
esac
case "$model" in
  dcgan) script=(bench/dcgan_throughput.py) ;;
  wgangp) script=(bench/dcgan_throughput.py --model wgangp) ;;
  cyclegan) script=(bench/cyclegan_throughput.py) ;;
  pix2pix) script=(bench/pix2pix_throughput.py) ;;
esac

rows="$(mktemp)"
trap 'rm -f "$rows"' EXIT

for backend in ${BACKENDS:-tensorflow jax torch}; do
  echo "== KERAS_BACKEND=$backend $PY ${script[*]} $*" >&2
  json=()
  if [ -n "${BENCH_JSON_DIR:-}" ]; then
    mkdir -p "$BENCH_JSON_DIR"
    json=(--json "$BENCH_JSON_DIR/$model-$backend.json")
  fi
  KERAS_BACKEND="$backend" "$PY" "${script[@]}" \
    --row-file "$rows" "${json[@]}" "$@" >&2
  status=$?
  if [ "$status" -ne 0 ]; then
    echo "| $backend | run failed (exit $status) | | | | |" >>"$rows"
  fi
done

echo "| backend | params (trainable + non-trainable) | fit() steps/s | hand-written steps/s | fit / hand | notes |"
echo "|---|---|---:|---:|---:|---|"
cat "$rows"
