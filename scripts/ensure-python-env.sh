#!/usr/bin/env bash
# Makes a Python virtual environment and installs PyPI requirements into it, only when it cannot
# already do what they provide, and says so.
#
# usage: ensure-python-env.sh VENV (--system-site-packages | --isolated) "PYTHON CHECK" REQUIREMENT...
#
#   --system-site-packages  sees the system's packages, so a machine that has them downloads nothing
#                           (the test peers: moto's server and boto3)
#   --isolated              sees nothing else, so the tools' pinned dependencies cannot clash with the
#                           system's (the SAM CLI, cfn-lint, checkov)
#   PYTHON CHECK            a statement that succeeds when the environment is ready ("import moto.server")
set -euo pipefail
venv=$1 mode=$2 check=$3
shift 3
case "$mode" in
    --system-site-packages) options=(--system-site-packages) ;;
    --isolated) options=() ;;
    *) echo "ensure-python-env: $mode is neither --system-site-packages nor --isolated" >&2; exit 2 ;;
esac
if [[ ! -x "$venv/bin/python" ]]; then
    echo "==> creating the Python environment $venv"
    python3 -m venv "${options[@]}" "$venv"
fi
if "$venv/bin/python" -c "$check" 2>/dev/null; then
    exit 0
fi
echo "==> installing from PyPI into $venv: $*"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$@"
"$venv/bin/python" -c "$check"
echo "==> installed: $*"
