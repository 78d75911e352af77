#!/bin/sh
# batchreplay.sh — the batch manifest (`calc batch --manifest`, `calc allocate --manifest`) and
# `calc replay-batch`: a batch over tests/data/batch/population.jsonl (every budget pool of the
# default set binds, so pooled amounts are compared after allocation) and over 10^4 generated
# records (tests/bench/gen.c) replays with every record matching; an edited amount, a deleted
# line, a duplicated line and a changed input record are found and named; the manifest's
# digests detect an edited input, an edited results file and an edited manifest, not a
# reformatted one. Run from the repository root: BUILD=build sh tests/batchreplay.sh.
. tests/lib.sh
need_calc
need jq sha256sum
ASOF=2025-06-30
POP=tests/data/batch/population.jsonl
W=$tmp/w
mkdir -p "$W"
cp "$POP" "$W/pop.jsonl"

# the batch the checks replay, with its manifest
run batch "$W/pop.jsonl" --as-of $ASOF -q -j 2 -o "$W/res.jsonl" --manifest "$W/man.json"
N=$(wc -l <"$POP" | tr -d ' ')

# Ensure the manifest states what replays the run: the rules, the date, calc's version, the
# options, each input's digest and records, the results' digest and lines, its own digest.
begin "batch --manifest: rules, as_of, version, options, digests and counts"
[ "$rc" = 0 ] || problem "batch exit $rc"
want_eq "command" "$(jq -r .command "$W/man.json")" batch
want_eq "as_of" "$(jq -r .as_of "$W/man.json")" $ASOF
want_eq "calc_version" "$(jq -r .calc_version "$W/man.json")" "$("$CALC" version | awk '{print $NF}')"
want_eq "policy_set" "$(jq -r .rules.policy_set "$W/man.json")" \
    "$(head -n 1 "$W/res.jsonl" | jq -r .fingerprint.policy_set)"
want_eq "rule files" "$(jq -r '.rules.files | length' "$W/man.json")" \
    "$("$CALC" fingerprint | grep -c '^file ')"
want_eq "input sha256" "$(jq -r '.inputs[0].sha256' "$W/man.json")" \
    "$(sha256sum "$W/pop.jsonl" | cut -c1-64)"
want_eq "input records" "$(jq -r '.inputs[0].records' "$W/man.json")" "$N"
want_eq "results sha256" "$(jq -r .results.sha256 "$W/man.json")" \
    "$(sha256sum "$W/res.jsonl" | cut -c1-64)"
want_eq "results lines" "$(jq -r .results.lines "$W/man.json")" "$N"
want_eq "options" "$(jq -c '.options | [.no_pools, .explain, .set, .param, .scenario]' "$W/man.json")" \
    '[false,false,[],[],null]'
jq -r .digest "$W/man.json" | grep -Eq '^sha256:[0-9a-f]{64}$' || problem "no digest"
end

begin "batch --manifest needs -o FILE"
run batch "$W/pop.jsonl" --lang en --as-of $ASOF -q --manifest "$W/m2.json"
want_rc 2
want_line err "calc: --manifest records the results file's digest: give -o FILE"
end

# Ensure the pools bind in this population (claims turned away, shares cut), so that the
# replay's match covers allocated amounts.
begin "the population's pools bind"
grep -q 'pool exhausted' "$W/res.jsonl" || problem "no claim turned away by a pool"
end

# Ensure an untouched batch replays with every record matching, with the manifest (its date
# and options, its digests checked) and with flags alone (the date from the results).
begin "replay-batch --manifest: every record matches"
run replay-batch "$W/res.jsonl" "$W/pop.jsonl" --manifest "$W/man.json" -j 2 --lang en
want_rc 0
want_line out "records $N, matched $N, differing 0, missing from the results 0, missing from this run 0, duplicate ids 0"
want_line out "every record matches"
want_no_match out 'sha256|MISMATCH'
end

begin "replay-batch: the inputs from the manifest, -j 1 against a -j 2 batch"
run replay-batch "$W/res.jsonl" --manifest "$W/man.json" --lang en
want_rc 0
want_line out "every record matches"
end

