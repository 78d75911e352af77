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
    {NULL, NULL},
};
