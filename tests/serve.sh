#!/bin/sh
# calc serve: every API endpoint and error status against a server on a free loopback port,
# the security headers, a graceful stop; then the web page in headless Chromium
# (tests/browser/page.mjs, playwright-core); then hostile clients against servers of their own
# with short limits: trickling clients (tests/serve/http.py), ambiguous framing, a body at the
# size limit, a stop during a slow evaluation. Run from the repository root:
# BUILD=build sh tests/serve.sh. Prints one line per check and "N passed, N failed".
set -u
. tests/lib.sh
need_calc
need curl jq python3
pids= # every process started in the background: killed on exit
stop_all() {
    for p in $pids; do kill -KILL "$p" 2>/dev/null; done
    for p in $pids; do wait "$p" 2>/dev/null; done
}
on_exit stop_all
# background CMD…: CMD in the background (its process id in $bgpid), killed on exit if it still runs
background() {
    "$@" &
    bgpid=$!
    pids="$pids $bgpid"
}
now() { date +%s.%N; }
# elapsed T0 T1 MAX: T1 - T0 <= MAX (seconds, fractions allowed)
within() { awk -v a="$1" -v b="$2" -v m="$3" 'BEGIN { exit !(b - a <= m) }'; }

# start_server NAME [VAR=VALUE...] -- [FLAG...]: `calc serve` on a free loopback port, with the
# environment and flags given; sets NAME_port and NAME_pid; its stderr is $tmp/NAME.err. A port
# counts as ours only when our process says it listens (another server may hold a port).
nextport=$((20000 + ($$ * 7) % 30000))
start_server() {
    sname=$1
    shift
    senv=
    while [ "$#" -gt 0 ] && [ "$1" != -- ]; do senv="$senv $1"; shift; done
    [ "$#" -gt 0 ] && shift
    for try in 1 2 3 4 5 6 7 8; do
        nextport=$((nextport + 1 + try * 13))
        [ "$nextport" -gt 60000 ] && nextport=$((20000 + nextport % 1000))
        # shellcheck disable=SC2086
        env CALC_SERVE_QUIET=1 $senv ${CALC_WRAP:-} "$CALC" serve --port "$nextport" "$@" 2>"$tmp/$sname.err" &
        spid=$!
        for i in $(seq 1 100); do # sanitizer builds start slowly
            grep -q '^calc serve: listening' "$tmp/$sname.err" 2>/dev/null && break
            kill -0 "$spid" 2>/dev/null || break
            sleep 0.1
        done
        if grep -q '^calc serve: listening' "$tmp/$sname.err" && kill -0 "$spid" 2>/dev/null; then
            pids="$pids $spid"
            eval "${sname}_port=$nextport ${sname}_pid=$spid"
            return 0
        fi
        kill "$spid" 2>/dev/null
        wait "$spid" 2>/dev/null
    done
    echo "FAIL the server $sname did not start"
    cat "$tmp/$sname.err"
    return 1
}

start_server main -- --threads 2 || { echo "0 passed, 1 failed"; exit 1; }
port=$main_port
pid=$main_pid
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
        jq -e '(.policies | length == 25) and ([.policies[] | select(.in_force_on_date)] | length == 22)
               and ([.policies[] | select(.id == "sc25-free-office")][0].group == "sc25-space")
               and ([.policies[] | select(.id == "qt25-hq-purchase")][0] | .groups == ["qt25-office", "qt25-hq"]
                    and .caps == ["qt25-hq-family", "qt25-annual"] and .book == "qt25"
                    and .event == {"field": "purchase.date", "from": "2024-01-01", "to": "2025-12-31"})
               and ([.policies[] | select(.id == "qt25-high-tech")][0].application
                    == {"field": "applied", "after": "tech.high_tech_certified", "months": 12})' "$tmp/body"
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