begin "replay-batch without a manifest: the date from the results"
run replay-batch "$W/res.jsonl" "$W/pop.jsonl" --lang en
want_rc 0
want_line out "replaying $W/res.jsonl (inputs: 1, as of $ASOF, rules: policies)"
want_line out "every record matches"
end

begin "replay-batch in Chinese"
run replay-batch "$W/res.jsonl" "$W/pop.jsonl"
want_rc 0
want_line out "记录 $N，一致 $N，不一致 0，结果中缺失 0，本次重放中缺失 0，编号重复 0"
want_line out "每条记录都一致"
end

# Ensure a replay without the pools (as if the batch had run with --no-pools) differs from
# the pooled results: the amounts compared are the allocated ones.
begin "replay-batch --no-pools against pooled results: differences"
run replay-batch "$W/res.jsonl" "$W/pop.jsonl" --no-pools --as-of $ASOF --lang en
want_rc 1
want_match out '^record [0-9]+, id [^ ]+, policy [^ ]+: (status ineligible → eligible|amount [0-9.]+ → [0-9.]+)$'
end

# one result line's amount edited: the first eligible cash result with an amount
L=$(grep -n '"status": "eligible", "kind": "cash", "amount": "[1-9]' "$W/res.jsonl" | head -n 1 | cut -d: -f1)
LINE=$(sed -n "${L}p" "$W/res.jsonl")
ID=$(printf '%s\n' "$LINE" | jq -r .profile)
POL=$(printf '%s\n' "$LINE" | jq -r '[.results[] | select(.status == "eligible" and .kind == "cash" and .amount != "0.00")][0].policy')
AMT=$(printf '%s\n' "$LINE" | jq -r '[.results[] | select(.status == "eligible" and .kind == "cash" and .amount != "0.00")][0].amount')
awk -v l="$L" -v a="\"amount\": \"$AMT\"" 'NR == l { i = index($0, a); $0 = substr($0, 1, i - 1) "\"amount\": \"1.00\"" substr($0, i + length(a)) } { print }' \
    "$W/res.jsonl" >"$W/edited.jsonl"

begin "replay-batch: an edited amount is named (record, id, policy, recorded → now)"
[ "$(cmp "$W/res.jsonl" "$W/edited.jsonl" | wc -l)" = 1 ] || problem "the edit did not happen"
run replay-batch "$W/edited.jsonl" "$W/pop.jsonl" --as-of $ASOF -j 2 --lang en
want_rc 1
want_line out "record $L, id $ID, policy $POL: amount 1.00 → $AMT"
want_line out "records $N, matched $((N - 1)), differing 1, missing from the results 0, missing from this run 0, duplicate ids 0"
want_line out "MISMATCH: 1 records do not match"
end

begin "replay-batch --manifest: an edited results file fails its digest too"
run replay-batch "$W/edited.jsonl" "$W/pop.jsonl" --manifest "$W/man.json" --lang en
want_rc 1
want_match out "^the results \\($W/edited.jsonl\\): sha256 [0-9a-f]{64} in the manifest, [0-9a-f]{64} now: it changed after the batch\$"
want_line out "record $L, id $ID, policy $POL: amount 1.00 → $AMT"
want_line out "MISMATCH: the manifest's digests do not hold"
end

# a deleted line and a duplicated one
sed '7d' "$W/res.jsonl" >"$W/deleted.jsonl"
ID7=$(sed -n 7p "$W/res.jsonl" | jq -r .profile)
awk 'NR == 9 { print } { print }' "$W/res.jsonl" >"$W/dup.jsonl"
ID9=$(sed -n 9p "$W/res.jsonl" | jq -r .profile)

begin "replay-batch: a deleted line is missing from the results"
run replay-batch "$W/deleted.jsonl" "$W/pop.jsonl" --as-of $ASOF --lang en
want_rc 1
want_line out "record 7, id $ID7: no line for it in the results (missing from the results)"
want_line out "records $N, matched $((N - 1)), differing 0, missing from the results 1, missing from this run 0, duplicate ids 0"
end

