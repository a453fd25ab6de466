"""Loader for the gdzwfw (广东政务服务网) 2021 JSONL crawl: one guide record a line."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from knowledge.loaders.files import read_utf8
from knowledge.loaders.report import LoadReport, Rejection, describe_validation_error
from knowledge.schema import Material, ServiceGuide, parse_time_limit

SOURCE = "gdzwfw_2021"
_EMPTY = {"", "无", "null", "None", "/", "-", "无线下办理窗口"}


class RecordError(ValueError):
    """A record that cannot become a guide; the message is Chinese and shown in load reports."""


def _clean(v: Any) -> str | None:
    if v is None or isinstance(v, dict | list):
        return None
    s = str(v).strip()
    return None if s in _EMPTY else s


def _as_list(v: Any) -> list[str]:
    if v is None or isinstance(v, dict):
        return []
    if isinstance(v, list):
        return [s for x in v if (s := _clean(x))]
    s = _clean(v)
    if s is None:
        return []
    return [p.strip() for p in re.split(r"[;；、,，\n]", s) if p.strip() and p.strip() not in _EMPTY]


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _yes(v: Any) -> bool | None:
    s = _clean(v)
    if s is None:
        return None
    return s in {"是", "1", "true", "True", "Y", "y", "支持"}


def _int(v: Any) -> int | None:
    s = _clean(v)
    if s is None:
        return None
    try:
        return int(float(s))
    except ValueError:
        return None


_LOC_PREFIX = re.compile(r"^办理地点[:：]\s*")


def guide_from_record(rec: dict[str, Any]) -> ServiceGuide:
    """Map one crawler record to a ServiceGuide.

    Raises RecordError (a ValueError) for records without TASK_CODE or name, and pydantic's
    ValidationError (also a ValueError) when a field has an unusable value. Unknown fields are ignored.
    """
    if not isinstance(rec, dict):
        raise RecordError(f"记录不是 JSON 对象（得到 {type(rec).__name__}）")
    code = _clean(rec.get("TASK_CODE"))
    if not code:
        raise RecordError("缺少 TASK_CODE（实施编码）")
    name = _clean(rec.get("TASK_NAME")) or _clean(rec.get("matter_name"))
    if not name:
        raise RecordError("缺少事项名称（TASK_NAME / matter_name）")
    materials = [Material(name=m) for m in _unique(_as_list(rec.get("material_intro")))]
    location = _clean(rec.get("handle_location"))
    if location:
        location = _clean(_LOC_PREFIX.sub("", location))
    return ServiceGuide(
        id=code,
        name=name,
        catalogue_id=_clean(rec.get("parentCatalogId")) or _clean(rec.get("CATAID")),
        catalogue_name=_clean(rec.get("parentCatalogName")) or _clean(rec.get("CATANAME")),
        sub_name=_clean(rec.get("subTaskName")),
        department=_clean(rec.get("DEPT_NAME")),
        region=_clean(rec.get("AREA_CODE_TEXT")),
        region_code=_clean(rec.get("AREACODE")),
        level=_clean(rec.get("matter_level")) or _clean(rec.get("district")),
        type=_clean(rec.get("TASK_TYPE_TEXT")) or _clean(rec.get("matter_type")),
        audience=_unique(_as_list(rec.get("service_object_name"))),
        themes=_unique(_as_list(rec.get("theme_category"))),
        conditions=_clean(rec.get("accept_standard")),
        materials=materials,
        legal_time_limit=parse_time_limit(_clean(rec.get("handle_time"))),
        promised_time_limit=parse_time_limit(_clean(rec.get("handle_time_limit"))),
        visits=_int(rec.get("visit_number")),
        location=location,
        consult_phone=_clean(rec.get("consult_phone")),
        complaint_phone=_clean(rec.get("complain_phone")),
        online_url=_clean(rec.get("URL")),
        platform=_clean(rec.get("bear_paltform")),
        online_booking=_yes(rec.get("online_book")),
        courier=_yes(rec.get("courier_service")),
        co_departments=_unique(_as_list(rec.get("co_department"))),
        source=SOURCE,
        source_url=f"https://www.gdzwfw.gov.cn/portal/guide/{code}",
    )


def record_problem(rec: Any) -> tuple[ServiceGuide | None, str | None]:
    """(guide, None) for a usable record, (None, Chinese reason) otherwise. Never raises."""
    try:
        return guide_from_record(rec), None
    except ValidationError as e:
        return None, describe_validation_error(e)
    except (RecordError, ValueError, TypeError) as e:
        return None, str(e) or type(e).__name__


def _json_reason(e: json.JSONDecodeError) -> str:
    return f"JSON 解析失败：{e.msg}（第 {e.colno} 列）"


def load_guides_jsonl(path: Path | str) -> LoadReport:
    """Load a JSONL file of crawler records. Bad lines become Rejections (1-based line numbers).

    Raises LoaderError only when the whole file is unusable (missing, empty, not UTF-8).
    """
    path = Path(path)
    file = str(path)
    text = read_utf8(path)
    report = LoadReport(files=[file])
    seen: dict[str, int] = {}
    for lineno, raw in enumerate(text.split("\n"), start=1):
        if not raw.strip():
            continue
        try:
            rec = json.loads(raw)
        except json.JSONDecodeError as e:
            report.rejected.append(Rejection(file=file, line=lineno, reason=_json_reason(e)))
            continue
        if not isinstance(rec, dict):
            reason = f"不是 JSON 对象（得到 {type(rec).__name__}）"
            report.rejected.append(Rejection(file=file, line=lineno, reason=reason))
            continue
        guide, reason = record_problem(rec)
        if guide is None:
            report.rejected.append(Rejection(file=file, line=lineno, reason=reason or "无法载入"))
            continue
        first = seen.get(guide.id)
        if first is not None:
            reason = f"重复的 id {guide.id}（与第 {first} 行重复）"
            report.rejected.append(Rejection(file=file, line=lineno, reason=reason))
            continue
        seen[guide.id] = lineno
        report.guides.append(guide)
    return report


def load_guide_records(records: list[Any], file: str) -> LoadReport:
    """Load a JSON array of crawler records; rejections name the 1-based item index (line=None)."""
    report = LoadReport(files=[file])
    seen: dict[str, int] = {}
    for idx, rec in enumerate(records, start=1):
        guide, reason = record_problem(rec)
        if guide is None:
            report.rejected.append(Rejection(file=file, line=None, reason=f"第 {idx} 条记录：{reason}"))
            continue
        if guide.id in seen:
            reason = f"第 {idx} 条记录：重复的 id {guide.id}（与第 {seen[guide.id]} 条重复）"
            report.rejected.append(Rejection(file=file, line=None, reason=reason))
            continue
        seen[guide.id] = idx
        report.guides.append(guide)
    return report
