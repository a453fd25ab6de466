"""Loader for a "一件事" scenario guide extracted from the Hunan government service portal JSON."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from knowledge.loaders.files import read_utf8
from knowledge.loaders.report import LoaderError, LoadReport, describe_validation_error
from knowledge.regions import PROVINCE_CODES, level_of, units_in
from knowledge.schema import FAQ, LinkedItem, Material, ServiceGuide, parse_time_limit

SOURCE = "hunan_onething"
_EMPTY = {"", "无", "null", "None", "/", "-"}
# "父母双方是不同民族时提供。" → optional, needed in that situation.
_CONDITIONAL = re.compile(r"^(?P<situation>.+?时)(?:需要|需|须|应当|应)?(?:提供|提交|上传)[。.]?$")
_OPTIONAL_PART = re.compile(r"可以?不(?:提供|提交|上传)")
# a process field that only names a picture the data does not carry ("流程图", "湖南省军人服务…流程图", "见附件"):
# no process stated
_PICTURE_ONLY = re.compile(r"(?:详?见|参见|如)?(?:[^。；;\n]{0,30}流程图|下?图|附件|附图)(?:所示)?[。.]?")
_URL = re.compile(r"https?://[^\s\"'，。)）]+")


def unwrap(data: Any) -> Any:
    """The portal API wraps the guide as {"code": 0, "data": {...}, "success": true}; extracts keep it bare."""
    if (
        isinstance(data, dict)
        and isinstance(data.get("data"), dict)
        and ("code" in data or "success" in data)
    ):
        return data["data"]
    return data


def is_onething(data: Any) -> bool:
    data = unwrap(data)
    return isinstance(data, dict) and ("yjsSsqdbm" in data or "sxmc" in data) and "basicInfo" in data


def _first(data: dict[str, Any], *keys: str) -> Any:
    """The value under the first key present: extracts and the raw API name some fields differently."""
    return next((data[k] for k in keys if data.get(k) not in (None, "", [])), None)


def _condition(x: Any) -> str | None:
    """One condition. `bltj` is sometimes only a heading or a bare question ("是否为本省户籍？") whose
    substance is in `smmc`: keep whichever holds the substance, both when they differ."""
    if not isinstance(x, dict):
        return _s(x)
    head = _s(x.get("processingConditions")) or _s(x.get("bltj"))
    body = _s(x.get("smmc"))
    if not body or (head and compact_eq(body, head)):
        return head
    if not head or compact_eq(head, body[: len(head)]) or head in body:
        return body
    if body in head:
        return head
    sep = "" if re.search(r"[：:？?]$", head) else "："
    return f"{head}{sep}{body}"


def compact_eq(a: str, b: str) -> bool:
    return re.sub(r"\s+", "", a) == re.sub(r"\s+", "", b)


def region_path(code: str, area: str | None, department: str | None) -> list[str]:
    """Province (from the code prefix) + the units the department name starts with, down to the area:
    ("43…", "石牛江镇", "桃江县石牛江镇人民政府") -> ["湖南省", "桃江县", "石牛江镇"]."""
    path: list[str] = []
    province = PROVINCE_CODES.get(code[:2])
    if province:
        path.append(province)
    for unit in units_in(department):
        if unit not in path:
            path.append(unit)
    if area and area not in path:
        path.append(area)
    return path


def _s(v: Any) -> str | None:
    if v is None or isinstance(v, dict | list):
        return None
    s = str(v).strip()
    return None if s in _EMPTY else s


def _float(v: Any) -> float | None:
    try:
        return float(v) if _s(v) is not None else None
    except (TypeError, ValueError):
        return None


def _squash(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


def _list(v: Any) -> list[Any]:
    return v if isinstance(v, list) else []


def _split_once(text: str) -> tuple[str, str]:
    parts = re.split(r"[，,；;]", text, maxsplit=1)
    return parts[0].strip(), (parts[1].strip() if len(parts) > 1 else "")


def material_from_item(item: dict[str, Any]) -> Material:
    """clmc → name, tbxz → notes, cllyqdsm → source; "…时提供" notes make the material situational."""
    name = re.sub(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])", "", _s(item.get("clmc")) or "")
    notes = _s(item.get("tbxz"))
    source = _s(item.get("cllyqdsm"))
    required, situation = True, None
    if notes and (m := _CONDITIONAL.match(notes)):
        required, situation = False, m.group("situation")
    if source and _OPTIONAL_PART.search(source):  # "个人提供，7岁以下可以不提供": keep the caveat as a note
        head, tail = _split_once(source)
        source = head or None
        notes = "；".join(x for x in (notes, tail) if x) or None
    return Material(name=name, required=required, situation=situation, source=source, notes=notes)


def _location(points: list[Any]) -> str | None:
    parts = []
    for p in points:
        if not isinstance(p, dict):
            continue
        name, addr, hours = _s(p.get("pointName")), _s(p.get("infoAddr")), _s(p.get("processingTime"))
        text = name or addr
        if name and addr and addr != name:
            text = f"{name}（{addr}）"
        if text and hours:
            text = f"{text}；办理时间：{_squash(hours)}"
        if text:
            parts.append(text)
    return "\n".join(parts) or None


def guide_from_onething(data: dict[str, Any]) -> ServiceGuide:
    """Map the 一件事 JSON to a ServiceGuide. Raises ValueError (or ValidationError) when unusable."""
    data = unwrap(data)
    std = data.get("onethingCatalogStandServiceGuide")
    std = std if isinstance(std, dict) else {}
    materials_raw = _list(_first(data, "materialList_subset", "materialList"))
    checklist = next((_s(m.get("yjsSsqdId")) for m in materials_raw if isinstance(m, dict)), None)
    code = _s(data.get("yjsSsqdbm")) or checklist
    name = _s(data.get("sxmc"))
    if not code or not name:
        raise ValueError("缺少一件事编码（yjsSsqdbm）或名称（sxmc）")
    info = data.get("basicInfo") if isinstance(data.get("basicInfo"), dict) else {}
    conditions = [c for x in _list(data.get("guideCondition")) if (c := _condition(x))]
    materials = [material_from_item(m) for m in materials_raw if isinstance(m, dict) and _s(m.get("clmc"))]
    linked = [
        LinkedItem(
            name=_s(x.get("lbsxfwmc")) or "",
            promised_days=_float(x.get("cnsxsx")),
            result=_s(x.get("resultSampleName")),
        )
        for x in _list(_first(data, "approveList_linked_items", "approveList"))
        if isinstance(x, dict) and _s(x.get("lbsxfwmc"))
    ]
    flow_text = _s(data.get("process_description_bllctsm")) or _s(std.get("bllctsm")) or ""
    if _PICTURE_ONLY.fullmatch(flow_text.strip()):
        flow_text = ""
    process = [p.strip() for p in flow_text.split("->") if p.strip()]
    faqs = [
        FAQ(question=q, answer=a)
        for x in _list(data.get("questionInfo"))
        if isinstance(x, dict)
        and (q := _s(x.get("problem")) or _s(x.get("wt")))
        and (a := _s(x.get("answer")) or _s(x.get("da")))
    ]
    limit = _s(info.get("completedLimit")) or _s(std.get("cnbjsx"))
    urls = _URL.findall(str(data.get("_note") or ""))
    charge = _s(info.get("isCharge"))
    department = _s(info.get("qtbmmc"))
    area = _s(info.get("areaName"))
    path = region_path(code, area, department)
    return ServiceGuide(
        id=code,  # the official 一件事 code, like TASK_CODE for single items
        name=name,
        department=department,
        region="".join(path) or area,
        region_path=path,
        level=level_of(path),
        type="一件事",
        conditions="；".join(conditions) or None,
        materials=materials,
        promised_time_limit=parse_time_limit(limit),  # the portal gives no unit: none is added
        visits=0 if "全程网办" in (_s(info.get("reasonLink")) or "") else None,
        location=_location(_list(data.get("guidePoint"))),
        consult_phone=_s(info.get("zxdh")),
        complaint_phone=_s(info.get("jdtsdh")),
        online_url=_s(data.get("online_entry_zcblqdWbdz")) or _s(std.get("zcblqdWbdz")),
        co_departments=[
            p.strip() for p in re.split(r"[,，、]", _s(info.get("cooperateName")) or "") if p.strip()
        ],
        fees={"0": "不收费", "1": "收费"}.get(charge or ""),
        process=process,
        linked_items=linked,
        faqs=faqs,
        source=SOURCE,
        source_url=urls[-1] if urls else None,
        is_sample=False,
    )


def load_onething_data(data: Any, file: str) -> LoadReport:
    if not is_onething(data):
        raise LoaderError(file, None, "不是一件事指南 JSON（缺少 sxmc / yjsSsqdbm / basicInfo）")
    try:
        guide = guide_from_onething(data)
    except ValidationError as e:
        raise LoaderError(file, None, describe_validation_error(e)) from e
    except ValueError as e:
        raise LoaderError(file, None, str(e)) from e
    return LoadReport(guides=[guide], files=[file])


def load_scenario_json(path: Path | str) -> LoadReport:
    path = Path(path)
    text = read_utf8(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise LoaderError(str(path), e.lineno, f"JSON 解析失败：{e.msg}（第 {e.colno} 列）") from e
    return load_onething_data(data, str(path))