begin "replay-batch: a duplicated line is a duplicate id"
run replay-batch "$W/dup.jsonl" "$W/pop.jsonl" --as-of $ASOF --lang en
want_rc 1
want_line out "results line 10: duplicate id $ID9 (first on line 9)"
want_line out "records $N, matched $N, differing 0, missing from the results 0, missing from this run 0, duplicate ids 1"
end

# (without pools: fewer records would claim less of them, and change the grants of the rest)
begin "replay-batch: a results line no input gives is missing from this run"
run batch "$W/pop.jsonl" --no-pools --as-of $ASOF -q -o "$W/res-np.jsonl"
head -n 20 "$W/pop.jsonl" >"$W/short.jsonl"
run replay-batch "$W/res-np.jsonl" "$W/short.jsonl" --no-pools --as-of $ASOF --lang en
want_rc 1
want_line out "records 20, matched 20, differing 0, missing from the results 0, missing from this run $((N - 20)), duplicate ids 0"
want_match out "^results line 21, id [^ ]+: no record of the inputs gives it \\(missing from this run\\)\$"
end

# an input record changed: record 3's talent apartments requested
ID3=$(sed -n 3p "$W/pop.jsonl" | jq -r .id)
awk 'NR == 3 { sub(/"requested_units": [0-9]+/, "\"requested_units\": 1") } { print }' "$W/pop.jsonl" >"$W/pop-edited.jsonl"

begin "replay-batch: a changed input record is a mismatch (its profile's fingerprint)"
cmp -s "$W/pop.jsonl" "$W/pop-edited.jsonl" && problem "the input edit did not happen"
run replay-batch "$W/res.jsonl" "$W/pop-edited.jsonl" --as-of $ASOF --lang en
want_rc 1
want_match out "^record 3, id $ID3: fingerprint.profile sha256:[0-9a-f]{64} → sha256:[0-9a-f]{64}\$"
want_match out "^records $N, matched [0-9]+, differing [1-9][0-9]*, "
end

begin "replay-batch --manifest: the input's digest detects the edited input"
cp "$W/pop-edited.jsonl" "$W/pop.jsonl"
run replay-batch "$W/res.jsonl" --manifest "$W/man.json" --lang en
want_rc 1
want_match out "^input 1 \\($W/pop.jsonl\\): sha256 [0-9a-f]{64} in the manifest, [0-9a-f]{64} now: it changed after the batch\$"
want_line out "MISMATCH: the manifest's digests do not hold"
cp "$POP" "$W/pop.jsonl"
end

begin "replay-batch --manifest: an edited manifest fails its digest, a reformatted one does not"
sed 's/"no_pools": false/"no_pools": true/' "$W/man.json" >"$W/man-edited.json"
run replay-batch "$W/res.jsonl" --manifest "$W/man-edited.json" --lang en
want_rc 1
want_line out "manifest $W/man-edited.json: its digest does not match its content: it changed after it was written"
jq . "$W/man.json" >"$W/man-reformatted.json"
cmp -s "$W/man.json" "$W/man-reformatted.json" && problem "jq did not reformat the manifest"
run replay-batch "$W/res.jsonl" --manifest "$W/man-reformatted.json" --lang en
want_rc 0
want_line out "every record matches"
end

begin "replay-batch --manifest with options of its own is a usage error"
run replay-batch "$W/res.jsonl" --manifest "$W/man.json" --no-pools --lang zh
want_rc 2
want_match err "^calc: --manifest 已给出该批次的测算日期和选项"
run replay-batch "$W/res.jsonl" --lang en
want_rc 2
want_line err "calc: replay-batch needs the batch's inputs after the results file (or --manifest)"
end

