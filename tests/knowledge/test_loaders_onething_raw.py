"""The 一件事 loader also reads the portal's raw API shape ({"code", "data": {...}} with materialList,
approveList, guideCondition objects, onethingCatalogStandServiceGuide), and archives of source files load
like folders, safely."""

from __future__ import annotations

import io
import json
import tarfile
import zipfile
from pathlib import Path
from typing import Any

from knowledge.loaders import load_guides_jsonl, load_path
from knowledge.loaders.scenario import guide_from_onething

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "loaders"
EXTRACT = FIXTURES / "onething_newborn_trimmed.json"
JSONL = FIXTURES / "guides_sample.jsonl"


def raw_api_shape(extract: dict[str, Any]) -> dict[str, Any]:
    """Rebuild the portal response layout from the extract (same values, the API's own key names)."""
    data = {k: v for k, v in extract.items() if not k.startswith("_")}
    data["materialList"] = data.pop("materialList_subset")
    data["approveList"] = data.pop("approveList_linked_items")
    data["guideCondition"] = [{"bltj": c, "processingConditions": c} for c in data["guideCondition"]]
    data["onethingCatalogStandServiceGuide"] = {
        "bllctsm": data.pop("process_description_bllctsm"),
        "zcblqdWbdz": data.pop("online_entry_zcblqdWbdz"),
        "cnbjsx": data["basicInfo"].pop("completedLimit"),
    }
    data["questionInfo"] = [{"wt": q["problem"], "da": q["answer"]} for q in data["questionInfo"]]
    return {"code": 0, "data": data, "error": False, "msg": "查询办事指南信息成功", "success": True}


def test_raw_api_shape_maps_like_the_extract() -> None:
    extract = json.loads(EXTRACT.read_text(encoding="utf-8"))
    a = guide_from_onething(extract)
    b = guide_from_onething(raw_api_shape(extract))
    assert b.id == a.id and b.name == a.name
    assert [m.name for m in b.materials] == [m.name for m in a.materials] and b.materials
    assert [x.name for x in b.linked_items] == [x.name for x in a.linked_items] and b.linked_items
    assert b.conditions == a.conditions and b.conditions
    assert b.process == a.process and b.process
    assert [f.question for f in b.faqs] == [f.question for f in a.faqs] and b.faqs
    assert b.promised_time_limit == a.promised_time_limit and b.online_url == a.online_url


def _tgz(path: Path, members: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as tf:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return path


def test_archive_loads_like_a_folder(tmp_path: Path) -> None:
    raw = json.dumps(raw_api_shape(json.loads(EXTRACT.read_text(encoding="utf-8"))), ensure_ascii=False)
    archive = _tgz(
        tmp_path / "bundle.tgz",
        {
            "guides/one.json": raw.encode(),
            "guides/items.jsonl": JSONL.read_bytes(),
            "guides/bad.jsonl": b"{not json\n",
        },
    )
    report = load_path(archive)
    expected = len(load_guides_jsonl(JSONL).guides) + 1
    assert len(report.guides) == expected
    assert [r.file for r in report.rejected] == [f"{archive}!/guides/bad.jsonl"]
    assert report.rejected[0].line == 1

    zipped = tmp_path / "bundle.zip"
    with zipfile.ZipFile(zipped, "w") as zf:
        zf.writestr("one.json", raw)
    assert [g.name for g in load_path(zipped).guides] == ["新生儿出生一件事"]


def test_archive_member_escaping_the_folder_is_refused(tmp_path: Path) -> None:
    archive = _tgz(tmp_path / "evil.tgz", {"../escaped.jsonl": JSONL.read_bytes()})
    report = load_path(archive)
    assert not report.guides and len(report.rejected) == 1
    assert "evil.tgz" in report.rejected[0].file and "解压" in report.rejected[0].reason
    assert not (tmp_path.parent / "escaped.jsonl").exists()


def test_corrupt_archive_is_a_rejection(tmp_path: Path) -> None:
    bad = tmp_path / "broken.tar.gz"
    bad.write_bytes(b"this is not a tar file")
    report = load_path(bad)
    assert not report.guides and "broken.tar.gz" in report.rejected[0].file


def test_a_process_naming_only_a_flowchart_is_no_process() -> None:
    # the real 申请公租房 (石牛江镇) and 退役军人服务 (芙蓉区) guides give only the title of a picture we do not have
    fixtures = Path(__file__).resolve().parents[1] / "fixtures" / "hunan_onething"
    for name in ("43PCP0002_shiniujiang.json", "43PCP0003_furong.json"):
        raw = json.loads((fixtures / name).read_text(encoding="utf-8"))
        assert "流程图" in json.dumps(raw, ensure_ascii=False)
        assert guide_from_onething(raw).process == [], name
    extract = json.loads(EXTRACT.read_text(encoding="utf-8"))
    assert guide_from_onething(extract).process  # a process stated in words is kept
    for said in ("见流程图", "详见附件。", "流程图"):
        assert guide_from_onething({**extract, "process_description_bllctsm": said}).process == [], said
