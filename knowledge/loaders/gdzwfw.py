"""Loader for the gdzwfw (广东政务服务网) 2021 JSONL crawl: one guide record a line."""

from __future__ import annotations

import re
from typing import Any

from knowledge.schema import Material, ServiceGuide, parse_time_limit

_EMPTY = {"", "无", "null", "None", "/", "-"}


def _clean(v: Any) -> str | None:
    if v is None:
        return None
    s = str(v).strip()
    return None if s in _EMPTY else s


def _as_list(v: Any) -> list[str]:
    if v is None:
        return []
    if isinstance(v, list):
        return [s for x in v if (s := _clean(x))]
    s = _clean(v)
    if s is None:
        return []
    return [p.strip() for p in re.split(r"[;；、,，\n]", s) if p.strip() and p.strip() not in _EMPTY]


def _yes(v: Any) -> bool | None:
    s = _clean(v)
    if s is None:
        return None
    return s in {"是", "1", "true", "True", "Y", "y"}


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
    """Map one crawler record to a ServiceGuide. Raises KeyError/ValueError on unusable records."""
    code = _clean(rec.get("TASK_CODE"))
    if not code:
        raise ValueError("missing TASK_CODE")
    name = _clean(rec.get("TASK_NAME")) or _clean(rec.get("matter_name"))
    if not name:
        raise ValueError("missing TASK_NAME / matter_name")
    materials = [Material(name=m) for m in _as_list(rec.get("material_intro"))]
    location = _clean(rec.get("handle_location"))
    if location:
        location = _LOC_PREFIX.sub("", location) or None
    url = _clean(rec.get("URL"))
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
        audience=_as_list(rec.get("service_object_name")),
        themes=_as_list(rec.get("theme_category")),
        conditions=_clean(rec.get("accept_standard")),
        materials=materials,
        legal_time_limit=parse_time_limit(rec.get("handle_time")),
        promised_time_limit=parse_time_limit(rec.get("handle_time_limit")),
        visits=_int(rec.get("visit_number")),
        location=location,
        consult_phone=_clean(rec.get("consult_phone")),
        complaint_phone=_clean(rec.get("complain_phone")),
        online_url=url,
        platform=_clean(rec.get("bear_paltform")),
        online_booking=_yes(rec.get("online_book")),
        courier=_yes(rec.get("courier_service")),
        co_departments=_as_list(rec.get("co_department")),
        source="gdzwfw_2021",
        source_url=f"https://www.gdzwfw.gov.cn/portal/guide/{code}",
    )