# The API's records carry their sentences for people (the writer of calc eval --format json):
# qj20's industry condition in both languages, the rd subsidy's computation in words, the
# first-store pool claim; the schema gives English labels and each enum value's {zh, en}.
t_eval_labels() {
    jq -e '([.results[] | select(.policy == "qj20-industry-match")][0].conditions[0].label
               == {"zh": "所属行业：人工智能；本政策要求：智能制造、新能源、新装备或新材料",
                   "en": "Industry: artificial intelligence; this policy requires: smart manufacturing, new energy, new equipment or new materials"})
           and ([.results[] | select(.policy == "sc25-rd-subsidy")][0].computation.zh[0] == "研发投入 ¥8,000,000.50 × 10% = ¥800,000.05")
           and ([.results[] | select(.policy == "sc25-first-store")][0].pool_claim.title.en == "Shangcheng urban-economy policy budget")
           and ([.results[] | .conditions[] | .label.zh, .label.en | select(length == 0)] | length == 0)' "$tmp/body" &&
        [ "$(code "$U/api/v1/schema")" = 200 ] &&
        jq -e '([.fields[] | select(.path == "finance.rd_expense")][0].label_en == "R&D expense")
               and ([.fields[] | select(.path == "stores[].area_m2")][0].unit == {"zh": "m²", "en": "m²"})
               and ([.enums.tag[] | select(.value == "tech_enterprise")][0].labels == {"zh": "科技型企业", "en": "technology enterprise"})
               and ([.enums.tag[] | select(.value == "tech_enterprise")][0].label == "科技型企业")' "$tmp/body"
}
check "POST /api/v1/eval?explain=1: labels, computation and pool claim; /api/v1/schema: English labels" t_eval_labels

# Every error in both languages (zh and en objects), message and hint in the one asked for:
# Chinese unless lang= or Accept-Language says English.
t_422() {
    bad='{"id": "x", "name": "y", "finance": {"rd_expnse": 5, "revenue": "1.5千"}}'
    [ "$(code -X POST -d "$bad" "$U/api/v1/eval")" = 422 ] &&
        jq -e '(.errors | length == 2) and (.errors[0].path == "finance.rd_expnse")
               and (.errors[0].message == "没有这个字段") and (.errors[0].hint == "您是不是要写“rd_expense”？")
               and (.errors[0].en.message == "unknown field") and (.errors[0].en.hint == "did you mean '"'"'rd_expense'"'"'?")
               and (.errors[0].zh.hint == "您是不是要写“rd_expense”？")
               and (.errors[1].path == "finance.revenue")
               and (.errors[1].en.message == "expected an amount in yuan (not a number), got '"'"'1.5千'"'"'")
               and (.errors[1].zh.message == "应为以元为单位的金额（不是数字），实际为“1.5千”")
               and (.errors[1].zh.hint == "请写成 15000、15000.50、1.5万 或 1,200,000")' "$tmp/body" &&
        [ "$(code -X POST -d "$bad" "$U/api/v1/eval?lang=en")" = 422 ] &&
        jq -e '.errors[0].hint == "did you mean '"'"'rd_expense'"'"'?"' "$tmp/body" &&
        [ "$(code -X POST -H 'Accept-Language: zh-CN;q=0.5, en-GB;q=0.8, fr' -d "$bad" "$U/api/v1/eval")" = 422 ] &&
        jq -e '.errors[0].message == "unknown field"' "$tmp/body" &&
        [ "$(code -X POST -H 'Accept-Language: en;q=0.3, zh' -d "$bad" "$U/api/v1/eval")" = 422 ] &&
        jq -e '.errors[0].message == "没有这个字段"' "$tmp/body" &&
        [ "$(code -X POST -H 'Accept-Language: en' -d "$bad" "$U/api/v1/eval?lang=zh")" = 422 ] &&
        jq -e '.errors[0].message == "没有这个字段"' "$tmp/body"
}
check "POST /api/v1/eval with invalid data: 422 with every error (path, message, hint) in zh and en" t_422
# More errors than are collected (100): the answer says it stopped, in the language asked for,
# and an answer within the limit does not.
t_422_many() {
    bad='{"id": "x", "name": "y", "finance": {"rd_expnse": 5}}'
    many=$(python3 -c 'import json; print(json.dumps({"id": "x", "name": "y", **{"f%d" % i: 1 for i in range(150)}}))')
    [ "$(code -X POST -d "$many" "$U/api/v1/eval?lang=en")" = 422 ] &&
        jq -e '(.errors | length == 100) and .truncated == true and .note.message == "stopped after 100 errors"
               and .note.zh.message == "已列出 100 个错误，其余不再列出"' "$tmp/body" &&
        [ "$(code -X POST -d "$bad" "$U/api/v1/eval")" = 422 ] &&
        jq -e 'has("truncated") | not' "$tmp/body" &&
        exactly=$(python3 -c 'import json; print(json.dumps({"id": "x", "name": "y", **{"f%d" % i: 1 for i in range(100)}}))') &&
        [ "$(code -X POST -d "$exactly" "$U/api/v1/eval")" = 422 ] &&
        jq -e '(.errors | length == 100) and (has("truncated") | not)' "$tmp/body"
}
check "POST /api/v1/eval with 150 errors: 100 listed, the answer says it stopped" t_422_many

