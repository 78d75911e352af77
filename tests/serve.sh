#!/bin/sh
# calc serve: every API endpoint and error status against a server on a free loopback port,
# the security headers, a graceful stop; then the web page in headless Chromium
# (tests/browser/page.mjs, playwright-core). Run from the repository root:
# BUILD=build sh tests/serve.sh. Prints one line per check and "N passed, N failed".
set -u
BUILD=${BUILD:-build}
CALC="$BUILD/calc"
tmp=$(mktemp -d) || exit 2
passed=0
failed=0
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
trap 'exit 2' INT TERM HUP
ok() { passed=$((passed + 1)); echo "PASS $1"; }
bad() { failed=$((failed + 1)); echo "FAIL $1"; [ -n "${2:-}" ] && echo "    $2"; }
check() { name=$1; shift; if "$@" >"$tmp/log" 2>&1; then ok "$name"; else bad "$name" "$(head -c 600 "$tmp/log")"; fi; }

# a free port: try a few
for try in 1 2 3 4 5; do
    port=$((20000 + ($$ * 7 + try * 131) % 30000))
    CALC_SERVE_QUIET=1 ${CALC_WRAP:-} "$CALC" serve --port "$port" --threads 2 2>"$tmp/serve.err" &
    pid=$!
    for i in 1 2 3 4 5 6 7 8 9 10; do
        curl -s "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
        sleep 0.3
    done
    curl -s "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
    kill "$pid" 2>/dev/null
    pid=
done
[ -n "$pid" ] || { echo "FAIL the server did not start"; cat "$tmp/serve.err"; echo "0 passed, 1 failed"; exit 1; }
U="http://127.0.0.1:$port"
EX=cases/profiles/example.yaml
code() { curl -s -o "$tmp/body" -w '%{http_code}' "$@"; }

t_health() { [ "$(code "$U/healthz")" = 200 ] && jq -e '.status == "ok" and (.policy_set | startswith("sha256:"))' "$tmp/body"; }
check "GET /healthz" t_health

t_schema() {
    [ "$(code "$U/api/v1/schema")" = 200 ] &&
        jq -e '([.fields[] | select(.path == "finance.rd_expense" and .type == "money" and .group == "财务数据")] | length == 1)
               and ([.enums.industry[] | select(.value == "ai" and .label == "人工智能")] | length == 1)
               and ([.fields[] | select(.path == "rd.major_project")][0].default == false)' "$tmp/body"
}
check "GET /api/v1/schema: fields, groups, enums with Chinese labels, defaults" t_schema

t_policies() {
    [ "$(code "$U/api/v1/policies?as_of=2025-06-30")" = 200 ] &&
        jq -e '(.policies | length == 13) and ([.policies[] | select(.in_force_on_date)] | length == 10)
               and ([.policies[] | select(.id == "sc25-free-office")][0].group == "sc25-space")' "$tmp/body"
}
check "GET /api/v1/policies?as_of" t_policies

t_policy() {
    [ "$(code "$U/api/v1/policies/sc25-rd-subsidy")" = 200 ] &&
        jq -e '(.source.quote == "研发投入最高补助3000万元") and ([.params[] | select(.name == "cap" and .mark == "seed")] | length == 1)' "$tmp/body" &&
        [ "$(code "$U/api/v1/policies/nope")" = 404 ] && jq -e '.error.status == 404' "$tmp/body"
}
check "GET /api/v1/policies/{id}, and 404 for an unknown id" t_policy

t_eval_yaml() {
    [ "$(code -X POST -H 'Content-Type: application/yaml' --data-binary @"$EX" "$U/api/v1/eval?as_of=2025-06-30")" = 200 ] &&
        jq -e '.totals.cash == "1955000.05" and .totals.in_kind == "240000.00"
               and ([.results[] | select(.policy == "sc25-rd-subsidy")][0].amount == "800000.05")' "$tmp/body" &&
        "$CALC" eval "$EX" --as-of 2025-06-30 --format json | jq -c '[.results[] | {policy, status, amount, quantity, missing}], .totals' >"$tmp/cli" &&
        jq -c '[.results[] | {policy, status, amount, quantity, missing}], .totals' "$tmp/body" | cmp - "$tmp/cli"
}
check "POST /api/v1/eval (YAML body): the calc eval --format json contract" t_eval_yaml

