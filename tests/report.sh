#!/bin/sh
# The estimate report as an auditor prints it: the example case's report printed to PDF by
# headless Chromium and read back with pdftotext (poppler-utils) — every eligible policy's
# computation, its parameters with their marks, the inputs it read, the case's metadata and
# signature status on the first page, A4 pages, a case per page — in Chinese and in English,
# and the Markdown report with the same figures. Run from the repository root:
# BUILD=build sh tests/report.sh. Prints one line per check and ends with "N passed, N failed".
set -u
. tests/lib.sh
need_calc
need jq chromium pdftotext pdfinfo
EX=cases/profiles/example.yaml

# Prints $1 (HTML) to the PDF $2 in headless Chromium, as a person does with "Save as PDF".
print_pdf() {
    ud=$(mktemp -d)
    timeout 90 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$ud" --no-pdf-header-footer --print-to-pdf="$2" "file://$(cd "$(dirname "$1")" && pwd)/$(basename "$1")" \
        >/dev/null 2>&1
    rm -rf "$ud"
    [ -s "$2" ] || { echo "chromium made no PDF of $1"; return 1; }
}

# The words of the PDF with every space and line end removed: a line the report wraps is found
# whole. And the layout text, for rows whose cells must stay together.
pdf_flat() { pdftotext "$1" - | tr -d ' \n\t\f'; }

"$CALC" record "$EX" --as-of 2025-06-30 -o "$tmp/case.yaml" >/dev/null 2>&1
# the same case as a signing recorder writes it: recorded at and by, a signature (not checked)
sed -e '0,/^    at: ".*"$/s//    at: "2025-07-01T08:30:00Z"\n    by: "王审计"/' \
    -e '$a\  signature:\n    algorithm: ed25519\n    key: "sha256:1f2e3d4c5b6a79881f2e3d4c5b6a79881f2e3d4c5b6a79881f2e3d4c5b6a7988"\n    value: "c2lnbmF0dXJl"' \
    "$tmp/case.yaml" >"$tmp/signed.yaml"
"$CALC" report "$tmp/case.yaml" -o "$tmp/zh.html" >/dev/null 2>&1
"$CALC" report "$tmp/case.yaml" --lang en -o "$tmp/en.html" >/dev/null 2>&1
"$CALC" report "$tmp/case.yaml" -o "$tmp/zh.md" >/dev/null 2>&1
"$CALC" eval "$EX" --as-of 2025-06-30 --explain --format json >"$tmp/eval.json" 2>/dev/null
print_pdf "$tmp/zh.html" "$tmp/zh.pdf" >"$tmp/print.err" 2>&1
pdftotext -layout "$tmp/zh.pdf" "$tmp/zh.txt" 2>/dev/null
setfp=$("$CALC" fingerprint | sed -n 's/^policy set  sha256:\([0-9a-f]*\) .*/\1/p')
proffp=$(sed -n 's/^    profile: "sha256:\([0-9a-f]*\)"$/\1/p' "$tmp/case.yaml")

begin "the report prints to an A4 PDF in Chromium"
[ -s "$tmp/zh.pdf" ] || problem "$(cat "$tmp/print.err")"
pdfinfo "$tmp/zh.pdf" >"$tmp/info" 2>&1
grep -q '^Page size: .*(A4)$' "$tmp/info" || problem "not A4: $(grep '^Page size' "$tmp/info")"
pages=$(sed -n 's/^Pages: *//p' "$tmp/info")
[ "${pages:-0}" -ge 2 ] || problem "$pages pages"
end

# Ensure every computation line of every eligible policy, as the --explain JSON gives it, is in
# the PDF: the hand-checkable figures, with the R&D line spelled out (8,000,000.50 × 10%).
begin "PDF: every eligible policy's computation, as the JSON's"
n=0
jq -r '.results[] | select(.status == "eligible") | .computation.zh[]' "$tmp/eval.json" \
    >"$tmp/lines"
flat=$(pdf_flat "$tmp/zh.pdf")
while IFS= read -r line; do
    n=$((n + 1))
    want=$(printf '%s' "$line" | tr -d ' \t')
    case $flat in *"$want"*) ;; *) problem "missing: $line" ;; esac
