#!/usr/bin/env bash
# Installs, when missing, what the report checks need: py-ocsf-models for
# tests/support/ocsf_validate.py, Python's jsonschema for the JSON report's schema check, and Debian's Chromium and playwright-core (npm ci in
# tests/support/browser) for tests/support/browser/html_check.mjs. Idempotent. A step that fails
# prints a warning and the script goes on (exit 0): each check then exits 3 and its test skips.
# Usage: bash tests/support/install-report-tools.sh  (tests/run.sh calls it)
set -uo pipefail
cd "$(dirname "$0")"

OCSF_MODELS_VERSION=0.10.0
CHROMIUM="${LGP_CHROMIUM:-/usr/bin/chromium}"
# Another apt-get (a parallel install, a package cache refresh) may hold the dpkg lock: wait for
# it rather than fail.
APT_GET=(apt-get -o DPkg::Lock::Timeout=300)

if ! python3 -c 'import importlib.metadata as m, sys; sys.exit(m.version(sys.argv[1]) != sys.argv[2])' \
    py-ocsf-models "$OCSF_MODELS_VERSION" >/dev/null 2>&1; then
    python3 -m pip install --quiet "py-ocsf-models==$OCSF_MODELS_VERSION" ||
        echo "warning: py-ocsf-models could not be installed; the OCSF schema check will be skipped"
fi

if ! python3 -c 'import jsonschema' >/dev/null 2>&1; then
    python3 -m pip install --quiet 'jsonschema>=4.18' ||
        echo "warning: jsonschema could not be installed; the JSON report schema check will be skipped"
fi

if [ ! -x "$CHROMIUM" ]; then
    # The package lists may be missing or stale on a fresh machine; refresh them only if needed.
    export DEBIAN_FRONTEND=noninteractive
    "${APT_GET[@]}" install -y -qq chromium >/dev/null 2>&1 ||
        { "${APT_GET[@]}" update -qq && "${APT_GET[@]}" install -y -qq chromium >/dev/null; } ||
        echo "warning: chromium could not be installed; the HTML report browser check will be skipped"
fi

# npm ci writes node_modules/.package-lock.json: older than the lockfile means a stale install.
if [ ! -f browser/node_modules/.package-lock.json ] ||
    [ browser/package-lock.json -nt browser/node_modules/.package-lock.json ]; then
    { command -v npm >/dev/null 2>&1 && (cd browser && npm ci --silent --no-audit --no-fund); } ||
        echo "warning: playwright-core could not be installed; the HTML report browser check will be skipped"
fi
exit 0
