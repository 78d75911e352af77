#!/bin/sh
# sheets.sh — staff's spreadsheets read as they are: a CSV saved by Excel in GBK, with Chinese
# headers (and a few paths and English labels among them), Chinese enum labels, TRUE/是,
# 2024/3/15 and "1,200,000", gives byte for byte the results of the same profiles in canonical
# YAML (cases/profiles/example.yaml and records of tests/data/population and tests/data/batch);
# the encoding given or found, and named in a note; a file in neither UTF-8 nor GB18030; a
# character cut by the read blocks; errors naming the row, the column's letter and the header;
# enum labels in YAML, JSON Lines and --set; and `calc init --format csv` read back. Run from
# the repository root: BUILD=build sh tests/sheets.sh.
. tests/lib.sh
need_calc
need jq iconv
D=tests/data/sheets
ASOF=2025-06-30

# The profiles in canonical YAML: the example, then JSON documents (YAML's flow style) from the
# populations; and the same in a spreadsheet (tests/data/sheets/excel.csv, UTF-8) made GBK.
{ cat cases/profiles/example.yaml
  while IFS= read -r l; do echo ---; echo "$l"; done <tests/data/population/small.jsonl
  grep -E '"id": "(APT-056|OFF-038)"' tests/data/batch/population.jsonl |
      while IFS= read -r l; do echo ---; echo "$l"; done; } >"$tmp/profiles.yaml"
iconv -f UTF-8 -t GBK "$D/excel.csv" >"$tmp/excel-gbk.csv"

run batch "$tmp/profiles.yaml" --as-of $ASOF -q -o "$tmp/yaml.jsonl" --summary "$tmp/yaml.sum"
yaml_rc=$rc
run batch "$tmp/profiles.yaml" --as-of $ASOF -q --no-pools -o "$tmp/yaml-np.jsonl"

# Ensure the YAML reference runs: 8 records, the example's R&D subsidy 10% of 8,000,000.50 =
# 800,000.05 (book, sc25-rd-subsidy) and W4's 900,000 below the 1,000,000 threshold.
begin "the canonical profiles: 8 records, amounts as the book says"
rc=$yaml_rc
want_rc 0
want_eq "records" "$(wc -l <"$tmp/yaml.jsonl" | tr -d ' ')" 8
want_eq "rd subsidy" "$(jq -r 'select(.profile == "91330102MA2EXAMPLE") | .results[]
  | select(.policy == "sc25-rd-subsidy") | "\(.status) \(.amount)"' "$tmp/yaml.jsonl")" \
    "eligible 800000.05"
want_eq "W4" "$(jq -r 'select(.profile == "W4") | .results[]
  | select(.policy == "sc25-rd-subsidy") | .status' "$tmp/yaml.jsonl")" "ineligible"
end

# Ensure the spreadsheet in GBK, its encoding found from its bytes, gives the YAML's results
# byte for byte (fingerprints included) and its summary, which notes the encoding in both
# languages; stderr says it once, in the language of messages (read FILE as GB18030; in Chinese
# 注意：按 GB18030 编码读取 FILE, whatever --lang says of the cells).
begin "GBK CSV as Excel writes it (found) == canonical YAML, byte for byte"
run batch "$tmp/excel-gbk.csv" --as-of $ASOF -q -o "$tmp/gbk.jsonl" --summary "$tmp/gbk.sum"
want_rc 0
want_same "results" "$tmp/yaml.jsonl" "$tmp/gbk.jsonl"
want_err1 "calc: note: read $tmp/excel-gbk.csv as GB18030"
LANGUAGE=zh_CN.UTF-8 run batch "$tmp/excel-gbk.csv" --as-of $ASOF -q -o "$tmp/gbk-zh.jsonl"
want_err1 "calc: 注意：按 GB18030 编码读取 $tmp/excel-gbk.csv"
run batch "$tmp/excel-gbk.csv" --as-of $ASOF -q -o "$tmp/gbk-zh.jsonl" --lang zh
want_err1 "calc: 注意：按 GB18030 编码读取 $tmp/excel-gbk.csv"
jq -S 'del(.notes)' "$tmp/gbk.sum" >"$tmp/gbk.sum-n" 2>&1
jq -S . "$tmp/yaml.sum" >"$tmp/yaml.sum-n" 2>&1
want_same "summaries but the notes" "$tmp/yaml.sum-n" "$tmp/gbk.sum-n"
want_eq "notes" "$(jq -c '.notes' "$tmp/gbk.sum")" \
    "[{\"code\":\"encoding\",\"file\":\"$tmp/excel-gbk.csv\",\"encoding\":\"GB18030\",\"zh\":\"按 GB18030 编码读取 $tmp/excel-gbk.csv\",\"en\":\"read $tmp/excel-gbk.csv as GB18030\"}]"