# The other errors too: {"error": {"status", "message", "zh": {"message"}, "en": {"message"}}}.
t_error_langs() {
    [ "$(code -H 'Accept-Language: en-US,en;q=0.9' "$U/api/v1/policies/nope")" = 404 ] &&
        jq -e '.error.message == "no such policy" and .error.zh.message == "没有这项政策"
               and .error.en.message == "no such policy"' "$tmp/body" &&
        [ "$(code "$U/api/v1/policies/nope")" = 404 ] && jq -e '.error.message == "没有这项政策"' "$tmp/body" &&
        [ "$(code "$U/api/v1/policies?lang=fr")" = 400 ] &&
        jq -e '.error.message == "lang：应为 zh 或 en" and .error.en.message == "lang: expected zh or en"' "$tmp/body"
}
check "API errors in the language asked for (lang=, Accept-Language with q-values), both always given" t_error_langs

# The API reads money as people write it: "1.5万" and "1,200,000" are exact amounts.
t_money_as_written() {
    [ "$(code -X POST -d '{"id": "x", "name": "y", "district": "上城区", "tax_district": "上城区", "industry": "ai", "tags": ["tech_enterprise"], "finance": {"year": 2024, "rd_expense": "120万"}}' "$U/api/v1/eval?as_of=2025-06-30")" = 200 ] &&
        jq -e '.results[] | select(.policy == "sc25-rd-subsidy") | .amount == "120000.00"' "$tmp/body" &&
        [ "$(code -X POST -d '{"id": "x", "name": "y", "district": "上城区", "tax_district": "上城区", "industry": "ai", "tags": ["tech_enterprise"], "finance": {"year": 2024, "rd_expense": "1,200,000"}}' "$U/api/v1/eval?as_of=2025-06-30")" = 200 ] &&
        jq -e '.results[] | select(.policy == "sc25-rd-subsidy") | .amount == "120000.00"' "$tmp/body"
}
check "POST /api/v1/eval: \"120万\" and \"1,200,000\" are 1,200,000.00 yuan" t_money_as_written

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
        [ "$(code -X POST -d '{"profile": {"id": "A", "name": "B"}, "scenario": {"params": {"sc25-rd-subsidy.rate": "15"}}}' "$U/api/v1/whatif")" = 422 ] &&
        # a misspelt member is refused, naming it (it was ignored: the scenario was the baseline)
        [ "$(code -X POST -d '{"profile": {"id": "A", "name": "B"}, "sett": {}}' "$U/api/v1/whatif?lang=en")" = 422 ] &&
        grep -q "unknown member 'sett' of the body" "$tmp/body" &&
        [ "$(code -X POST -d '{"profile": {"id": "A", "name": "B"}, "scenario": {"parms": {}}}' "$U/api/v1/whatif?lang=en")" = 422 ] &&
        grep -q "unknown member 'parms' of the scenario" "$tmp/body"
}
check "POST /api/v1/whatif: field overrides and parameters, the change; 422 on a wrong unit or a misspelt member" t_whatif