# the recorded rules: a copy replays the same; a changed parameter is found
cp -r policies "$tmp/rules"
sed -i 's/min_area = illustrative(m2 "100")/min_area = illustrative(m2 "400")/' "$tmp/rules/sc25-first-store.lua"
cp -r policies "$tmp/rules-same"
begin "replay-batch --rules DIR: the recorded rules match, changed ones do not"
run replay-batch "$W/res.jsonl" "$W/pop.jsonl" --rules "$tmp/rules-same" --as-of $ASOF --lang en
want_rc 0
want_line out "every record matches"
run replay-batch "$W/res.jsonl" "$W/pop.jsonl" --rules "$tmp/rules" --as-of $ASOF --lang en
want_rc 1
want_match out "^note: the results were made under rule set sha256:[0-9a-f]{64}; replayed under sha256:[0-9a-f]{64}\$"
want_match out "^record [0-9]+, id [^ ]+, policy sc25-first-store: status eligible → ineligible\$"
end

# allocate's manifest: shards of batch --no-pools reduced
head -n 200 "$POP" >"$W/s1.jsonl"
tail -n +201 "$POP" >"$W/s2.jsonl"
run batch "$W/s1.jsonl" --no-pools --as-of $ASOF -q -o "$W/r1.jsonl"
run batch "$W/s2.jsonl" --no-pools --as-of $ASOF -q -o "$W/r2.jsonl"
begin "allocate --manifest: the shards' digests and lines, the results'"
run allocate "$W/r1.jsonl" "$W/r2.jsonl" -q -o "$W/alloc.jsonl" --manifest "$W/am.json"
want_rc 0
want_eq "command" "$(jq -r .command "$W/am.json")" allocate
want_eq "shards" "$(jq -c '[.inputs[].lines]' "$W/am.json")" "[200,$((N - 200))]"
want_eq "shard sha256" "$(jq -r '.inputs[1].sha256' "$W/am.json")" "$(sha256sum "$W/r2.jsonl" | cut -c1-64)"
want_eq "results lines" "$(jq -r .results.lines "$W/am.json")" "$N"
want_same "allocated shards = a single run" "$W/alloc.jsonl" "$W/res.jsonl"
end

begin "replay-batch refuses allocate's manifest and a CSV batch's"
run replay-batch "$W/alloc.jsonl" --manifest "$W/am.json" --lang en
want_rc 2
want_match err "a manifest of calc allocate: replay-batch replays calc batch's \\(replay each shard's batch\\)\$"
run batch "$W/pop.jsonl" --as-of $ASOF -q --format csv -o "$W/res.csv" --manifest "$W/csv.json"
run replay-batch "$W/res.csv" --manifest "$W/csv.json" --lang en
want_rc 2
want_match err "the batch wrote csv: replay-batch compares JSON Lines results\$"
end

# invalid records and a repeated id: error lines, matched by the input record's number
begin "replay-batch: a batch with invalid records replays; a repeated error line is named"
cp tests/data/batch/bad.jsonl "$W/bad.jsonl"
run batch "$W/bad.jsonl" --as-of $ASOF -q -o "$W/bad-res.jsonl" --manifest "$W/bad-man.json"
want_rc 3
grep -q '"error"' "$W/bad-res.jsonl" || problem "no error line"
NB=$(wc -l <"$W/bad-res.jsonl" | tr -d ' ')
run replay-batch "$W/bad-res.jsonl" --manifest "$W/bad-man.json" --lang en
want_rc 0
want_line out "records $NB, matched $NB, differing 0, missing from the results 0, missing from this run 0, duplicate ids 0"
EL=$(grep -n '"error"' "$W/bad-res.jsonl" | head -n 1 | cut -d: -f1)
ER=$(sed -n "${EL}p" "$W/bad-res.jsonl" | jq -r .record)
awk -v l="$EL" 'NR == l { print } { print }' "$W/bad-res.jsonl" >"$W/bad-dup.jsonl"
run replay-batch "$W/bad-dup.jsonl" "$W/bad.jsonl" --as-of $ASOF --lang en
want_rc 1
want_line out "results line $((EL + 1)): duplicate id input record $ER (first on line $EL)"
end

