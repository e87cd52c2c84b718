#!/usr/bin/env bash
# Fuzz the whole HTTP API from its served OpenAPI document with schemathesis, as a reporter
# and as an admin, against a system of its own (own port, own state, 127.0.0.1 only).
# Bounded: EXAMPLES examples per operation and phase; PHASES defaults to all three
# (examples, coverage, fuzzing). Passes only with zero 5xx responses and zero responses
# that break the documented schema.  Usage: tests/fuzz/api.sh [EXAMPLES] [PHASES]
set -euo pipefail
cd "$(dirname "$0")/../.."
EXAMPLES="${1:-40}"
PHASES="${2:-examples,coverage,fuzzing}"
STATE="$(mktemp -d)"
PORT="$(.venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
BASE="http://127.0.0.1:$PORT"
# The fuzzer sends thousands of requests a minute; the rate limits are tested on their own.
export LIFECASE_RATE_LIMIT_FILING=100000/minute LIFECASE_RATE_LIMIT_SEARCH=100000/minute \
  LIFECASE_RATE_LIMIT_ADMIN=100000/minute
.venv/bin/lifecase run --state "$STATE" --port "$PORT" > "$STATE/run.log" 2>&1 &
SYSTEM=$!
trap 'kill $SYSTEM 2>/dev/null; wait $SYSTEM 2>/dev/null; rm -rf "$STATE"' EXIT
for _ in $(seq 120); do curl -sf "$BASE/readyz" > /dev/null && break; sleep 1; done
curl -sf "$BASE/readyz" > /dev/null || { echo "the system did not become ready"; tail -20 "$STATE/run.log"; exit 1; }
token() {
  curl -sf -X POST "$BASE/api/v1/dev/token" -H 'Content-Type: application/json' \
    -d "{\"username\": \"$1\"}" | .venv/bin/python -c 'import json, sys; print(json.load(sys.stdin)["access_token"])'
}
status=0
fuzz() {  # fuzz USER NAME [schemathesis options...]: one run, its summary printed
  local user="$1" name="$2"; shift 2
  echo "== as $user ($name)"
  .venv/bin/st run "$BASE/openapi.json" -H "Authorization: Bearer $(token "$user")" \
    --checks not_a_server_error,response_schema_conformance \
    --phases "$PHASES" --max-examples "$EXAMPLES" -w 1 --seed 1 "$@" \
    > "$STATE/$name.txt" 2>&1 || status=1
  grep -E "Test cases:|generated|failed|Failures|Server error|Response violates" "$STATE/$name.txt" | head -20
}
# One worker: with two, schemathesis' data generation once failed inside the tool itself (a
# KeyError in a cache the workers share), which reads as a failed run.
# Revoking tokens may hit the fuzzing admin's own (a valid request, after which every
# request of theirs is 401), so that operation is fuzzed last, on its own.
fuzz rita reporter
fuzz ada admin --exclude-path-regex 'revoke-tokens'
fuzz ada revocations --include-path-regex 'revoke-tokens'
exit $status