# Ensure a query parameter the API does not know, or one given twice, is refused: ?asof= was
# ignored (the answer was for today) and as_of twice took the first.
t_query() {
    [ "$(code "$U/api/v1/policies?asof=2024-01-01")" = 400 ] &&
        jq -e '.error.en.message == "unknown query parameter: the API takes as_of, lang and explain"' "$tmp/body" &&
        [ "$(code "$U/api/v1/policies?as_of=2024-01-01&as_of=2025-06-30")" = 400 ] &&
        jq -e '.error.en.message == "a query parameter is given twice: give each once"' "$tmp/body" &&
        [ "$(code "$U/api/v1/policies?lang=zh&lang=fr")" = 400 ] &&
        [ "$(code "$U/api/v1/policies?as_of=2025-06-30&lang=en")" = 200 ]
}
check "a query parameter the API does not know, or given twice: 400" t_query

# Ensure a CALC_SERVE_* value that is not a number in range stops the server with a message (it
# ran with the default: 2s gave a 30 s limit).
t_env_bad() {
    CALC_SERVE_MAX_SECONDS=2s timeout 5 "$CALC" serve --port 1 >"$tmp/env.out" 2>"$tmp/env.err"
    [ $? = 2 ] && grep -q "^calc: CALC_SERVE_MAX_SECONDS: expected a number of at least 0.1, got '2s'$" "$tmp/env.err" &&
        CALC_SERVE_MAX_ACTIVE=0 timeout 5 "$CALC" serve --port 1 >"$tmp/env.out" 2>"$tmp/env.err"
    [ $? = 2 ] && grep -q "^calc: CALC_SERVE_MAX_ACTIVE: expected a number of at least 1, got '0'$" "$tmp/env.err"
}
check "a CALC_SERVE_* value that is not a number in range: refused, exit 2" t_env_bad

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
        { echo "tests/browser/node_modules is missing: run make deps (npm ci in tests/browser)"; return 1; }
    want=$("$CALC" eval "$EX" --as-of 2025-06-30 | sed -n 's/^现金合计 \(¥[0-9,.]*\)    实物价值合计 \(¥[0-9,.]*\)$/现金合计 \1　实物价值合计 \2/p')
    mkdir -p "$BUILD/serve"
    node tests/browser/page.mjs "$U/" "$want" "$BUILD/serve"
}
check "the web page in headless Chromium (playwright-core)" t_browser

# ---- hostile clients: each kind against a server of its own, with short limits ----

# a policy set whose one extra policy computes until a limit stops it: an evaluation as long as
# --max-instructions makes it (about 10^8 instructions a second), or endless
SET="$tmp/slowset"
cp -r policies "$SET"
cp tests/serve/zz-slow.lua "$SET/"
# post_example PORT OUT [CURL FLAG...]: POSTs the example profile; the body in OUT, the status in
# OUT.code
post_example() {
    pp=$1
    po=$2
    shift 2
    curl -s -o "$po" -w '%{http_code}' "$@" -X POST -H 'Content-Type: application/yaml' \
        --data-binary @"$EX" "http://127.0.0.1:$pp/api/v1/eval?as_of=2025-06-30" >"$po.code"
}
# gone PID SECONDS: waits at most SECONDS for PID to exit
gone() {
    n=$(awk -v s="$2" 'BEGIN { print int(s * 10) }')
    while [ "$n" -gt 0 ] && kill -0 "$1" 2>/dev/null; do sleep 0.1; n=$((n - 1)); done
    ! kill -0 "$1" 2>/dev/null
}
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
slow_error() { jq -r '[.results[] | select(.policy == "zz-slow")][0].error' "$1" 2>/dev/null; }
others_intact() { jq -e '[.results[] | select(.policy == "sc25-rd-subsidy")][0].amount == "800000.05"' "$1" >/dev/null; }

