"""gdzwfw JSONL loader: real sample lines and every kind of bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from knowledge.loaders.gdzwfw import RecordError, guide_from_record, load_guides_jsonl
from knowledge.loaders.report import LoaderError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "loaders"
SAMPLE = FIXTURES / "guides_sample.jsonl"


def _lines() -> list[str]:
    return SAMPLE.read_text(encoding="utf-8").splitlines()


def _record(i: int = 0) -> dict:
    return json.loads(_lines()[i])


def _write(tmp_path: Path, lines: list[str], name: str = "g.jsonl") -> Path:
    p = tmp_path / name
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return p


def test_sample_lines_load_with_parsed_fields() -> None:
    report = load_guides_jsonl(SAMPLE)
    assert report.rejected == []
    assert report.files == [str(SAMPLE)]
    ids = [g.id for g in report.guides]
    assert ids[0] == "11440000006939756B2440101007000"
    assert len(ids) == 5
    g = report.guides[0]
    assert g.name == "临时价格干预范围事项提价申报"
    assert g.legal_time_limit is not None and g.legal_time_limit.value == 30
    assert g.legal_time_limit.unit == "工作日"
    assert g.promised_time_limit is not None and g.promised_time_limit.text == "7个工作日"
    assert g.location == "广州市越秀区东风中路305号5号楼808房"  # "办理地点：" prefix dropped
    assert [m.name for m in g.materials] == ["提价申报申请报告"]
    assert g.source_url == "https://www.gdzwfw.gov.cn/portal/guide/11440000006939756B2440101007000"
    natural = report.guides[3]
    assert natural.legal_time_limit is not None and natural.legal_time_limit.unit == "自然日"
    assert natural.legal_time_limit.value == 91


def test_placeholder_values_become_none() -> None:
    g = load_guides_jsonl(SAMPLE).guides[4]  # "无" time limits, "无线下办理窗口", material "无"
    assert g.legal_time_limit is None and g.promised_time_limit is None
    assert g.location is None
    assert g.materials == []


def test_unknown_fields_are_ignored(tmp_path: Path) -> None:
    rec = _record() | {"brand_new_field": {"x": 1}}
    report = load_guides_jsonl(_write(tmp_path, [json.dumps(rec, ensure_ascii=False)]))
    assert [g.id for g in report.guides] == [rec["TASK_CODE"]]
    assert report.rejected == []


def test_malformed_line_is_rejected_with_file_and_line(tmp_path: Path) -> None:
    p = _write(tmp_path, [_lines()[0], '{"TASK_CODE": "1144", "TASK_NAME": ', _lines()[1]])
    report = load_guides_jsonl(p)
    assert len(report.guides) == 2
    [rej] = report.rejected
    assert (rej.file, rej.line) == (str(p), 2)
    assert "JSON 解析失败" in rej.reason
    assert str(p) in str(rej) and "第 2 行" in str(rej)


def test_non_object_line_is_rejected(tmp_path: Path) -> None:
    report = load_guides_jsonl(_write(tmp_path, ['["TASK_CODE", "x"]', "42", _lines()[0]]))
    assert [r.line for r in report.rejected] == [1, 2]
    assert all("不是 JSON 对象" in r.reason for r in report.rejected)
    assert len(report.guides) == 1


def test_missing_id_and_missing_name_are_rejected(tmp_path: Path) -> None:
    no_id = _record()
    del no_id["TASK_CODE"]
    no_name = _record(1) | {"TASK_NAME": "  ", "matter_name": "无"}
    p = _write(tmp_path, [json.dumps(no_id, ensure_ascii=False), json.dumps(no_name, ensure_ascii=False)])
    report = load_guides_jsonl(p)
    assert report.guides == []
    assert [r.line for r in report.rejected] == [1, 2]
    assert "TASK_CODE" in report.rejected[0].reason
    assert "名称" in report.rejected[1].reason


def test_validation_failure_is_rejected(tmp_path: Path) -> None:
    too_long = _record() | {"TASK_CODE": "1" * 200}
    report = load_guides_jsonl(_write(tmp_path, [json.dumps(too_long, ensure_ascii=False)]))
    [rej] = report.rejected
    assert rej.line == 1
    assert rej.reason.startswith("字段校验失败") and "id" in rej.reason


def test_duplicate_id_rejects_the_second_naming_the_first(tmp_path: Path) -> None:
    lines = _lines()
    p = _write(tmp_path, [lines[0], "", lines[1], lines[0]])
    report = load_guides_jsonl(p)
    assert len(report.guides) == 2
    [rej] = report.rejected
    assert rej.line == 4  # blank lines still count
    assert "重复" in rej.reason and "第 1 行" in rej.reason


def test_entirely_invalid_file_gives_only_rejections(tmp_path: Path) -> None:
    report = load_guides_jsonl(_write(tmp_path, ["not json", "[]", "{}", "null"]))
    assert report.guides == []
    assert [r.line for r in report.rejected] == [1, 2, 3, 4]


def test_crlf_and_bom_are_accepted(tmp_path: Path) -> None:
    p = tmp_path / "crlf.jsonl"
    p.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(_lines()[:2]).encode("utf-8") + b"\r\n")
    report = load_guides_jsonl(p)
    assert len(report.guides) == 2 and report.rejected == []


@pytest.mark.parametrize("content", [b"", b"\n  \n"])
def test_empty_file_raises_loader_error(tmp_path: Path, content: bytes) -> None:
    p = tmp_path / "empty.jsonl"
    p.write_bytes(content)
    with pytest.raises(LoaderError) as exc:
        load_guides_jsonl(p)
    assert exc.value.reason == "文件为空"
    assert str(p) in str(exc.value)


def test_non_utf8_file_raises_with_line_and_offset(tmp_path: Path) -> None:
    first = _lines()[0].encode("utf-8")
    gbk = _lines()[1].encode("gbk")
    p = tmp_path / "gbk.jsonl"
    p.write_bytes(first + b"\n" + gbk + b"\n")
    bad_at = len(first) + 1 + next(i for i, b in enumerate(gbk) if b > 0x7F)
    with pytest.raises(LoaderError) as exc:
        load_guides_jsonl(p)
    err = exc.value
    assert err.file == str(p) and err.line == 2
    assert "UTF-8" in err.reason and f"第 {bad_at} 字节" in err.reason
    assert str(p) in str(err) and "第 2 行" in str(err)


def test_guide_from_record_errors_are_value_errors() -> None:
    with pytest.raises(RecordError, match="TASK_CODE"):
        guide_from_record({"TASK_NAME": "x"})
    with pytest.raises(ValueError):
        guide_from_record({"TASK_CODE": "", "TASK_NAME": "x"})