want_eq "YAML summary has no notes" "$(jq -c '.notes' "$tmp/yaml.sum")" "null"
end

# Ensure --encoding gbk and gb18030 read it the same, and the note names the encoding given.
begin "GBK CSV with --encoding gbk / gb18030 == canonical YAML"
run batch "$tmp/excel-gbk.csv" --encoding gbk --as-of $ASOF -q -o "$tmp/gbk2.jsonl"
want_rc 0
want_same "results (gbk)" "$tmp/yaml.jsonl" "$tmp/gbk2.jsonl"
want_err1 "calc: note: read $tmp/excel-gbk.csv as GBK"
run batch "$tmp/excel-gbk.csv" --encoding gb18030 --as-of $ASOF -q -o "$tmp/gbk3.jsonl"
want_rc 0
want_same "results (gb18030)" "$tmp/yaml.jsonl" "$tmp/gbk3.jsonl"
end

# Ensure the spreadsheet in UTF-8 (as committed, CRLF, no BOM; and with Excel's BOM) gives the
# same results, and says nothing of its encoding.
begin "the same CSV in UTF-8 (with and without a BOM) == canonical YAML, no note"
run batch "$D/excel.csv" --as-of $ASOF -q -o "$tmp/utf8.jsonl" --summary "$tmp/utf8.sum"
want_rc 0
want_same "results" "$tmp/yaml.jsonl" "$tmp/utf8.jsonl"
want_err_empty
want_eq "notes" "$(jq -c '.notes' "$tmp/utf8.sum")" "null"
{ printf '\357\273\277'; cat "$D/excel.csv"; } >"$tmp/bom.csv"
run batch "$tmp/bom.csv" --as-of $ASOF -q -o "$tmp/bom.jsonl"
want_rc 0
want_same "results (BOM)" "$tmp/yaml.jsonl" "$tmp/bom.jsonl"
want_err_empty
end

# Ensure a GBK CSV through a pipe (which cannot be scanned twice: its first MiB decides) reads
# the same, and the note names standard input.
begin "GBK CSV on a pipe (found, and --encoding gbk) == canonical YAML"
runx sh -c "cat '$tmp/excel-gbk.csv' | '$CALC' batch - --input-format csv --no-pools -q --as-of $ASOF"
want_rc 0
want_same "results" "$tmp/yaml-np.jsonl" "$tmp/out"
want_err1 "calc: note: read <stdin> as GB18030"
runx sh -c "cat '$tmp/excel-gbk.csv' | '$CALC' batch - --input-format csv --encoding gbk --no-pools -q --as-of $ASOF"
want_rc 0
want_same "results (gbk)" "$tmp/yaml-np.jsonl" "$tmp/out"
end

# Ensure whatif and near read the GBK CSV too, with the note in the language of messages.
begin "whatif and near: a GBK CSV, the note in the language of messages"
run whatif "$tmp/excel-gbk.csv" --param sc25-rd-subsidy.rate=15% --as-of $ASOF --format json \
    --lang zh
