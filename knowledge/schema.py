"""Typed records of the knowledge base: service guides (办事指南) and policy documents.

These models are the boundary between loaders, the store, retrieval and the dialogue layer.
Everything downstream reads facts only from these records.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from knowledge.regions import level_of, parse_region_path

SAMPLE_MARK = "示例数据，以官方发布为准"


class GuideStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


class TimeLimit(BaseModel):
    """A time limit such as "20(工作日)" parsed into number + unit, keeping the raw text."""

    model_config = ConfigDict(frozen=True)

    value: float | None = None
    unit: str | None = None
    raw: str

    @property
    def text(self) -> str:
        if self.value is None:
            return self.raw
        if self.unit == "即办":
            return "即办（当场办结）"
        num = int(self.value) if float(self.value).is_integer() else self.value
        # never add a unit the source lacks: a bare "5" is said as such
        return f"{num}个{self.unit}" if self.unit else f"{num}（单位未载明）"


_TIME_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*[（(]?\s*([^\d()（）]*?)\s*[)）]?\s*$")


def parse_time_limit(raw: str | None) -> TimeLimit | None:
    """Parse "20(工作日)", "1（自然日）", "5个工作日", "即办" ...; None for empty/"无"."""
    if raw is None:
        return None
    text = str(raw).strip()
    if not text or text in {"无", "null", "None", "-"}:
        return None
    if text in {"即办", "即来即办", "当场办结"}:
        return TimeLimit(value=0, unit="即办", raw=text)
    m = _TIME_RE.match(text.replace("个", ""))
    if m:
        unit = m.group(2).strip() or None
        return TimeLimit(value=float(m.group(1)), unit=unit, raw=text)
    return TimeLimit(value=None, unit=None, raw=text)


class Material(BaseModel):
    name: str = Field(min_length=1)
    required: bool = True
    situation: str | None = None  # the 情形 it applies to; None = always
    copies: str | None = None  # e.g. "原件1份，复印件1份"
    source: str | None = None  # where it comes from (申请人自备, 医疗机构出具 ...)
    notes: str | None = None


class Option(BaseModel):
    value: str
    label: str


class Situation(BaseModel):
    """A 情形 question of a guided service; answers select materials via Material.situation."""

    id: str
    question: str
    options: list[Option] = Field(default_factory=list)
    depends_on: dict[str, str] | None = None  # ask only when another answer has this value


class FormField(BaseModel):
    name: str
    label: str
    type: str = "text"  # text, id_number, phone, uscc, date, amount, enum, address, int
    required: bool = True
    options: list[str] = Field(default_factory=list)
    hint: str | None = None


class LinkedItem(BaseModel):
    """An item bundled into a 一件事 scenario."""

    name: str
    promised_days: float | None = None
    result: str | None = None


class FAQ(BaseModel):
    question: str
    answer: str


class ServiceGuide(BaseModel):
    """One 办事指南. `id` is the TASK_CODE (实施编码) for real guides."""

    model_config = ConfigDict(validate_assignment=True)

    id: str = Field(min_length=1, max_length=120)
    name: str = Field(min_length=1)
    catalogue_id: str | None = None
    catalogue_name: str | None = None  # parent item; variants share it
    sub_name: str | None = None  # variant name (新申请/延续/变更 ...)
    department: str | None = None
    region: str | None = None  # 广东省, 广州市, 花都区 ...
    region_code: str | None = None
    level: str | None = None  # 省级, 市级, 区级
    # broad to narrow: ["广东省", "广州市", "花都区"]; derived from `region` when a loader gives none
    region_path: list[str] = Field(default_factory=list)
    type: str | None = None  # 行政许可, 公共服务 ...
    audience: list[str] = Field(default_factory=list)
    themes: list[str] = Field(default_factory=list)
    conditions: str | None = None  # 受理条件
    materials: list[Material] = Field(default_factory=list)
    legal_time_limit: TimeLimit | None = None  # 法定办结时限
    promised_time_limit: TimeLimit | None = None  # 承诺办结时限
    visits: int | None = None  # 到现场次数
    location: str | None = None
    consult_phone: str | None = None
    complaint_phone: str | None = None
    online_url: str | None = None
    platform: str | None = None
    online_booking: bool | None = None
    courier: bool | None = None
    co_departments: list[str] = Field(default_factory=list)
    fees: str | None = None
    legal_basis: str | None = None
    process: list[str] = Field(default_factory=list)
    situations: list[Situation] = Field(default_factory=list)
    form_fields: list[FormField] = Field(default_factory=list)
    linked_items: list[LinkedItem] = Field(default_factory=list)
    faqs: list[FAQ] = Field(default_factory=list)
    source: str = "gdzwfw_2021"
    source_url: str | None = None
    is_sample: bool = False
    sample_note: str | None = None  # SAMPLE_MARK for authored content
    version: int = 1
    status: GuideStatus = GuideStatus.PUBLISHED
    updated_at: datetime | None = None

    @model_validator(mode="before")
    @classmethod
    def _derive_region(cls, data: object) -> object:
        """Every guide carries its region path and level (records stored before these fields too)."""
        if isinstance(data, dict) and not data.get("region_path") and data.get("region"):
            data = {**data, "region_path": list(parse_region_path(str(data["region"])))}
        if isinstance(data, dict) and not data.get("level") and data.get("region_path"):
            data = {**data, "level": level_of(data["region_path"])}
        return data

    @field_validator("name", "id")
    @classmethod
    def _strip(cls, v: str) -> str:
        v = v.strip()
        if not v:
            raise ValueError("must not be blank")
        return v

    @property
    def title(self) -> str:
        return self.name


PolicyLevel = Literal["国家", "省", "市", "区", "县", "其他"]
PolicyKind = Literal["law", "regulation", "policy", "report"]


class Article(BaseModel):
    number: str  # "第十二条" for laws; "p3" for policy paragraphs
    text: str
    chapter: str | None = None  # "第二章 机构及其职责" or the heading path of a policy page
    text_original: str | None = None  # the source text when `text` was converted (繁→简)


class PolicyDocument(BaseModel):
    id: str = Field(min_length=1, max_length=120)
    title: str = Field(min_length=1)
    kind: PolicyKind = "law"
    issuer: str | None = None
    doc_number: str | None = None  # 文号
    published: date | None = None
    effective: date | None = None
    repealed: date | None = None
    level: PolicyLevel | None = None
    region: str | None = None
    articles: list[Article] = Field(default_factory=list)
    preamble: str | None = None
    source_path: str | None = None
    source_url: str | None = None
    converted_from_traditional: bool = False
    updated_at: datetime | None = None

    def article(self, number: str) -> Article | None:
        return next((a for a in self.articles if a.number == number), None)
