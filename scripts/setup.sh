#!/usr/bin/env bash
# Creates .venv (once) with ganzoo and all three backends, CPU builds, at the
# versions pinned in constraints.txt.
# Usage: source scripts/setup.sh   (or run it; later scripts source it)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv"
stamp="$venv/.ganzoo-installed"
if [ ! -f "$stamp" ] || [ "$root/pyproject.toml" -nt "$stamp" ] \
   || [ "$root/constraints.txt" -nt "$stamp" ]; then
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install -q --upgrade pip
  # The CPU build of torch first: a plain `torch` requirement would pull a
  # multi-GB CUDA build. Where the pinned CPU wheel is not on a local index,
  # fall back to PyTorch's CPU index.
  "$venv/bin/python" -m pip install -q "torch==2.13.0" 2>/dev/null \
    || "$venv/bin/python" -m pip install -q "torch==2.13.0" \
         --index-url https://download.pytorch.org/whl/cpu
  # Every version comes from constraints.txt, so each machine gets the same.
  "$venv/bin/python" -m pip install -q -c "$root/constraints.txt" \
    -e "$root[all,test,docs,export]"
  touch "$stamp"
fi