# 10^4 generated records, pools allocated in both runs
if [ -x "$BUILD/gen" ]; then GEN=$BUILD/gen; else
    GEN=$tmp/gen
    ${CC:-cc} -std=c11 -O2 -o "$GEN" tests/bench/gen.c || GEN=""
fi
begin "10^4 generated records: batch -j 2 replayed at -j 2, every record matches"
if [ -z "$GEN" ]; then problem "cannot build tests/bench/gen.c"; else
    "$GEN" 10000 42 >"$W/big.jsonl"
    run batch "$W/big.jsonl" --as-of $ASOF -q -j 2 -o "$W/big-res.jsonl" --manifest "$W/big-man.json"
    [ "$rc" = 0 ] || problem "batch exit $rc"
    grep -q 'pool exhausted' "$W/big-res.jsonl" || problem "no pool binds in the generated batch"
    run replay-batch "$W/big-res.jsonl" --manifest "$W/big-man.json" -j 2 --lang en
    want_rc 0
    want_line out "records 10000, matched 10000, differing 0, missing from the results 0, missing from this run 0, duplicate ids 0"
fi
end

# Ensure a signed manifest (--sign, Ed25519) verifies with its key and names it; another key,
# an unsigned manifest, and a signed manifest edited after signing (its digest recomputed, so
# only the signature can tell) all fail; --sign and --verify need --manifest.
begin "batch --manifest --sign, replay-batch --verify"
need openssl
openssl genpkey -algorithm ed25519 -out "$W/k.pem" 2>/dev/null &&
    openssl pkey -in "$W/k.pem" -pubout -out "$W/pub.pem" &&
    openssl genpkey -algorithm ed25519 -out "$W/k2.pem" 2>/dev/null &&
    openssl pkey -in "$W/k2.pem" -pubout -out "$W/pub2.pem" || problem "cannot make keys"
run batch "$W/pop.jsonl" --as-of $ASOF -q -o "$W/sres.jsonl" --manifest "$W/sman.json" \
    --sign "$W/k.pem"
want_rc 0
fp="sha256:$(openssl pkey -pubin -in "$W/pub.pem" -outform DER | sha256sum | cut -d' ' -f1)"
want_eq "signature" "$(jq -c '[.signature.algorithm, .signature.key]' "$W/sman.json")" \
    "[\"ed25519\",\"$fp\"]"
run replay-batch "$W/sres.jsonl" --manifest "$W/sman.json" --verify "$W/pub.pem" --lang en
want_rc 0
want_line out "manifest $W/sman.json: signed by $fp"
want_line out "every record matches"
run replay-batch "$W/sres.jsonl" --manifest "$W/sman.json" --verify "$W/pub2.pem" --lang en
want_rc 1
want_match out "^manifest $W/sman.json: its signature does not verify: "
run replay-batch "$W/res.jsonl" --manifest "$W/man.json" --verify "$W/pub.pem"
want_rc 1
want_line out "清单 $W/man.json 没有签名（calc batch --manifest 文件 --sign 私钥.pem）"
# an edit of the date with a digest made again: the digest holds, the signature does not
jq '.as_of = "2025-07-01"' "$W/sman.json" >"$W/sman2.json"
d=$(jq -c 'del(.digest, .signature)' "$W/sman2.json" | tr -d '\n' | sha256sum | cut -d' ' -f1)
jq --arg d "sha256:$d" '.digest = $d' "$W/sman2.json" >"$W/sman3.json"
run replay-batch "$W/sres.jsonl" --manifest "$W/sman3.json" --verify "$W/pub.pem" --lang en
want_rc 1
want_match out "^manifest $W/sman3.json: its signature does not verify: "
run batch "$W/pop.jsonl" --as-of $ASOF -q -o "$W/x.jsonl" --sign "$W/k.pem" --lang en
want_rc 2
want_line err "calc: --sign signs the manifest: give --manifest FILE"
run replay-batch "$W/sres.jsonl" "$W/pop.jsonl" --as-of $ASOF --verify "$W/pub.pem" --lang en
want_rc 2
want_line err "calc: --verify checks the manifest's signature: give --manifest FILE"
end

finish