done <"$tmp/lines"
[ "$n" -ge 10 ] || problem "only $n computation lines in the JSON"
want_line_file "$tmp/lines" "研发投入 ¥8,000,000.50 × 10% = ¥800,000.05"
grep -q '研发投入 ¥8,000,000.50 × 10% = ¥800,000.05$' "$tmp/zh.txt" ||
    problem "the R&D line is not one line of the PDF"
for s in '贷款利息 ¥240,000.00 × 50% = ¥120,000.00' '年租金 ¥1,200,000.00 × 30% = ¥360,000.00' \
    '2星档位 − 已奖励1星档位 = ¥500,000.00' '¥480,000.00 × 50% = ¥240,000.00'; do
    grep -qF "$s" "$tmp/zh.txt" || problem "missing: $s"
done
end

# Ensure a policy's parameters are listed with their value, mark and note: the R&D cap is the
# policy text's (seed, with its quote), its rate an example figure.
begin "PDF: parameters with their seed/illustrative marks and quotes"
grep -Eq '^ *cap +¥30,000,000\.00 +政策原文 \[seed\] +研发投入最高补助3000万元' "$tmp/zh.txt" ||
    problem "the R&D cap row"
grep -Eq '^ *rate +10% +示例参数 \[illustrative\]' "$tmp/zh.txt" || problem "the R&D rate row"
grep -Eq '^ *rent_rate +30% +示例参数 \[illustrative\]' "$tmp/zh.txt" || problem "rent_rate"
case $(pdf_flat "$tmp/zh.pdf") in
*'依据：《上城区：奋力打造都市经济高质量发展标杆区》浙江日报2025-03-21：“研发投入最高补助3000万元”'*) ;;
*) problem "the R&D policy's source" ;;
esac
end

# Ensure the inputs are listed with labels and values: what the conditions read and what the
# amount read (the major-project flag is read only by the amount's function).
begin "PDF: the inputs each policy read, labelled"
grep -Eq '^ *研发投入 +¥8,000,000\.50 +finance\.rd_expense$' "$tmp/zh.txt" || problem "rd_expense"
grep -Eq '^ *重大项目 +否 +rd\.major_project$' "$tmp/zh.txt" || problem "the amount's read"
grep -Eq '^ *年租金 +¥1,200,000\.00 +hq\.office\.annual_rent$' "$tmp/zh.txt" || problem "annual_rent"
grep -Eq '^ *第1家门店 装修投入 +¥350,000\.00 +stores\[0\]\.fitout_investment$' "$tmp/zh.txt" ||
    problem "the store's fit-out investment"
end

# Ensure the first page carries the case's metadata and says that it is unsigned.
begin "PDF: the case's metadata on the first page"
pdftotext -layout -f 1 -l 1 "$tmp/zh.pdf" "$tmp/p1.txt" 2>/dev/null
head -n 1 "$tmp/p1.txt" | grep -q '^惠企政策测算报告$' || problem "title: $(head -n 1 "$tmp/p1.txt")"
for re in '^企业名称 +杭州示例智能科技有限公司$' '^企业标识 +91330102MA2EXAMPLE$' \
    '^测算日期（as_of） +2025-06-30$' "^规则集指纹（本次测算） +sha256:$setfp\$" \
    "^企业画像指纹（本次测算） +sha256:$proffp\$" '^签名 +未签名$' '^记录时计算器版本 +calc [0-9]' \
    '仅供参考'; do
    grep -Eq "$re" "$tmp/p1.txt" || problem "no line /$re/"
done
! grep -q '决定' "$tmp/zh.txt" || problem "the estimate speaks of a decision"
end

# Ensure a signed case's recording metadata and signature are shown, and the signature said to
# be unverified here.
begin "PDF: a signed case's recorder and signature, not verified"
run report "$tmp/signed.yaml" -o "$tmp/signed.html"
want_rc 0
print_pdf "$tmp/signed.html" "$tmp/signed.pdf" || problem "no PDF"
pdftotext -layout -f 1 -l 1 "$tmp/signed.pdf" "$tmp/s1.txt" 2>/dev/null
for re in '^记录时间 +2025-07-01T08:30:00Z$' '^记录人 +王审计$' \
    '^签名 +未验证（用 calc verify 核验） — ed25519$' '^签名密钥 +sha256:1f2e3d4c5b6a7988'; do
    grep -Eq "$re" "$tmp/s1.txt" || problem "no line /$re/"
