/* msgcat_batchreplay.c — the catalogue's messages of the batch manifest and of `calc
 * replay-batch` (batchreplay.c, cmd_batchreplay.c): the report's lines and its diagnostics
 * (msgs.h). */
#include "msgs.h"

const msg_pair msgcat_batchreplay[] = {
    /* the command line */
    {"replay-batch needs the results file and the batch's inputs",
     "replay-batch 需要结果文件和该批次的输入文件"},
    {"replay-batch needs the batch's inputs after the results file (or --manifest)",
     "replay-batch 需要在结果文件之后给出该批次的输入文件（或 --manifest）"},
    {"replay-batch needs the inputs (or --manifest)", "replay-batch 需要输入文件（或 --manifest）"},
    {"--manifest gives the batch's date and options: leave out --as-of, --set, --param, "
     "--scenario, --no-pools, --explain, --input-format and --encoding",
     "--manifest 已给出该批次的测算日期和选项：请不要再给 --as-of、--set、--param、--scenario、"
     "--no-pools、--explain、--input-format 和 --encoding"},
    {"--manifest records the results file's digest: give -o FILE",
     "--manifest 要记录结果文件的摘要：请用 -o FILE 指定结果文件"},
    /* the manifest read back */
    {"not a manifest of calc batch", "不是 calc batch 的清单文件"},
    {"a manifest of calc %s: replay-batch replays calc batch's (replay each shard's batch)",
     "这是 calc %s 的清单：replay-batch 只重放 calc batch 的清单（请逐个重放各分片的批量测算）"},
    {"the batch wrote %s: replay-batch compares JSON Lines results",
     "该批次输出的是 %s：replay-batch 只比较 JSON Lines 结果"},
    {"input record %.*s", "输入记录 %.*s"},
    {"manifest version %s: this calc reads version %d", "清单版本 %s：本版 calc 只读版本 %d"},
    {"the manifest gives no date (as_of)", "清单中没有测算日期（as_of）"},
    {"manifest %s: its digest does not match its content: it changed after it was written",
     "清单 %s：摘要与内容不符，写出之后被改动过"},
    {"the manifest lists %zu inputs, %d given", "清单列出 %zu 个输入文件，实际给出 %d 个"},
    {"input %d", "输入文件 %d"},
    {"the results", "结果文件"},
    {"the scenario", "场景文件"},
    {"%s (%s): cannot read it: %s", "%s（%s）：无法读取：%s"},
    {"%s (%s): sha256 %s in the manifest, %s now: it changed after the batch",
     "%s（%s）：清单中的 sha256 为 %s，现在为 %s：批量测算之后被改动过"},
    {"%s (%s): %s lines in the manifest, %zu now", "%s（%s）：清单中为 %s 行，现在为 %zu 行"},
    {"note: calc %s made the results; this is calc %s", "注意：结果由 calc %s 生成，当前为 calc %s"},
    /* the run */
    {"the results carry no date: give --as-of or --manifest",
     "结果中没有测算日期：请给出 --as-of 或 --manifest"},
    {"replaying %s (inputs: %d, as of %s, rules: %s)",
     "重放 %s（输入文件 %d 个，测算日期 %s，规则目录 %s）"},
    /* the report */
    {"record %zu, id %s, policy %s: %s %s → %s", "记录 %zu，编号 %s，政策 %s：%s %s → %s"},
    {"record %zu, id %s: %s %s → %s", "记录 %zu，编号 %s：%s %s → %s"},
    {"record %zu, id %s: %zu more fields differ", "记录 %zu，编号 %s：另有 %zu 个字段不同"},
    {"record %zu, id %s: no line for it in the results (missing from the results)",
     "记录 %zu，编号 %s：结果文件中没有它的行（结果中缺失）"},
    {"results line %zu, id %s: no record of the inputs gives it (missing from this run)",
     "结果第 %zu 行，编号 %s：输入中没有对应的记录（本次重放中缺失）"},
    {"results line %zu: duplicate id %s (first on line %zu)",
     "结果第 %zu 行：编号 %s 重复（首次出现在第 %zu 行）"},
    {"results line %zu: not a result line of calc batch", "结果第 %zu 行：不是 calc batch 的结果行"},
    {"note: the results were made under rule set %s; replayed under %s",
     "注意：结果按规则集 %s 生成，本次按 %s 重放"},
    {"(the first %d are named)", "（只列出前 %d 条）"},
    {"records %zu, matched %zu, differing %zu, missing from the results %zu, missing from this "
     "run %zu, duplicate ids %zu",
     "记录 %zu，一致 %zu，不一致 %zu，结果中缺失 %zu，本次重放中缺失 %zu，编号重复 %zu"},
    {"every record matches", "每条记录都一致"},
    {"manifest %s: it is not signed (calc batch --manifest FILE --sign KEY.pem)",
     "清单 %s 没有签名（calc batch --manifest 文件 --sign 私钥.pem）"},
    {"manifest %s: its signature does not verify: %s", "清单 %s 的签名核验未通过：%s"},
    {"manifest %s: signed by %s", "清单 %s 的签名人密钥：%s"},
    {"--sign signs the manifest: give --manifest FILE", "--sign 用于给清单签名：请同时给出 --manifest 文件"},
    {"--verify checks the manifest's signature: give --manifest FILE",
     "--verify 核验清单的签名：请同时给出 --manifest 文件"},
    {"MISMATCH: the manifest's digests do not hold", "不一致：清单中的摘要不成立"},
    {"MISMATCH: %zu records do not match", "不一致：%zu 条记录不一致"},
    {NULL, NULL}};
