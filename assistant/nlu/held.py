"""Certificates a person says they already hold ("有营业执照", "已经拿到了驾驶证"): the service issuing one is
context, not what they ask ("我开咗间租车铺，有营业执照，可唔可以将…面包车租出去" asks nothing of 个体工商户设立登记)."""

from __future__ import annotations

import re

from assistant.nlu.text import compact

# (not asked whether one has it, "有没有营业执照", "有冇执照"; not lacking it, "没有营业执照"; not a must, "要有执照")
_HELD_RE = re.compile(
    r"(?<![没冇无未要需须该得])(?:已经|已)?(?:有|拿到了?|领到了?|领了|办了|办好了?)(?![没冇无])(?:张|本|个|份)?"
    r"([\u4e00-\u9fff]{0,4}?(?:执照|证书|许可证|证))(?![吗嘛么呢没冇])"
)


def held_certificates(text: str) -> list[str]:
    """The certificates `text` says the person holds ("我有营业执照" -> ["营业执照"])."""
    return [m.group(1) for m in _HELD_RE.finditer(compact(text))]