want_rc 0
want_line err "calc: 注意：按 GB18030 编码读取 $tmp/excel-gbk.csv"
run whatif "$tmp/profiles.yaml" --param sc25-rd-subsidy.rate=15% --as-of $ASOF --format json
cp "$tmp/out" "$tmp/whatif-yaml.json"
run whatif "$tmp/excel-gbk.csv" --param sc25-rd-subsidy.rate=15% --as-of $ASOF --format json \
    --lang en
want_line err "calc: note: read $tmp/excel-gbk.csv as GB18030"
want_same "whatif" "$tmp/whatif-yaml.json" "$tmp/out"
run near "$tmp/excel-gbk.csv" --as-of $ASOF --format json
want_rc 0
cp "$tmp/out" "$tmp/near-gbk.json"
run near "$tmp/profiles.yaml" --as-of $ASOF --format json
want_same "near" "$tmp/out" "$tmp/near-gbk.json"
end

# Ensure a file in neither UTF-8 nor GB18030 (the GBK sheet with a byte 0xFF in W3's name, row
# 5) is refused whole — no record evaluated, no results written — at that cell: row, letter,
# header and byte; and that with --encoding gbk only that row is an error record.
begin "neither UTF-8 nor GB18030: refused at the row, column and bytes; --encoding reads the rest"
awk 'NR == 5 { sub(/^W3,/, "W3,\377") } { print }' "$tmp/excel-gbk.csv" >"$tmp/neither.csv"
run_nosrc batch "$tmp/neither.csv" --as-of $ASOF -q -o "$tmp/n.jsonl"
want_rc 3
[ -e "$tmp/n.jsonl" ] && problem "n.jsonl was written (the file was not read to its end)"
want_err_is <<EOF
$tmp/neither.csv:5:B（企业名称）: error: name: the bytes 0xFF are neither UTF-8 nor GB18030: the file cannot be read as either
$tmp/neither.csv:5:B（企业名称）: note: save the file as UTF-8 (in Excel: CSV UTF-8), or give --encoding utf-8, gbk or gb18030 to read its other rows
calc: error: $tmp/neither.csv: cannot read further (record 1)
calc: error: no file written: an input could not be read to its end, and its records would be missing from the results
EOF
run_nosrc batch "$tmp/neither.csv" --encoding gbk --as-of $ASOF -q --no-pools -o "$tmp/n2.jsonl"
want_rc 3
want_eq "records" "$(jq -r '.profile // "error \(.record) line \(.line)"' "$tmp/n2.jsonl" | tr '\n' ' ')" \
    "91330102MA2EXAMPLE W1 W2 error 4 line 5 W4 W5 APT-056 OFF-038 "
want_eq "error" "$(jq -r 'select(.error) | .error' "$tmp/n2.jsonl")" \
    "5:B（企业名称）: name: the bytes 0xFF are not GBK (save the file as UTF-8 (in Excel: CSV UTF-8))"
end

# Ensure a GBK character cut by the end of a read block (64 KiB; a pipe's first MiB) is read
# whole: a GBK file of 1.2 MiB with a name whose 甲 straddles offsets 65,536, 131,072 and
# 1,048,576, read from the file and from a pipe, gives the results of the same file in UTF-8.
begin "a GBK character cut by the read blocks is read whole (file and pipe)"
{ echo 'id,name'
  # rows of 13 bytes (S000001,甲乙 in GBK and the line end) up to a cut at each offset
  awk -v cuts="65536 131072 1048576" 'BEGIN { n = split(cuts, c, " "); at = 8; k = 0
      for (i = 1; i <= n; i++) {
          while (at + 13 + 40 < c[i]) { printf "S%06d,\xBC\xD7\xD2\xD2\n", ++k; at += 13 }
          row = sprintf("C%06d,", ++k); pad = c[i] - 1 - at - length(row)
          s = row; for (j = 0; j < pad; j++) s = s "a"
          printf "%s\xBC\xD7\xD2\xD2\xB1\xFB\n", s; at += length(s) + 7 }
      for (j = 0; j < 15000; j++) printf "T%06d,\xB1\xFB\n", ++k }'; } >"$tmp/big-gbk.csv"
