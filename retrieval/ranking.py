"""Pure ranking features on top of BM25/dense: abbreviation match, service-variant match.

Government service names come in variants (新申请 / 延续 / 变更 / 注销 / 遗失补办 ...) that share almost all
words; people also shorten names by picking characters (建设工程规划许可证 -> 建工证). These features let
the right variant and the abbreviated name win.
"""

from __future__ import annotations

from collections.abc import Iterable

from retrieval.tokenize import normalize

# Canonical variant -> words that signal it (in a query or a service name). General vocabulary of 事项 names.
VARIANTS: dict[str, tuple[str, ...]] = {
    "new": (
        "新申请",
        "首次",
        "初次",
        "新办",
        "新设",
        "设立",
        "核发",
        "申领",
        "开办",
        "初始",
        "新建",
        "第一次",
    ),
    "renew": (
        "延续",
        "续期",
        "续证",
        "延期",
        "换证",
        "换发",
        "期满",
        "到期",
        "过期",
        "复审",
        "年审",
        "再注册",
    ),
    "change": ("变更", "更改", "修改", "改变", "更正", "调整", "改名", "迁移", "转移", "增项"),
    "cancel": ("注销", "撤销", "取消", "终止", "停业", "歇业", "退出", "关闭", "不干"),
    "lost": ("遗失", "补办", "补领", "补发", "丢失", "挂失", "丢了", "掉了", "弄丢", "损毁", "补证", "补换"),
    "query": ("查询", "查看", "打印", "查一下", "查下"),
}


def variant_classes(text: str) -> frozenset[str]:
    t = normalize(text)
    return frozenset(v for v, words in VARIANTS.items() if any(w in t for w in words))


def variant_score(query_classes: frozenset[str], doc_classes: frozenset[str]) -> float:
    """+1 when the query names a variant the service has, -1 when the service is another variant, else 0."""
    if not query_classes or not doc_classes:
        return 0.0
    if query_classes & doc_classes:
        return 1.0
    return -1.0


def lcs_len(a: str, b: str) -> int:
    """Length of the longest common subsequence (characters in order, gaps allowed)."""
    if not a or not b:
        return 0
    prev = [0] * (len(b) + 1)
    for ca in a:
        cur = [0]
        for j, cb in enumerate(b, start=1):
            cur.append(prev[j - 1] + 1 if ca == cb else max(prev[j], cur[j - 1]))
        prev = cur
    return prev[-1]


def abbreviation_score(query_core: str, name: str) -> float:
    """How well the query reads as an abbreviation of the name: in-order characters of the query that
    the name contains, as a share of the query (0..1). Spaces and punctuation are ignored."""
    q = "".join(ch for ch in normalize(query_core) if ch.isalnum())
    n = "".join(ch for ch in normalize(name) if ch.isalnum())
    if not q or not n:
        return 0.0
    return lcs_len(q, n) / len(q)


def best_abbreviation_score(query_core: str, names: Iterable[str]) -> float:
    return max((abbreviation_score(query_core, n) for n in names), default=0.0)
