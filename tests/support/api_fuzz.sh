#!/usr/bin/env bash
# Fuzzes the API of a real `lgp serve --demo` from its own OpenAPI document with schemathesis:
# no answer may be a 5xx, and every answer must be one the document lists for its route, with
# the content type and body schema the document gives.
#
# Usage: bash tests/support/api_fuzz.sh
#   LGP_BIN       the `lgp` binary (default: built with `cargo build -p lgp-cli` into
#                 $CARGO_TARGET_DIR, default target/)
#   FUZZ_EXAMPLES test cases per operation (default 20)
#   FUZZ_EXTRA    more `schemathesis run` flags, word-split (e.g. "--rate-limit 45/s" against a
#                 server whose rate limit is not raised by LGP_RATE_LIMIT_RPS)
# Exits 0 when every check passed, 3 when schemathesis cannot be installed (the caller skips),
# anything else on a failure. Only 127.0.0.1 is listened on.
set -euo pipefail
cd "$(dirname "$0")/../.."

SCHEMATHESIS_VERSION=4.32.5
EXAMPLES="${FUZZ_EXAMPLES:-20}"

if ! python3 -c "import schemathesis, sys; sys.exit(schemathesis.__version__ != '$SCHEMATHESIS_VERSION')" >/dev/null 2>&1; then
    if ! python3 -m pip install --quiet "schemathesis==$SCHEMATHESIS_VERSION"; then
        echo "SKIPPED: schemathesis $SCHEMATHESIS_VERSION cannot be installed" >&2
        exit 3
    fi
fi

if [ -z "${LGP_BIN:-}" ]; then
    cargo build --quiet -p lgp-cli
    LGP_BIN="${CARGO_TARGET_DIR:-target}/debug/lgp"
fi

WORK="$(mktemp -d)"
SERVER_PID=""
cleanup() {
    if [ -n "$SERVER_PID" ]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

export LGP_DATA_DIR="$WORK/data"
export LGP_JWT_SECRET="api-fuzz-secret-of-at-least-32-bytes-long"
# The fuzzer sends far more requests a second than a tenant should: the rate limit is tested
# elsewhere, here it would only turn most answers into 429s.
export LGP_RATE_LIMIT_RPS=100000 LGP_RATE_LIMIT_BURST=100000
mkdir -p "$LGP_DATA_DIR"

"$LGP_BIN" serve --demo --listen 127.0.0.1:0 2>"$WORK/serve.log" &
SERVER_PID=$!
ADDRESS=""
for _ in $(seq 1 300); do
    ADDRESS="$(sed -n 's|^lgp serve: listening on \(http://[0-9.:]*\).*|\1|p' "$WORK/serve.log")"
    [ -n "$ADDRESS" ] && break
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
        echo "lgp serve exited before listening:" >&2
        cat "$WORK/serve.log" >&2
        exit 1
    fi
    sleep 0.1
done
if [ -z "$ADDRESS" ]; then
    echo "lgp serve did not listen within 30 s:" >&2
    cat "$WORK/serve.log" >&2
    exit 1
fi

# A platform admin may call every route (the roles form a ladder), so every operation is reached.
TOKEN="$("$LGP_BIN" token --tenant fuzz --role platform-admin)"

status=0
# Run from the scratch directory: schemathesis leaves a .schemathesis/ folder where it runs.
# The plugin upload is left out: schemathesis cannot generate `application/wasm` bodies; the
# end-to-end test (tests/e2e/plugin_upload.rs) sends it real, garbage and oversized components.
cd "$WORK"
schemathesis run "$ADDRESS/openapi.json" \
    --header "Authorization: Bearer $TOKEN" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance \
    --max-examples "$EXAMPLES" \
    --seed 1 \
    --exclude-name "POST /v1/plugins" \
    ${FUZZ_EXTRA:-} \
    --workers 2 \
    --phases examples,coverage,fuzzing \
    --suppress-health-check all \
    --generation-database none \
    --no-color || status=$?
if [ "$status" -ne 0 ]; then
    echo "api fuzz: schemathesis found failures (exit $status); the server's log:" >&2
    tail -n 50 "$WORK/serve.log" >&2
    exit 1
fi
echo "api fuzz: passed"