iconv -f GBK -t UTF-8 "$tmp/big-gbk.csv" >"$tmp/big-utf8.csv" || problem "fixture: not GBK"
for at in 65536 131072 1048576; do
    b=$(od -An -tx1 -j $((at - 1)) -N 2 "$tmp/big-gbk.csv" | tr -d ' ')
    [ "$b" = bcd7 ] || problem "fixture: bytes at $((at - 1)) are $b, not 甲 (bcd7)"
done
run batch "$tmp/big-utf8.csv" --as-of $ASOF --no-pools --no-eval -q -o "$tmp/big-utf8.jsonl"
want_rc 0
run batch "$tmp/big-gbk.csv" --as-of $ASOF --no-pools --no-eval -q -o "$tmp/big-gbk.jsonl"
want_rc 0
want_same "results (file)" "$tmp/big-utf8.jsonl" "$tmp/big-gbk.jsonl"
runx sh -c "cat '$tmp/big-gbk.csv' | '$CALC' batch - --input-format csv --no-pools --no-eval -q --as-of $ASOF"
want_rc 0
want_same "results (pipe)" "$tmp/big-utf8.jsonl" "$tmp/out"
want_eq "records" "$(wc -l <"$tmp/big-gbk.jsonl" | tr -d ' ')" \
    "$(($(wc -l <"$tmp/big-gbk.csv") - 1))"
end

# Ensure an unknown header is refused with its column's letter and header and the closest path
# or label; a label is matched exactly, never guessed.
begin "an unknown header: its column letter and header, did you mean"
printf '企业标识,企业名称,研发投人,finance.rd_expnse,Revenu\n' >"$tmp/unknown.csv"
run_nosrc batch "$tmp/unknown.csv" --as-of $ASOF -q
want_rc 3
want_err_is <<EOF
$tmp/unknown.csv:1:C（研发投人）: error: unknown column: no field has this path or label
$tmp/unknown.csv:1:C（研发投人）: note: did you mean '研发投入'?
$tmp/unknown.csv:1:D (finance.rd_expnse): error: unknown column: no field has this path or label
$tmp/unknown.csv:1:D (finance.rd_expnse): note: did you mean 'finance.rd_expense'?
$tmp/unknown.csv:1:E (Revenu): error: unknown column: no field has this path or label
$tmp/unknown.csv:1:E (Revenu): note: did you mean 'Revenue'?
calc: error: $tmp/unknown.csv: cannot read further (record 1)
EOF
end

# Ensure every error in a row names its cell — row (as Excel numbers it: the header is row 1),
# letter and header, the header left out when it is the path — in the messages on stderr and
# in the error record; a quoted cell over two lines makes the sheet's row differ from the
# file's line, and the cell says so (C4: row 4, on line 5).
begin "errors name the cell: file:line:C（header）, C4 when the row is not the line"
printf 'id,企业名称,研发投入,employees\r\nE1,甲,12x,1\r\nE2,"two\r\nlines",1,2\r\nE3,丙,1.5千,x\r\n' \
    >"$tmp/cells.csv"
run_nosrc batch "$tmp/cells.csv" --as-of $ASOF -q --no-pools -o "$tmp/cells.jsonl"
want_rc 3
want_err_is <<EOF
$tmp/cells.csv:2:C（研发投入）: error: finance.rd_expense: expected an amount in yuan (not a number), got '12x'
$tmp/cells.csv:2:C（研发投入）: note: write 15000, 15000.50, 1.5万 or 1,200,000
$tmp/cells.csv:5:C4（研发投入）: error: finance.rd_expense: expected an amount in yuan (not a number), got '1.5千'
$tmp/cells.csv:5:C4（研发投入）: note: write 15000, 15000.50, 1.5万 or 1,200,000
$tmp/cells.csv:5:D4: error: employees: expected a whole number, got 'x'
$tmp/cells.csv:5:D4: note: write a whole number, e.g. 12
EOF
want_eq "error records" "$(jq -r 'select(.error) | "\(.record) \(.line) \(.error | split(": ")[0])"' "$tmp/cells.jsonl")" \
    "1 2 2:C（研发投入）
