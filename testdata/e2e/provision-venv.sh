#!/usr/bin/env bash
# Creates (or reuses) the virtualenv of Python tools the end-to-end tests use:
#   bash testdata/e2e/provision-venv.sh [VENV]      (default: .build/e2e-venv in the package root)
# Needs python3 with the venv module (Debian: python3-venv) and access to PyPI. The venv is reused
# while testdata/e2e/requirements.txt is unchanged (its hash is kept in VENV/.requirements.sha256).
# Safe to run concurrently: the tests that need it take a lock.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
venv=${1:-$root/.build/e2e-venv}
requirements=$root/testdata/e2e/requirements.txt
mkdir -p "$(dirname "$venv")"
exec 9>"$venv.lock"
flock 9
want=$(sha256sum "$requirements" | cut -d' ' -f1)
if [ -x "$venv/bin/python" ] && [ "$(cat "$venv/.requirements.sha256" 2>/dev/null)" = "$want" ]; then
    exit 0
fi
rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input -r "$requirements"
echo "$want" > "$venv/.requirements.sha256"
echo "provisioned $venv" >&2
