#!/usr/bin/env bash
# Makes the virtual environment the test peers run in (moto's server, boto3), at $1, and installs the
# PyPI requirements given after it only when the environment cannot import what they provide.
# The environment sees the system's site-packages, so a machine that has them downloads nothing.
set -euo pipefail
venv=$1; shift
if [[ ! -x "$venv/bin/python" ]]; then
    echo "==> creating the Python environment for the test peers at $venv"
    python3 -m venv --system-site-packages "$venv"
fi
if "$venv/bin/python" -c "import moto.server, flask, boto3" 2>/dev/null; then
    exit 0
fi
echo "==> installing PyPI packages into $venv: $*"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$@"
"$venv/bin/python" -c "import moto.server, flask, boto3"
echo "==> installed: $*"