# the wall-clock limit the server sets by default (10 s a policy call): an endless evaluation,
# started now and checked after the slow clients below, which take about as long
wall_ok=1
start_server wall -- --policies "$SET" --max-instructions 1000000000000 || wall_ok=
if [ -n "$wall_ok" ]; then
    wall_t0=$(now)
    background post_example "$wall_port" "$tmp/wall" --max-time 30
    wall_curl=$bgpid
fi

# slow clients: a byte a second from each, requests due within 3 s of their first byte
if start_server slow CALC_SERVE_MAX_SECONDS=3 --; then
    check "slow clients: 300 uploads trickling a byte a second hold no slot (/healthz and an evaluation answer 200 at once); each is answered 408 (or closed) 3 s after it began, not before" \
        timeout 60 python3 tests/serve/http.py slow "$slow_port" 300 3 body
    check "slow clients: 1,100 connections trickling headers or bodies: none refused or reset, /healthz and an evaluation answer at once, every one cut off at its deadline" \
        timeout 60 python3 tests/serve/http.py slow "$slow_port" 1100 3 mixed
    # 200 KB at 16 KiB/s: curl sends its first 64 KiB at once, then waits for the average
    t_slow_curl() {
        head -c 200000 /dev/zero | tr '\0' ' ' >"$tmp/slow"
        cat "$EX" >>"$tmp/slow"
        t0=$(now)
        c=$(curl -s -o "$tmp/slow.out" -w '%{http_code}' --max-time 30 --limit-rate 16K -X POST \
            --data-binary @"$tmp/slow" "http://127.0.0.1:$slow_port/api/v1/eval?as_of=2025-06-30")
        t1=$(now)
        echo "curl at 16 KiB/s: $c after $(secs "$t0" "$t1") s"
        [ "$c" = 408 ] && jq -e '.error.status == 408' "$tmp/slow.out" && within "$t0" "$t1" 8 &&
            jq -e '.error.message == "请求传输时间过长"' "$tmp/slow.out"
    }
    check "slow clients: curl uploading 200 KB at 16 KiB/s gets 408 with a JSON body at the deadline" t_slow_curl
    # the same with ?lang=en: the answer written when the body is cut off is in English
    t_slow_curl_en() {
        c=$(curl -s -o "$tmp/slow.out" -w '%{http_code}' --max-time 30 --limit-rate 16K -X POST \
            --data-binary @"$tmp/slow" "http://127.0.0.1:$slow_port/api/v1/eval?as_of=2025-06-30&lang=en")
        [ "$c" = 408 ] && jq -e '.error.message == "the request took too long to arrive"' "$tmp/slow.out"
    }
    check "slow clients: the 408 of a request asking ?lang=en is in English" t_slow_curl_en
    kill -TERM "$slow_pid"
    gone "$slow_pid" 10
else
    fail "slow clients: the server did not start"
fi

t_wall() {
    [ -n "$wall_ok" ] || return 1
    gone "$wall_curl" 20
    t1=$(now)
    echo "status $(cat "$tmp/wall.code") after $(secs "$wall_t0" "$t1") s: $(slow_error "$tmp/wall")"
    kill -TERM "$wall_pid"
    gone "$wall_pid" 10
    [ "$(cat "$tmp/wall.code")" = 200 ] && ! within "$wall_t0" "$t1" 9.5 && within "$wall_t0" "$t1" 16 &&
        slow_error "$tmp/wall" | grep -q 'time limit of 10000 ms exceeded' && others_intact "$tmp/wall"
}
check "the server's wall-clock limit: an endless policy ends after 10 s as that policy's error, the others evaluate" t_wall

