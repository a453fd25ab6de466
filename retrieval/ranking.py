"""Pure ranking features on top of BM25/dense: abbreviation match, service-variant match.

Government service names come in variants (新申请 / 延续 / 变更 / 注销 / 遗失补办 ...) that share almost all
words; people also shorten names by picking characters (建设工程规划许可证 -> 建工证). These features let
the right variant and the abbreviated name win.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

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
    "query": ("查询", "查看", "打印", "查一下", "查下", "进度", "办好了", "好了没", "批下来没"),
}


def variant_classes(text: str) -> frozenset[str]:
    t = normalize(text)
    return frozenset(v for v, words in VARIANTS.items() if any(w in t for w in words))


def variant_score(query_classes: frozenset[str], doc_classes: frozenset[str], unnamed: float = 0.3) -> float:
    """+1 when the query names a variant the service has, -1 when the service is another variant;
    -`unnamed` when the query names no variant but the service is one (prefer the plain service)."""
    if not doc_classes:
        return 0.0
    if not query_classes:
        return -unnamed
    if query_classes & doc_classes:
        return 1.0
    return -1.0


def alnum(text: str) -> str:
    return "".join(ch for ch in normalize(text) if ch.isalnum())


def match_masks(name: str) -> dict[str, int]:
    """Per character, the bit set of its positions in the (alnum-only, normalized) name."""
    masks: dict[str, int] = {}
    for i, ch in enumerate(alnum(name)):
        masks[ch] = masks.get(ch, 0) | (1 << i)
    return masks


def lcs_len(a: str, b: str, masks: dict[str, int] | None = None) -> int:
    """Length of the longest common subsequence (characters in order, gaps allowed).

    Bit-parallel (Hyyrö 2004): one big-int step per character of `a`; `masks` = match_masks(b) may be
    precomputed. `a` and `b` are compared after normalize() and dropping non-alphanumerics."""
    b = alnum(b)
    if not a or not b:
        return 0
    masks = masks if masks is not None else match_masks(b)
    full = (1 << len(b)) - 1
    v = full
    for ch in alnum(a):
        u = v & masks.get(ch, 0)
        v = ((v + u) | (v - u)) & full
    return len(b) - v.bit_count()


def abbreviation_score(query_core: str, name: str, masks: dict[str, int] | None = None) -> float:
    """How well the query reads as an abbreviation of the name: in-order characters of the query that
    the name contains, as a share of the query (0..1). Spaces and punctuation are ignored."""
    q = alnum(query_core)
    if not q:
        return 0.0
    return lcs_len(q, name, masks) / len(q)


def best_abbreviation_score(query_core: str, names: Iterable[str]) -> float:
    return max((abbreviation_score(query_core, n) for n in names), default=0.0)


# Words that mark the default variant among siblings (… (一般项目) vs … (重大项目)).
PLAIN_MARKERS = ("一般", "普通", "常规", "基本")
_VARIANT_OPEN = ("(", "（")


def split_variant(name: str) -> tuple[str, str]:
    """(base, distinctive part) of a service name: "无线电频率使用许可（续期）" -> ("无线电频率使用许可", "续期").

    The base is the text before the first bracket, the distinctive part the rest (alphanumerics only)."""
    bare = alnum(name)
    t = normalize(name)
    cut = min((i for i in (t.find(b) for b in _VARIANT_OPEN) if i >= 0), default=len(t))
    base = alnum(t[:cut])
    return base, bare[len(base) :] if bare.startswith(base) else ""


def plainness(distinct: str) -> tuple[int, int]:
    """Sort key of a sibling when the query names no variant: no distinctive part first, then one marked
    as the default (一般, 普通 …), then the rest; shorter first."""
    rank = 0 if not distinct else 1 if any(p in distinct for p in PLAIN_MARKERS) else 2
    return rank, len(distinct)


def sibling_preference(
    query: str, candidates: Sequence[tuple[str, str]], weight: Mapping[str, float] | None = None
) -> list[float]:
    """1.0 for the candidates preferred among their siblings (same base name), else 0.0.

    `candidates` are (base, distinctive part) pairs. Among the candidates that share a base: the ones whose
    distinctive part holds the most (weighted) query characters that are not in the base; when the query
    shares no character with any distinctive part, the plainest ones (see `plainness`). Nothing is
    preferred when all siblings tie or a base has one candidate only."""
    chars = set(alnum(query))
    out = [0.0] * len(candidates)
    groups: dict[str, list[int]] = {}
    for j, (base, _) in enumerate(candidates):
        groups.setdefault(base, []).append(j)
    for base, js in groups.items():
        if len(js) < 2:
            continue
        own = [c for c in chars if c not in base]
        overlap = [sum((weight or {}).get(c, 1.0) for c in own if c in candidates[j][1]) for j in js]
        if max(overlap) > 0:
            best = [j for j, o in zip(js, overlap, strict=True) if o == max(overlap)]
        else:
            top = min(plainness(candidates[j][1]) for j in js)
            best = [j for j in js if plainness(candidates[j][1]) == top]
        if len(best) < len(js):
            for j in best:
                out[j] = 1.0
    return out
