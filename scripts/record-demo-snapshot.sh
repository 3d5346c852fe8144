#!/usr/bin/env bash
# Rebuilds the bundled demo snapshot (host/cli/demo/demo-account.snapshot.json.gz) that powers
# `lgp scan --demo`: starts the AWS emulator (tests/support/moto_server.py), seeds it with the
# demo account (scripts/seed-demo-account.py: a mixed compliant/non-compliant account in
# us-east-1 and eu-west-1), and records a live scan of it with `lgp snapshot record`.
# Needs python3 with moto 5.2.5 (`python3 -m pip install 'moto[server]==5.2.5'`).
set -euo pipefail
cd "$(dirname "$0")/.."

out="${1:-host/cli/demo/demo-account.snapshot.json.gz}"
work=$(mktemp -d)
trap 'kill "$moto_pid" 2>/dev/null || true; rm -rf "$work"' EXIT

python3 tests/support/moto_server.py --port 0 >"$work/ready" 2>"$work/moto.log" &
moto_pid=$!
for _ in $(seq 600); do
    grep -q '^ready ' "$work/ready" && break
    kill -0 "$moto_pid" 2>/dev/null || { echo "the emulator did not start:"; cat "$work/moto.log"; exit 1; }
    sleep 0.1
done
port=$(awk '/^ready /{print $2}' "$work/ready")
[ -n "$port" ] || { echo "the emulator did not say it was ready"; exit 1; }
endpoint="http://127.0.0.1:$port"

python3 scripts/seed-demo-account.py --endpoint-url "$endpoint" --reset --manifest "$work/manifest.json"
echo "seeded: $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["counts"]["total"])' "$work/manifest.json") resources"

AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1 \
LGP_DATA_DIR="$work/data" \
    cargo run -q --locked -p lgp-cli -- snapshot record \
    --endpoint-url "$endpoint" --regions us-east-1,eu-west-1 \
    --out "$out" --reports "$work/reports"