done
run report "$tmp/signed.yaml" --lang en -o "$tmp/signed-en.md"
grep -qF '| Signature | not verified here (use calc verify) — ed25519 |' "$tmp/signed-en.md" ||
    problem "English signature line"
grep -qF '| Recorded by | 王审计 |' "$tmp/signed-en.md" || problem "English recorder"
end

# Ensure each case of a report begins a page of its own.
begin "PDF: a case per page"
run report "$tmp/case.yaml" "$tmp/signed.yaml" -o "$tmp/two.html"
want_rc 0
print_pdf "$tmp/two.html" "$tmp/two.pdf" || problem "no PDF"
np=$(pdfinfo "$tmp/two.pdf" 2>/dev/null | sed -n 's/^Pages: *//p')
tops=0
i=1
while [ "$i" -le "${np:-0}" ]; do
    pdftotext -layout -f "$i" -l "$i" "$tmp/two.pdf" - 2>/dev/null | head -n 1 |
        grep -q '^惠企政策测算报告$' && tops=$((tops + 1))
    i=$((i + 1))
done
want_eq "pages that begin with the title" "$tops" 2
want_eq "pages" "$np" $((2 * pages))
end

# Ensure the English report is in English: its words, the computation, the marks.
begin "PDF: the English report"
print_pdf "$tmp/en.html" "$tmp/en.pdf" || problem "no PDF"
pdftotext -layout "$tmp/en.pdf" "$tmp/en.txt" 2>/dev/null
pdfinfo "$tmp/en.pdf" 2>/dev/null | grep -q '^Page size: .*(A4)$' || problem "not A4"
head -n 1 "$tmp/en.txt" | grep -q '^Policy estimate report$' || problem "title"
for s in 'R&D expense ¥8,000,000.50 × 10% = ¥800,000.05' 'Evaluation date (as_of)' \
    'Signature' 'unsigned' 'policy text [seed]' 'example [illustrative]' \
    'Loan interest paid ¥240,000.00 × 50% = ¥120,000.00'; do
    grep -qF "$s" "$tmp/en.txt" || problem "missing: $s"
done
grep -Eq '^ *R&D expense +¥8,000,000\.50 +finance\.rd_expense$' "$tmp/en.txt" || problem "input"
# the report's own words are English; Chinese is left only in names, sources and quotes
for w in 测算 示例参数 政策原文 计算过程 读取的数据 需补充 符合 签名; do
    ! grep -q "$w" "$tmp/en.txt" || problem "Chinese word in the English report: $w"
done
end

# Ensure the Markdown report has the same figures: every computation line as a list item, the
# parameter and input rows, the metadata.
begin "Markdown report: the same figures"
jq -r '.results[] | select(.status == "eligible") | .computation.zh[]' "$tmp/eval.json" |
    sed 's/[*_|`<]/\\&/g' | while IFS= read -r line; do
    grep -qxF -- "- $line" "$tmp/zh.md" || echo "missing: $line"
done >"$tmp/md.missing"
[ ! -s "$tmp/md.missing" ] || problem "$(cat "$tmp/md.missing")"
want_line_file "$tmp/zh.md" "- 研发投入 ¥8,000,000.50 × 10% = ¥800,000.05"
want_line_file "$tmp/zh.md" "| cap | ¥30,000,000.00 | 政策原文 [seed] | 研发投入最高补助3000万元 |"
want_line_file "$tmp/zh.md" "| 研发投入 | ¥8,000,000.50 | \`finance.rd_expense\` |"
want_line_file "$tmp/zh.md" "| 企业画像指纹（本次测算） | \`sha256:$proffp\` |"
want_line_file "$tmp/zh.md" "| 签名 | 未签名 |"
end