3 5 5:C4（研发投入）"
end

# Ensure an enum value given by its Chinese label is its code everywhere: a YAML profile,
# --set, a JSON Lines record — the same result bytes and profile fingerprint as the code.
begin "enum labels: YAML, --set and JSON Lines give the code's fingerprint and result"
sed 's/^industry: ai$/industry: 人工智能/; s/tags: \[tech_enterprise, high_tech\]/tags: [科技型企业, 高新技术企业]/; s/kind: hangzhou_first/kind: 杭州首店/; s/mode: rent/mode: 租赁/' \
    cases/profiles/example.yaml >"$tmp/example-zh.yaml"
grep -q '人工智能' "$tmp/example-zh.yaml" && grep -q '杭州首店' "$tmp/example-zh.yaml" ||
    problem "fixture: the labels were not put in"
run eval cases/profiles/example.yaml --as-of $ASOF --format json
cp "$tmp/out" "$tmp/code.json"
run eval "$tmp/example-zh.yaml" --as-of $ASOF --format json
want_rc 0
want_same "result (YAML labels)" "$tmp/code.json" "$tmp/out"
run eval cases/profiles/example.yaml --set industry=other --as-of $ASOF --format json
cp "$tmp/out" "$tmp/other.json"
run eval cases/profiles/example.yaml --set industry=other --set industry=人工智能 --as-of $ASOF \
    --format json
want_rc 0
want_same "result (--set industry=人工智能)" "$tmp/code.json" "$tmp/out"
cmp -s "$tmp/other.json" "$tmp/code.json" && problem "industry=other gives the same result"
run fingerprint cases/profiles/example.yaml "$tmp/example-zh.yaml"
want_rc 0
want_eq "profile fingerprints" "$(awk '$1 == "profile" { print $2 }' "$tmp/out" | sort -u | wc -l | tr -d ' ')" 1
want_eq "profiles" "$(grep -c '^profile' "$tmp/out")" 2
printf '{"id": "J1", "name": "甲", "industry": "%s", "tags": ["%s"], "stores": [{"kind": "%s"}]}\n' \
    ai tech_enterprise hangzhou_first >"$tmp/code.jsonl"
printf '{"id": "J1", "name": "甲", "industry": "%s", "tags": ["%s"], "stores": [{"kind": "%s"}]}\n' \
    人工智能 科技型企业 杭州首店 >"$tmp/zh.jsonl"
run batch "$tmp/code.jsonl" --as-of $ASOF -q -o "$tmp/code.out"
run batch "$tmp/zh.jsonl" --as-of $ASOF -q -o "$tmp/zh.out"
want_rc 0
want_same "batch line (JSON Lines labels)" "$tmp/code.out" "$tmp/zh.out"
end

# Ensure --encoding is for CSV: a YAML or JSON Lines input with GBK is a usage error (2), and
# a bad encoding name is one too.
begin "--encoding: YAML and JSON stay UTF-8; unknown names refused"
run batch "$tmp/profiles.yaml" --encoding gbk --as-of $ASOF -q
want_rc 2
want_err1 "calc: error: $tmp/profiles.yaml: --encoding gbk is for CSV: YAML and JSON Lines are always UTF-8"
run batch "$tmp/profiles.yaml" --encoding utf-8 --as-of $ASOF -q -o "$tmp/u.jsonl"
want_rc 0
want_same "--encoding utf-8 on YAML" "$tmp/yaml.jsonl" "$tmp/u.jsonl"
run batch "$D/excel.csv" --encoding latin1 --as-of $ASOF -q
want_rc 2
want_match err "^calc: --encoding: expected utf-8, gbk or gb18030, got 'latin1'"
end

