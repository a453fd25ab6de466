"""Region paths of records: "广东省广州市花都区" -> ("广东省", "广州市", "花都区"), and their level (pure).

A region path runs from broad to narrow. Loaders derive it; retrieval ranks guides by it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# Province-level codes of the official item codes (一件事 codes start with them: "43PCN…").
PROVINCE_CODES = {"43": "湖南省", "44": "广东省"}
# One administrative unit: a name ending in its level word. "自治州" and "街道" before their one-char forms.
UNIT_RE = re.compile(
    r"[\u4e00-\u9fff]{1,8}?(?:自治区|自治州|自治县|特别行政区|省|市|州(?![市区县])|盟|地区|区|县|旗|街道|镇|乡)"
)
_LEVELS = ("省", "自治区", "市", "州", "盟", "地区", "区", "县", "旗", "街道", "镇", "乡")
_LEVEL_WORDS = {"省": "省级", "自治区": "省级", "市": "市级", "州": "市级", "区": "区级", "县": "县级"}


def parse_region_path(text: str | None) -> tuple[str, ...]:
    """ "广东省广州市花都区" -> ("广东省", "广州市", "花都区"); "广东省 › 广州市" too; () for nothing."""
    if not text:
        return ()
    parts = [p for p in re.split(r"\s*(?:›|>|/|,|，|、)\s*", text.strip()) if p]
    out: list[str] = []
    for p in parts:
        units = UNIT_RE.findall(p)
        if units and "".join(units) == p:
            out.extend(units)
        else:
            out.append(p)
    return tuple(out)


def level_of(path: Sequence[str]) -> str | None:
    """省级 / 市级 / 区级 / 县级 from the narrowest unit of a path (None when it has no known level word)."""
    if not path:
        return None
    last = path[-1]
    for suffix in ("自治区", "街道", "镇", "乡", "省", "市", "州", "区", "县"):
        if last.endswith(suffix):
            return _LEVEL_WORDS.get(suffix, "乡镇级")
    return None


def short_name(unit: str) -> str:
    """ "广州市" -> "广州", "花都区" -> "花都" (kept whole when the stem would be one character)."""
    for suffix in sorted(_LEVELS, key=len, reverse=True):
        if unit.endswith(suffix) and len(unit) - len(suffix) >= 2:
            return unit[: -len(suffix)]
    return unit


def units_in(text: str | None) -> list[str]:
    """Administrative units at the start of a name: "桃江县石牛江镇人民政府" -> ["桃江县", "石牛江镇"]."""
    out: list[str] = []
    rest = text or ""
    while m := UNIT_RE.match(rest):
        out.append(m.group(0))
        rest = rest[m.end() :]
    return out