# one request evaluated at a time: a trickling upload holds no slot; an evaluation under way
# (a few seconds) does: a request beside it gets 503, /healthz never does
t_busy() {
    start_server busy CALC_SERVE_MAX_ACTIVE=1 -- --policies "$SET" --max-instructions 400000000 || return 1
    B="http://127.0.0.1:$busy_port"
    background python3 tests/serve/http.py hold "$busy_port" 1.5
    hpid=$bgpid
    sleep 0.5
    s1=$(code "$B/api/v1/schema")
    wait "$hpid"
    background post_example "$busy_port" "$tmp/busy" --max-time 60
    epid=$bgpid
    sleep 0.5
    s2=$(code "$B/api/v1/schema")
    cp "$tmp/body" "$tmp/busy.503"
    s3=$(code "$B/healthz")
    gone "$epid" 40
    echo "beside an upload: $s1; beside an evaluation: $s2, /healthz $s3; the evaluation: $(cat "$tmp/busy.code")"
    kill -TERM "$busy_pid"
    gone "$busy_pid" 10
    [ "$s1" = 200 ] && [ "$s2" = 503 ] && jq -e '.error.status == 503' "$tmp/busy.503" && [ "$s3" = 200 ] &&
        [ "$(cat "$tmp/busy.code")" = 200 ] && slow_error "$tmp/busy" | grep -q 'instruction budget'
}
check "limits: a trickling upload holds no slot; 503 beyond the requests being evaluated, never for /healthz" t_busy

# ambiguous framing (RFC 9112 §6): 400, the connection closed, what was pipelined behind it not
# answered (a request for an unknown policy, which would be 404)
for c in "cl-te|Content-Length and Transfer-Encoding: chunked" \
    "te-cl|Transfer-Encoding: chunked and Content-Length" \
    "cl-cl|two different Content-Length values" \
    "xchunked-cl|Transfer-Encoding: xchunked with a Content-Length (no waiting for a timeout)" \
    "xchunked|Transfer-Encoding: xchunked" \
    "te-list|Transfer-Encoding: gzip, chunked" \
    "te-te|Transfer-Encoding: chunked twice" \
    "te-space|whitespace before the colon of Transfer-Encoding" \
    "te-http10|Transfer-Encoding in an HTTP/1.0 request" \
    "cl-bad-second|a valid Content-Length, then an invalid one" \
    "cl-bad|Content-Length: 12abc" \
    "cl-negative|Content-Length: -1"; do
    check "framing: ${c#*|}: 400, closed, the request pipelined behind it not answered" \
        timeout 20 python3 tests/serve/http.py framing "$port" "${c%%|*}"
done
check "framing: the same pipelining, well framed (two equal Content-Lengths): both requests answered" \
    timeout 20 python3 tests/serve/http.py framing "$port" control

# the body limit at its boundary: exactly 1 MiB is evaluated, one byte more is 413; with a
# Content-Length and chunked
t_mib() {
    cat "$EX" >"$tmp/mib"
    printf '#' >>"$tmp/mib"
    n=$(wc -c <"$tmp/mib")
    head -c $((1048576 - n - 1)) /dev/zero | tr '\0' 'x' >>"$tmp/mib"
    printf '\n' >>"$tmp/mib"
    cp "$tmp/mib" "$tmp/mib1"
    printf '\n' >>"$tmp/mib1"
    [ "$(wc -c <"$tmp/mib")" -eq 1048576 ] && [ "$(wc -c <"$tmp/mib1")" -eq 1048577 ] || return 1
    r=
    for te in "" "Transfer-Encoding: chunked"; do
        a=$(code -X POST -H 'Content-Type: application/yaml' ${te:+-H "$te"} --data-binary @"$tmp/mib" "$U/api/v1/eval?as_of=2025-06-30")
        jq -e '.totals.cash == "1955000.05"' "$tmp/body" >/dev/null || a="$a (wrong totals)"
        b=$(code -X POST -H 'Content-Type: application/yaml' ${te:+-H "$te"} --data-binary @"$tmp/mib1" "$U/api/v1/eval?as_of=2025-06-30")
        jq -e '.error.status == 413' "$tmp/body" >/dev/null || b="$b (not a JSON 413)"
        r="$r${te:-Content-Length}: $a, $b; "
    done
    echo "$r"
    [ "$r" = "Content-Length: 200, 413; Transfer-Encoding: chunked: 200, 413; " ]
}
check "a body of exactly 1 MiB is evaluated, one byte more is 413 (Content-Length, chunked)" t_mib

