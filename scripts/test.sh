#!/usr/bin/env bash
# Install the project and its test tools into .venv, then lint, type-check and run the tests.
# Extra arguments go to pytest, e.g. `bash scripts/test.sh -k courses`.
set -euo pipefail
cd "$(dirname "$0")/.."

# The learner page test drives Debian's chromium; install it when missing and allowed to.
if ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

python3 -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[test]"

.venv/bin/ruff check src tests
.venv/bin/mypy
.venv/bin/python -m pytest "$@"
