/* msgcat_history.c — the catalogue's messages of evaluation with history from the grants
 * ledger (issue #17): a profile that states its own history, the ledger's keys of a policy
 * (polkey.c), calc new and a round recorded by batch (msgs.h). */
#include "msgs.h"

const msg_pair msgcat_history[] = {
    /* history.c */
    {"with --ledger the history comes from the ledger's records: record '%s' may not state it",
     "使用 --ledger 时，历史奖励来自台账记录：记录“%s”不得自行填写"},
    {"remove it: with a ledger the history comes from its grants",
     "请删除该字段：使用台账时，历史奖励由台账中的发放记录给出"},
    /* set.yaml: a pool's period (engine.c) */
    {"period: round (a budget of each round) or once (a stock given out over rounds)",
     "period 可写 round（每轮的预算）或 once（分多轮发放的存量）"},
    {"unknown pool period '%s'", "无法识别的资源池期间“%s”"},
    /* a batch's manifest (batchmanifest.c) */
    {"the manifest's ledger snapshot is not readable", "清单中的台账快照无法读取"},
    /* the command line (calc/cli/cmd_history.c, cmd_batch.c) */
    {"new needs a population (or - for stdin)", "new 需要企业名单文件（或用 - 表示标准输入）"},
    {"new compares with the grants ledger: give --ledger FILE or --ledger postgresql://… (or set "
     "CALC_LEDGER)",
     "new 需要与发放台账比对：请给出 --ledger 文件或 --ledger postgresql://…（或设置 CALC_LEDGER）"},
    {"--grant records into the ledger: give --ledger FILE|URL",
     "--grant 将结果记入台账：请给出 --ledger 文件或地址"},
    {"--grant records the result lines: give -o FILE (JSON Lines)",
     "--grant 记录的是结果行：请用 -o 指定文件（JSON Lines 格式）"},
    {"--ledger with --no-pools: the keys' shares are of the pooled amounts; run the batch with "
     "its pools",
     "--ledger 不能与 --no-pools 同用：各记录键的分摊金额以资金池分配后的金额为准，请带资金池运行批量测算"},
    {"round %s not recorded: the batch had problems", "批次 %s 未记录：批量测算中有问题"},
    {NULL, NULL},
};