# Ensure a policy short of data says what to provide, by label, in both formats.
begin "missing data, by label"
grep -v '^ *rd_expense:' "$EX" >"$tmp/no-rd.yaml"
run record "$tmp/no-rd.yaml" --as-of 2025-06-30 -o "$tmp/no-rd-case.yaml"
run report "$tmp/no-rd-case.yaml" -o "$tmp/no-rd.md"
want_rc 0
want_line_file "$tmp/no-rd.md" "### 研发投入补助（sc25-rd-subsidy）— 需补充资料"
want_line_file "$tmp/no-rd.md" "- 缺少资料，需补充：研发投入"
want_line_file "$tmp/no-rd.md" "| 研发投入 | 未填写 | \`finance.rd_expense\` |"
run report "$tmp/no-rd-case.yaml" --lang en -o "$tmp/no-rd-en.md"
want_line_file "$tmp/no-rd-en.md" "- Missing data, provide: R&D expense"
end

# Ensure a profile of thousands of stores gives a report in time that lists the first 200
# inputs (the district, then 199 of the stores' fields) and counts the rest (at least the other
# 1,960 stores' 5 condition fields each), and still every store's computation line.
begin "a list of thousands of items: the inputs cut at 200, with a count"
awk '/^stores:/ { print; for (i = 1; i <= 2000; i++) printf "  - {kind: hangzhou_first, brand: \"B%d\", brand_recognized: true, opened: 2025-03-18, district: 上城区, street: 湖滨步行街, area_m2: 160, fitout_investment: \"1000.00\"}\n", i; skip = 1; next }
     skip && /^[^ ]/ { skip = 0 } !skip' "$EX" >"$tmp/many.yaml"
run record "$tmp/many.yaml" --as-of 2025-06-30 -o "$tmp/many-case.yaml"
want_rc 0
TMO=30 run report "$tmp/many-case.yaml" -o "$tmp/many.md"
want_rc 0
n=$(sed -n '/^### 首店、旗舰店一次性补助/,/^### /p' "$tmp/many.md" | grep -c '^| .* | `stores\[')
want_eq "store input rows" "$n" 199
more=$(sed -n 's/^……另读取\([0-9]*\)个字段，未列出$/\1/p' "$tmp/many.md")
[ "${more:-0}" -ge $((1960 * 5)) ] || problem "the rest counted as '$more'"
want_line_file "$tmp/many.md" "- 第2000家门店（杭州首店）：装修投入 ¥1,000.00 × 50% = ¥500.00；¥200,000.00、¥500.00 取较小者 = ¥500.00"
end

# Ensure a case recorded under other rules says that the report uses the current ones, and
# shows the recorded fingerprint beside this evaluation's.
begin "a case recorded under other rules: said on the first page"
sed 's/^    policy_set: "sha256:[0-9a-f]*"$/    policy_set: "sha256:0000000000000000000000000000000000000000000000000000000000000000"/' \
    "$tmp/case.yaml" >"$tmp/old-rules.yaml"
run report "$tmp/old-rules.yaml" -o "$tmp/old-rules.md"
want_rc 0
want_line_file "$tmp/old-rules.md" "| 规则集指纹（记录时，与本次不同） | \`sha256:0000000000000000000000000000000000000000000000000000000000000000\` |"
want_line_file "$tmp/old-rules.md" "注意：规则集自记录以来已变更，本报告按当前规则测算；记录时的结果请用 calc replay 核对。"
run report "$tmp/case.yaml" -o "$tmp/same-rules.md"
! grep -q '注意' "$tmp/same-rules.md" || problem "a warning under the recorded rules"
end

# Ensure what a case file says is shown as text: a signing key with markup, a pipe and a
# backtick neither breaks the Markdown table nor runs in the HTML.
begin "a case's metadata shown as text in both formats"
sed 's/^    key: "sha256:.*"$/    key: "k|e`y<script>alert(1)<\/script>"/' "$tmp/signed.yaml" >"$tmp/odd.yaml"
run report "$tmp/odd.yaml" -o "$tmp/odd.md"
want_rc 0
want_line_file "$tmp/odd.md" '| 签名密钥 | k\|e\`y\<script>alert(1)\</script> |'
run report "$tmp/odd.yaml" -o "$tmp/odd.html"
grep -qF '<td class="fp">k|e`y&lt;script&gt;alert(1)&lt;/script&gt;</td>' "$tmp/odd.html" ||
    problem "the key in HTML: $(grep -F 'alert' "$tmp/odd.html")"
! grep -q '<script>' "$tmp/odd.html" || problem "markup from the case runs"
end

finish