t_eval_json() {
    curl -s "$U/api/v1/example" >"$tmp/example.json" &&
        [ "$(code -X POST -H 'Content-Type: application/json' --data-binary @"$tmp/example.json" "$U/api/v1/eval?as_of=2025-06-30&explain=1")" = 200 ] &&
        jq -e '.totals.cash == "1955000.05" and ([.results[] | select(.policy == "sc25-rd-subsidy")][0].source.quote == "研发投入最高补助3000万元")
               and ([.results[] | select(.to_qualify != null)] | length > 0)' "$tmp/body"
}
check "POST /api/v1/eval?explain=1 (JSON body): sources and how to qualify" t_eval_json

t_422() {
    [ "$(code -X POST -d '{"id": "x", "name": "y", "finance": {"rd_expnse": 5, "revenue": "1.5万"}}' "$U/api/v1/eval")" = 422 ] &&
        jq -e '(.errors | length == 2) and (.errors[0].path == "finance.rd_expnse") and (.errors[0].hint == "did you mean '"'"'rd_expense'"'"'?")
               and (.errors[1].path == "finance.revenue")' "$tmp/body"
}
check "POST /api/v1/eval with invalid data: 422 with every error (path, message, hint)" t_422

t_400() { [ "$(code -X POST --data-binary @"$EX" "$U/api/v1/eval?as_of=2025-02-30")" = 400 ] && jq -e '.error.status == 400' "$tmp/body"; }
check "a bad as_of: 400" t_400
t_405() { [ "$(code "$U/api/v1/eval")" = 405 ] && jq -e '.error.status == 405' "$tmp/body"; }
check "GET on a POST endpoint: 405" t_405
t_404() { [ "$(code "$U/nope")" = 404 ] && jq -e '.error.status == 404' "$tmp/body"; }
check "an unknown path: 404 with a JSON body" t_404
t_413() {
    head -c 1100000 /dev/zero | tr '\0' 'a' >"$tmp/big"
    [ "$(code -X POST --data-binary @"$tmp/big" "$U/api/v1/eval")" = 413 ] && jq -e '.error.status == 413' "$tmp/body"
}
check "a body over 1 MiB: 413" t_413

t_whatif() {
    [ "$(code -X POST -d '{"profile": {"id": "A", "name": "B", "district": "上城区", "tax_district": "上城区", "industry": "ai",
        "finance": {"year": 2024, "rd_expense": "1000000"}}, "set": {"finance.rd_expense": "2000000"},
        "scenario": {"name": "15%", "params": {"sc25-rd-subsidy.rate": "15%"}}}' "$U/api/v1/whatif?as_of=2025-06-30")" = 200 ] &&
        jq -e '(.scenarios[0].changes[0].policy == "sc25-rd-subsidy") and (.scenarios[0].changes[0].baseline.amount == "200000.00")
               and (.scenarios[0].changes[0].scenario.amount == "300000.00") and (.scenarios[0].changes[0].delta == "100000.00")' "$tmp/body" &&
        [ "$(code -X POST -d '{"profile": {"id": "A", "name": "B"}, "scenario": {"params": {"sc25-rd-subsidy.rate": "15"}}}' "$U/api/v1/whatif")" = 422 ]
}
check "POST /api/v1/whatif: field overrides and parameters, the change; 422 on a wrong unit" t_whatif

t_openapi() { [ "$(code "$U/api/v1/openapi.json")" = 200 ] && jq -e '.openapi | startswith("3.")' "$tmp/body" && jq -e '.paths["/api/v1/eval"].post' "$tmp/body"; }
check "GET /api/v1/openapi.json" t_openapi