# Ensure calc init --format csv writes a template with Chinese headers (the list of stores as
# numbered columns) and the example's row, which calc batch reads back to the example's
# results; -o never overwrites.
begin "calc init --format csv: Chinese headers, the example's row, read back by calc batch"
run init --format csv -o "$tmp/template.csv"
want_rc 0
want_eq "BOM" "$(od -An -tx1 -N3 "$tmp/template.csv" | tr -d ' ')" efbbbf
head -n 1 "$tmp/template.csv" | tail -c +4 | tr -d '\r' | tr ',' '\n' >"$tmp/heads"
want_eq "first headers" "$(head -n 3 "$tmp/heads" | tr '\n' ' ')" "企业标识 企业名称 注册地 "
want_line_file "$tmp/heads" "研发投入"
want_line_file "$tmp/heads" "门店1.门店类型"
want_line_file "$tmp/heads" "门店3.装修投入"
# 52 columns for book 1's fields, 54 for book 2's (its lists of records with 3 numbered items
# each; the award ledger is the district's records: no column)
want_eq "columns" "$(wc -l <"$tmp/heads" | tr -d ' ')" 106
want_line_file "$tmp/heads" "上级项目资金3.到账金额"
want_line_file "$tmp/heads" "月度参保人数1.月份"
grep -q '已获奖励记录' "$tmp/heads" && problem "the template asks for the award ledger"
want_eq "rows" "$(wc -l <"$tmp/template.csv" | tr -d ' ')" 2
grep -q ',人工智能,"科技型企业;高新技术企业",' "$tmp/template.csv" ||
    problem "the row does not give the industry and tags by label"
run batch "$tmp/template.csv" --as-of $ASOF -q -o "$tmp/template.jsonl"
want_rc 0
run batch cases/profiles/example.yaml --as-of $ASOF -q -o "$tmp/example.jsonl"
want_same "results of the template and of the example" "$tmp/example.jsonl" "$tmp/template.jsonl"
run init --format csv -o "$tmp/template.csv"
want_rc 2
run init --format xlsx
want_rc 2
end

# Ensure a CSV of several chunks (128 records each) read by the worker threads — the reader
# only cuts its rows — gives the same bytes at -j 1 and -j 2, and the rows, lines and messages
# the reader gave when it read every row itself: quoted cells over two lines (LF and CRLF
# inside, "" beside a line end) as the last and first records of chunks, CRLF line ends, blank
# rows (an empty line, empty cells, spaces), a bad cell and a stray quote after them (the
# sheet's row is the line less the lines quoted cells took), a repeated id, and a quote never
# closed near the end, whose lines are read again as rows. In UTF-8, with a BOM and in GBK.
begin "CSV rows read by the workers: -j 1 == -j 2, rows and messages across chunks"
mkdir -p "$tmp/u" "$tmp/b" "$tmp/g"
awk 'BEGIN { printf "id,name,district,employees,talent.eligible\n"
    for (i = 1; i <= 1000; i++) {
        id = sprintf("W%04d", i == 900 ? 100 : i); name = "企业" i; emp = i % 50
        if (i == 256 || i == 257) name = "\"甲\n乙\""
        if (i == 512) name = "\"甲\r\n乙\""
        if (i == 768) name = "\"a\"\"b\nc\""
        if (i == 700) name = "bad\"quote"
        if (i == 600) emp = "many"
        printf "%s,%s,上城区,%s,%d%s", id, name, emp, i % 30, i % 7 ? "\n" : "\r\n"
        if (i == 300) printf "\n,,,,\n   \n" }
    printf "W1001,\"never closed\nW1002,企业1002,上城区,2,1\nW1003,企业1003,上城区,3,1\n" }' \
    >"$tmp/u/pop.csv"
