#!/usr/bin/env bash
# Benchmark `ondemand serve` against nginx on this machine; see docs/benchmarks.md.
# Usage: bash bench/run.sh [--mode quick|full] [--keep]
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
command -v wrk >/dev/null || missing+=(wrk)
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "Missing ${missing[*]}: install Debian's packages (apt-get install ${missing[*]})." >&2
        exit 2
    fi
    apt-get update -qq
    # The benchmark starts its own nginx; the package's default site is not needed.
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ ! -x .venv/bin/ondemand ]; then
    python3 -m venv .venv
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -e .
fi

export PATH="/usr/sbin:$PATH"
exec timeout 1800 .venv/bin/python bench/benchmark.py "$@"
