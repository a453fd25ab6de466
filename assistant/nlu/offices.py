"""Offices said by their everyday short names ("省民宗委", "人社厅"), read as the words of their full names
(data/office_short_names.tsv). Used for matching only, never shown back."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

_TABLE = Path(__file__).parent / "data" / "office_short_names.tsv"


@lru_cache(maxsize=1)
def _short_names() -> tuple[re.Pattern[str], dict[str, str]]:
    rows = [line.split("\t") for line in _TABLE.read_text(encoding="utf-8").splitlines()]
    table = {r[0]: r[1] for r in rows if len(r) == 2 and not r[0].startswith("#")}
    words = sorted(table, key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in words)), table


def with_full_office_names(text: str) -> str:
    """`text` with each office's short name replaced by its full name ("去省民宗委" -> "去省民族宗教事务委员会")."""
    rx, table = _short_names()
    return rx.sub(lambda m: table[m.group(0)], text)