# SIGTERM while a request is evaluated: it is answered, then the server exits
t_drain() {
    start_server drain1 CALC_SERVE_DRAIN_SECONDS=20 -- --policies "$SET" --max-instructions 400000000 || return 1
    background post_example "$drain1_port" "$tmp/d1" --max-time 60
    cpid=$bgpid
    sleep 0.5
    t0=$(now)
    kill -TERM "$drain1_pid"
    gone "$drain1_pid" 25
    t1=$(now)
    wait "$drain1_pid"
    rc=$?
    gone "$cpid" 5
    echo "exit $rc after $(secs "$t0" "$t1") s; the request: $(cat "$tmp/d1.code") $(slow_error "$tmp/d1")"
    [ "$rc" = 0 ] && [ "$(cat "$tmp/d1.code")" = 200 ] && slow_error "$tmp/d1" | grep -q 'instruction budget' &&
        others_intact "$tmp/d1" && grep -q '^calc serve: stopped$' "$tmp/drain1.err" && ! within "$t0" "$t1" 0.2
}
check "SIGTERM during an evaluation of a few seconds: the request is answered, then the server exits 0" t_drain

# SIGTERM while an evaluation never ends (no wall-clock limit): at the drain deadline (2 s) the
# request is answered 503 and the server exits
t_drain_deadline() {
    start_server drain2 CALC_SERVE_WALL_MS=0 CALC_SERVE_DRAIN_SECONDS=2 -- --policies "$SET" --max-instructions 1000000000000 || return 1
    background post_example "$drain2_port" "$tmp/d2" --max-time 30
    cpid=$bgpid
    sleep 0.5
    t0=$(now)
    kill -TERM "$drain2_pid"
    gone "$drain2_pid" 10
    t1=$(now)
    kill -0 "$drain2_pid" 2>/dev/null && { echo "still running 10 s after SIGTERM"; return 1; }
    wait "$drain2_pid"
    rc=$?
    gone "$cpid" 5
    echo "exit $rc after $(secs "$t0" "$t1") s; the request: $(cat "$tmp/d2.code") $(cat "$tmp/d2")"
    grep -v 'note:' "$tmp/drain2.err"
    [ "$rc" = 0 ] && within "$t0" "$t1" 3.5 && [ "$(cat "$tmp/d2.code")" = 503 ] &&
        jq -e '.error.status == 503' "$tmp/d2" && grep -q '^calc serve: stopped' "$tmp/drain2.err"
}
check "SIGTERM during an endless evaluation: answered 503 at the 2 s drain deadline, the server exits 0" t_drain_deadline

# a graceful stop: SIGTERM drains and exits 0
kill -TERM "$pid"
wait "$pid"
rc=$?
pid=
if [ "$rc" -eq 0 ] && grep -q 'calc serve: stopped' "$tmp/main.err"; then pass "SIGTERM: drained, exit 0"; else fail "SIGTERM: drained, exit 0" "exit $rc"; fi

# every server's stderr: a sanitizer build reports there (and exits 0 only when it found nothing)
t_reports() { ! grep -E 'AddressSanitizer|LeakSanitizer|runtime error:|libmicrohttpd: .*(PANIC|panic)' "$tmp"/*.err; }
check "no sanitizer report from any server" t_reports

finish
