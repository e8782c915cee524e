#!/usr/bin/env bash
# Makes the virtual environment the test peers and tools run in (moto's server, boto3, the SAM CLI,
# cfn-lint), at $1, and installs the PyPI requirements given after it only when the environment
# cannot import what they provide.
# The environment sees the system's site-packages, so a machine that has them downloads nothing.
set -euo pipefail
venv=$1; shift
if [[ ! -x "$venv/bin/python" ]]; then
    echo "==> creating the Python environment for the test peers at $venv"
    python3 -m venv --system-site-packages "$venv"
fi
provided="import moto.server, flask, boto3, samcli, cfnlint"
if "$venv/bin/python" -c "$provided" 2>/dev/null && [[ -x "$venv/bin/sam" && -x "$venv/bin/cfn-lint" ]]; then
    exit 0
fi
echo "==> installing PyPI packages into $venv: $*"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$@"
"$venv/bin/python" -c "$provided"
echo "==> installed: $*"