printf '\357\273\277' | cat - "$tmp/u/pop.csv" >"$tmp/b/pop.csv"
iconv -f UTF-8 -t GBK "$tmp/u/pop.csv" >"$tmp/g/pop.csv" || problem "fixture: not GBK"
for v in u b g; do
    for j in 1 2; do
        run_nosrc batch "$tmp/$v/pop.csv" --as-of $ASOF -q --no-pools -j $j -o "$tmp/$v/j$j.jsonl"
        want_rc 3
        cp "$tmp/err" "$tmp/$v/j$j.err"
    done
    want_same "results ($v, -j 1 and -j 2)" "$tmp/$v/j1.jsonl" "$tmp/$v/j2.jsonl"
    want_same "messages ($v, -j 1 and -j 2)" "$tmp/$v/j1.err" "$tmp/$v/j2.err"
    sed "s|$tmp/$v/|$tmp/u/|g" "$tmp/$v/j1.jsonl" >"$tmp/$v/as-u.jsonl"
    want_same "results ($v and UTF-8)" "$tmp/u/j1.jsonl" "$tmp/$v/as-u.jsonl"
done
# every record's problems in input order, what reading it found first (chunks do not show)
want_is u/j1.err <<EOF
$tmp/u/pop.csv:607:D604: error: employees: expected a whole number, got 'many'
$tmp/u/pop.csv:607:D604: note: write a whole number, e.g. 12
$tmp/u/pop.csv:707:B704: error: name: CSV: a quote inside a cell that does not begin with one
$tmp/u/pop.csv:707:B704: note: quote the whole cell and double its quotes: "bad""quote"
$tmp/u/pop.csv:908: error: record 900: duplicate id 'W0100' (first seen in record 100)
$tmp/u/pop.csv:1009:B1005: error: name: CSV: a quoted cell is not closed before the end of the file
$tmp/u/pop.csv:1009:B1005: note: close the quote: "…" (the lines after it were read as rows)
EOF
want_eq "GBK's note" "$(head -n 1 "$tmp/g/j1.err")" "calc: note: read $tmp/g/pop.csv as GB18030"
tail -n +2 "$tmp/g/j1.err" | sed "s|$tmp/g/|$tmp/u/|g" >"$tmp/g/as-u.err"
want_same "messages (GBK and UTF-8)" "$tmp/u/j1.err" "$tmp/g/as-u.err"
sed "s|$tmp/b/|$tmp/u/|g" "$tmp/b/j1.err" >"$tmp/b/as-u.err"
want_same "messages (BOM and UTF-8)" "$tmp/u/j1.err" "$tmp/b/as-u.err"
want_eq "records" "$(wc -l <"$tmp/u/j1.jsonl" | tr -d ' ')" 1003
want_eq "error records" "$(jq -r 'select(.error) | "\(.record) \(.line) \(.error | split(": ")[0])"' "$tmp/u/j1.jsonl")" \
    "600 607 607:D604
700 707 707:B704
900 908 duplicate id 'W0100' (first seen in record 100)
1001 1009 1009:B1005"
want_eq "records at the chunks' edges, and the lines given back" \
    "$(jq -r 'select(.record == null) | .profile' "$tmp/u/j1.jsonl" |
        grep -xE 'W0(25[5-8]|51[12]|76[78]|999)|W10[0-9][0-9]' | tr '\n' ' ')" \
    "W0255 W0256 W0257 W0258 W0511 W0512 W0767 W0768 W0999 W1000 W1002 W1003 "
want_eq "cells over two lines" "$(jq -c 'select(.profile == "W0256" or .profile == "W0512" or
        .profile == "W0768") | .name' "$tmp/u/j1.jsonl" | tr '\n' ' ')" \
    '"甲\n乙" "甲\r\n乙" "a\"b\nc" '

end

finish