t_headers() {
    curl -s -D "$tmp/h" -o "$tmp/page" "$U/" &&
        grep -qi "^Content-Security-Policy: default-src 'self'; script-src 'self'" "$tmp/h" &&
        grep -qi '^X-Content-Type-Options: nosniff' "$tmp/h" && ! grep -qi '<script>' "$tmp/page" &&
        grep -q '<script src="/app.js"' "$tmp/page"
}
check "the page: security headers, no inline script" t_headers

t_xss_json() {
    [ "$(code -D "$tmp/h2" -X POST -d '{"id": "<script>alert(1)</script>", "name": "x"}' "$U/api/v1/eval?as_of=2025-06-30")" = 200 ] &&
        jq -e '.profile == "<script>alert(1)</script>"' "$tmp/body" && grep -qi '^Content-Type: application/json' "$tmp/h2"
}
check "markup in a profile comes back as a JSON string" t_xss_json

# the web page in Chromium
t_browser() {
    command -v node >/dev/null && command -v chromium >/dev/null || { echo "node or chromium missing (make deps)"; return 1; }
    [ -d tests/browser/node_modules/playwright-core ] ||
        (cd tests/browser && npm ci --no-audit --no-fund --silent) || return 1
    want=$("$CALC" eval "$EX" --as-of 2025-06-30 | sed -n 's/^现金合计 \(¥[0-9,.]*\)    实物价值合计 \(¥[0-9,.]*\)$/现金合计 \1　实物价值合计 \2/p')
    mkdir -p "$BUILD/serve"
    node tests/browser/page.mjs "$U/" "$want" "$BUILD/serve"
}
check "the web page in headless Chromium (playwright-core)" t_browser

# the limits answer with a status: a second server with 1 request at a time and 1 s per request;
# a slow upload (1 KiB/s) holds the slot: a request beside it gets 503, the slow one gets 408
t_limits() {
    lport=$((port + 1))
    CALC_SERVE_QUIET=1 CALC_SERVE_MAX_ACTIVE=1 CALC_SERVE_MAX_SECONDS=1 "$CALC" serve --port "$lport" 2>/dev/null &
    lpid=$!
    for i in 1 2 3 4 5 6 7 8 9 10; do curl -s "http://127.0.0.1:$lport/healthz" >/dev/null 2>&1 && break; sleep 0.3; done
    head -c 3000 /dev/zero | tr '\0' ' ' >"$tmp/slow"
    cat "$EX" >>"$tmp/slow"
    curl -s -o "$tmp/slow.out" -w '%{http_code}' --limit-rate 1K -X POST --data-binary @"$tmp/slow" \
        "http://127.0.0.1:$lport/api/v1/eval?as_of=2025-06-30" >"$tmp/slow.code" &
    cpid=$!
    sleep 1
    busy=$(curl -s -o "$tmp/busy.out" -w '%{http_code}' "http://127.0.0.1:$lport/api/v1/schema")
    wait "$cpid"
    kill -TERM "$lpid"
    wait "$lpid"
    echo "busy $busy slow $(cat "$tmp/slow.code")"
    [ "$busy" = 503 ] && jq -e '.error.status == 503' "$tmp/busy.out" &&
        [ "$(cat "$tmp/slow.code")" = 408 ] && jq -e '.error.status == 408' "$tmp/slow.out"
}
check "limits: 503 beyond the requests under way, 408 for a request too slow to arrive" t_limits

# a graceful stop: SIGTERM drains and exits 0
kill -TERM "$pid"
wait "$pid"
rc=$?
pid=
if [ "$rc" -eq 0 ] && grep -q 'calc serve: stopped' "$tmp/serve.err"; then ok "SIGTERM: drained, exit 0"; else bad "SIGTERM: drained, exit 0" "exit $rc"; fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
