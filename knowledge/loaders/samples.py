"""Loader for authored sample guides: YAML (or JSON) with a top-level `guides:` list of ServiceGuide dicts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from knowledge.loaders.files import read_utf8
from knowledge.loaders.report import LoaderError, LoadReport, Rejection, describe_validation_error
from knowledge.schema import ServiceGuide


def _item_lines(text: str) -> list[int | None]:
    """1-based start line of each item of the top-level `guides` sequence (None where unknown)."""
    try:
        root = yaml.compose(text)
    except yaml.YAMLError:
        return []
    if not isinstance(root, yaml.MappingNode):
        return []
    for key, value in root.value:
        if getattr(key, "value", None) == "guides" and isinstance(value, yaml.SequenceNode):
            return [node.start_mark.line + 1 for node in value.value]
    return []


def guides_from_items(items: list[Any], file: str, lines: list[int | None] | None = None) -> LoadReport:
    """Validate each item as a ServiceGuide; bad items and duplicate ids become Rejections naming the index."""
    report = LoadReport(files=[file])
    seen: dict[str, int] = {}
    for idx, item in enumerate(items, start=1):
        line = lines[idx - 1] if lines and idx - 1 < len(lines) else None
        where = f"第 {idx} 项："
        if not isinstance(item, dict):
            reason = f"{where}不是映射（得到 {type(item).__name__}）"
            report.rejected.append(Rejection(file=file, line=line, reason=reason))
            continue
        try:
            guide = ServiceGuide.model_validate(item)
        except ValidationError as e:
            report.rejected.append(
                Rejection(file=file, line=line, reason=where + describe_validation_error(e))
            )
            continue
        if guide.id in seen:
            reason = f"{where}重复的 id {guide.id}（与第 {seen[guide.id]} 项重复）"
            report.rejected.append(Rejection(file=file, line=line, reason=reason))
            continue
        seen[guide.id] = idx
        report.guides.append(guide)
    return report


def load_guides_yaml(path: Path | str) -> LoadReport:
    path = Path(path)
    file = str(path)
    text = read_utf8(path)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise LoaderError(file, line, f"YAML 解析失败：{getattr(e, 'problem', None) or e}") from e
    if not isinstance(data, dict) or not isinstance(data.get("guides"), list):
        raise LoaderError(file, None, "缺少顶层 guides 列表")
    return guides_from_items(data["guides"], file, _item_lines(text))
