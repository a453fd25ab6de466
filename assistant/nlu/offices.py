"""Offices said by their everyday short names ("省民宗委", "人社厅"), read as the words of their full names
(data/office_short_names.tsv). Used for matching only, never shown back."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from assistant.nlu.text import compact

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


_STATE_PREFIX = "中华人民共和国"
MIN_OFFICE_CHARS = 4  # a shorter "office" ("税务") is a word of what is asked too


def _forms(department: str) -> set[str]:
    """How a department's name may be said: whole, or without the state's prefix ("广州海关")."""
    return {n for n in (department, department.removeprefix(_STATE_PREFIX)) if len(n) >= MIN_OFFICE_CHARS}


def department_said(text: str, department: str | None) -> bool:
    """`text` names the office `department` ("由黄埔海关办理" for 中华人民共和国黄埔海关)."""
    q = compact(text)
    return bool(department) and any(n in q for n in _forms(department or ""))


def without_departments(text: str, departments: Iterable[str | None]) -> str:
    """`text` (compact) without the names of the offices it says that handle the services found ("南方联合产权交易中心",
    "广州海关" for 中华人民共和国广州海关): who handles a service, not what is asked ("…产权交易中心有啲实物资产挂牌"
    names no 产权交易项目查询)."""
    names = set().union(*(_forms(d) for d in departments if d))
    out = compact(text)
    for name in sorted(names, key=len, reverse=True):
        out = out.replace(name, "")
    return out


# what a department's own name is said without: its place, a ministry it belongs to ("水利部珠江水利委员会"), a
# company's legal form ("广东省交通集团有限公司"), a bracketed note
_PLACE_PREFIX = re.compile(r"^(?:中华人民共和国|中国|广东省?|广州市|花都区)")
_PARENT_PREFIX = re.compile(r"^[\u4e00-\u9fff]{1,6}部(?=[\u4e00-\u9fff]{4})")
_COMPANY_SUFFIX = re.compile(r"(?:股份)?有限(?:责任)?公司$")
_NOTE = re.compile(r"[（(][^（()）]*[)）]")
MIN_OWN_CHARS = 3
_NOTE_NAME = re.compile(r"[（(]([^（()）]*)[)）]")
_OFFICE_END = re.compile(r"(?:馆|院|局|室|厅|委员会|办公室|中心|所|会)$")
_GOVERNMENT = "人民政府"


def _own_forms(department: str) -> set[str]:
    # (a bracketed office name is the office's other name: 广东省人民政府参事室 (广东省人民政府文史研究馆))
    names = [_NOTE.sub("", department), *(n for n in _NOTE_NAME.findall(department) if _OFFICE_END.search(n))]
    forms: set[str] = set()
    for name in names:
        own = _PLACE_PREFIX.sub("", name)
        # (the government's offices are said without it: "省政府文史研究馆", "文史研究馆")
        forms |= {
            own,
            _PARENT_PREFIX.sub("", own),
            _COMPANY_SUFFIX.sub("", own),
            own.removeprefix(_GOVERNMENT),
        }
    # (科学技术 is said 科技 in any name: "省科技情报研究所" for 广东省科学技术情报研究所)
    forms |= {f.replace("科学技术", "科技") for f in forms}
    return {f.strip() for f in forms if len(f.strip()) >= MIN_OWN_CHARS}


def office_said(text: str, department: str | None) -> bool:
    """`text` names the office by its own name, without its place ("省典当行业协会", "省总工会" for 广东省总工会; "珠江水利
    委员会", "广东交通集团"), or by its everyday short name ("省民宗委" for 广东省民族宗教事务委员会)."""
    q = with_full_office_names(compact(text))
    return bool(department) and any(f in q for f in _own_forms(department or ""))


# an own name this short is a kind of office every place has ("体育局", "税务局"), unless said with 省
KIND_CHARS = 4


def office_singled_out(text: str, department: str | None) -> bool:
    """`text` names this one office, not only its kind: by an own name longer than a bureau's ("省中药研究所",
    "医学实验动物中心"), or a short one said with 省 ("省体育局" for 广东省体育局; "区里体育局" names no provincial office)."""
    q = with_full_office_names(compact(text))
    forms = _own_forms(department) if department else set()
    return any(f in q and (len(f) > KIND_CHARS or f"省{f}" in q) for f in forms)


def of_offices(name: str, department: str | None, offices: Iterable[str | None]) -> bool:
    """A guide (its name and the office it is filed under) is of one of the offices: filed under it, or its name says
    it and it is filed under no unit of it (广东省立中山图书馆图书续借 under 文化和旅游厅; not 省农业科学院水稻研究所's
    guides for 广东省农业科学院)."""
    offices = set(offices)
    return department in offices or any(
        office_said(name, d) and not office_said(department or "", d) for d in offices
    )
