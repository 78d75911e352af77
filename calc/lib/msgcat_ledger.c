/* msgcat_ledger.c — the catalogue's messages of the grants ledger (ledger_*.c, issue #17):
 * opening and migrating a ledger, recording a round, payments and revocations, the queries
 * and the verification of the chain (msgs.h). */
#include "msgs.h"

const msg_pair msgcat_ledger[] = {
    /* opening (ledger_open.c, ledger_sqlite.c, ledger_pg.c) */
    {"ledger %s (%s): %s", "账本 %s（%s）：%s"},
    {"no ledger given", "未指定账本"},
    {"give --ledger FILE or --ledger postgresql://…, or set CALC_LEDGER",
     "请用 --ledger FILE 或 --ledger postgresql://… 指定，或设置 CALC_LEDGER"},
    {"no ledger at %s", "%s 处没有账本"},
    {"make it with calc ledger init --ledger %s", "请先用 calc ledger init --ledger %s 建立账本"},
    {"%s is not a calc ledger (it has no ledger schema)", "%s 不是 calc 账本（其中没有账本的表结构）"},
    {"make it one with calc ledger init --ledger %s",
     "可用 calc ledger init --ledger %s 将其初始化为账本"},
    {"ledger %s is at schema version %d, this calc needs %d",
     "账本 %s 的表结构为第 %d 版，本 calc 需要第 %d 版"},
    {"migrate it with calc ledger init --ledger %s", "请用 calc ledger init --ledger %s 升级"},
    {"ledger %s is at schema version %d, newer than this calc's (%d)",
     "账本 %s 的表结构为第 %d 版，比本 calc 的（第 %d 版）更新"},
    {"use the calc that wrote it, or a newer one", "请使用写入该账本的 calc 或更新的版本"},
    {"check the URL, that the server runs and that the user may connect (psql URL)",
     "请检查连接地址、服务器是否在运行、用户能否连接（可用 psql 地址 试连）"},
    {"a grant row is not what calc wrote", "有一条授予记录不是 calc 写入的格式"},
    {NULL, NULL},
};
