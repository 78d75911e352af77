/* msgcat_integrity.c — the catalogue's messages of tamper-evident and signed case files:
 * replay's integrity checks, the trace's first difference, signing and `calc verify` (msgs.h). */
#include "msgs.h"

const msg_pair msgcat_integrity[] = {
    /* replay: a recorded case checked before it is evaluated (integrity.c) */
    {"%s is protected by a passphrase: calc cannot ask for one", "%s 受口令保护：calc 无法询问口令"},
    {"%s is a private key protected by a passphrase: checking takes the public key",
     "%s 是受口令保护的私钥：核验需要公钥"},
    {"give the public key (openssl pkey -in KEY.pem -pubout -out PUB.pem)",
     "请提供公钥（openssl pkey -in KEY.pem -pubout -out PUB.pem）"},
    {"keep the signing key unencrypted where only the signer can read it (openssl pkey -in "
     "KEY.pem -out PLAIN.pem; chmod 600 PLAIN.pem)",
     "请将签名私钥以不加密形式保存在仅签名人可读的位置（openssl pkey -in KEY.pem -out PLAIN.pem；"
     "chmod 600 PLAIN.pem）"},
    {"a recorded case (one with fingerprint:) carries no digest: it cannot be shown unedited; "
     "record it again with calc record",
     "已记录的案例（带 fingerprint:）没有摘要（digest）：无法证明未被修改；请用 calc record 重新记录"},
    {"the schema changed since recording: the profile's fingerprint under it is "
     "sha256:%.12s… (recorded %.19s…), its stored text is covered by the digest",
     "记录后字段定义（schema）已变更：按新定义，企业资料的指纹为 sha256:%.12s…（记录时为 "
     "%.19s…），所存企业资料本身由摘要保证未被修改"},
    {"the case's profile was changed after recording (its fingerprint is sha256:%.12s…, "
     "recorded %.19s…)",
     "案例中的企业资料在记录后被修改（现指纹为 sha256:%.12s…，记录时为 %.19s…）"},
    {"the case's expected outcome (output) was changed after recording",
     "案例中的预期结果（output）在记录后被修改"},
    {"the case's trace was changed after recording", "案例中的计算过程（trace）在记录后被修改"},
    {"the case's recorded rules (parameters, conditions) were changed after recording",
     "案例中记录的规则（参数、条件）在记录后被修改"},
    {"the case's metadata (name, description, as_of, recorded at, by) was changed after "
     "recording",
     "案例的元数据（名称、说明、测算日、记录时间、记录人）在记录后被修改"},
    {"the embedded policy source %s was changed after recording",
     "案例中内嵌的政策源文件 %s 在记录后被修改"},
    {"the case's fingerprints were changed after recording (its digest is sha256:%.12s…, "
     "recorded %.19s…)",
     "案例中的指纹在记录后被修改（现摘要为 sha256:%.12s…，记录时为 %.19s…）"},
    {"the case's profile or fingerprints were changed after recording (its digest is "
     "sha256:%.12s…, recorded %.19s…)",
     "案例中的企业资料或指纹在记录后被修改（现摘要为 sha256:%.12s…，记录时为 %.19s…）"},
    {"a recorded case (with recorded:, digest: or signature:) has no fingerprint: mapping: it "
     "was removed after recording",
     "已记录的案例（带 recorded:、digest: 或 signature:）没有 fingerprint: 映射：它在记录后被删除"},
    {"the recorded case does not read back", "记录的案例无法读回"},
    /* the trace's first difference */
    {"trace: the first difference is at %s: %s", "计算过程（trace）：第一处不同在 %s：%s"},
    {"trace: %s: not recorded, evaluated now", "计算过程（trace）：%s：记录中没有，现在有"},
    {"trace: %s: recorded, not evaluated now", "计算过程（trace）：%s：记录中有，现在没有"},
    {"trace: %s: %s: %s", "计算过程（trace）：%s：%s：%s"},
    /* signatures (sign.c, integrity.c) */
    {"no reason given", "未给出原因"},
    {"no room for the signature", "签名的空间不足"},
    {"cannot read the key %s: %s", "无法读取密钥 %s：%s"},
    {"%s is not an Ed25519 private key in PEM (make one with openssl genpkey -algorithm "
     "ed25519)",
     "%s 不是 PEM 格式的 Ed25519 私钥（可用 openssl genpkey -algorithm ed25519 生成）"},
    {"%s is not an Ed25519 public key in PEM (make it with openssl pkey -pubout)",
     "%s 不是 PEM 格式的 Ed25519 公钥（可用 openssl pkey -pubout 导出）"},
    {"signing failed: %s", "签名失败：%s"},
    {"the signature is not an Ed25519 signature in base64",
     "签名不是 base64 编码的 Ed25519 签名"},
    {"the signature does not match the digest under the key %s", "签名与密钥 %s 下的摘要不符"},
    {"the case is not signed (record it with calc record --sign KEY.pem)",
     "案例未签名（请用 calc record --sign KEY.pem 记录）"},
    {"the case's signature is not an ed25519 signature with a value",
     "案例的签名不是带 value 的 ed25519 签名"},
    {"the case was changed after signing: its digest is sha256:%.12s…, the signed one %.19s…",
     "案例在签名后被修改：现摘要为 sha256:%.12s…，签名的摘要为 %.19s…"},
    {"the case was signed with another key (%s), not with %s",
     "案例是用另一把密钥（%s）签名的，不是 %s"},
    {"the signature does not match the case under the key %s: it was changed after signing",
     "签名与密钥 %s 下的案例不符：案例在签名后被修改"},
    {"signed by key %s; recorded at %s by %s (calc %s)",
     "签名密钥 %s；记录时间 %s，记录人 %s（calc %s）"},
    {"not a recorded case (it has no fingerprint:): nothing to verify",
     "不是记录的案例（没有 fingerprint:）：无可验证"},
    {"NOT VERIFIED %s (line %u)", "未通过验证 %s（第 %u 行）"},
    {"VERIFIED %s", "已验证 %s"},
    /* the command line */
    {"verify needs case files", "verify 需要案例文件"},
    {"verify needs --key PUB.pem, the public key the cases were signed with",
     "verify 需要 --key PUB.pem，即案例签名所用的公钥"},
    {"%d verified, %d not verified", "%d 个已验证，%d 个未通过验证"},
    {NULL, NULL}};
