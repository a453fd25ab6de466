"""Load scenario flows (guides/flows/*.yaml) and authored sample guides (guides/samples/*.yaml).

Every file is validated by pydantic on load; errors name the file and the field path, in Chinese, so
content staff can fix the YAML. Flows can also be checked against the knowledge base: their
`service_id` and `related_service_ids` must be known guide ids.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from guides.schema import Flow
from knowledge.schema import SAMPLE_MARK, ServiceGuide

FLOWS_DIR = Path(__file__).resolve().parent / "flows"
SAMPLES_DIR = Path(__file__).resolve().parent / "samples"
SAMPLE_ID_PREFIX = "sample-"

KnownIds = Callable[[str], bool] | Collection[str]


class GuideDataError(ValueError):
    """A YAML file under guides/ is unreadable or invalid; the message names the file and field."""


class FlowError(GuideDataError):
    """A flow file is invalid."""


class SampleGuideError(GuideDataError):
    """A sample guide file is invalid."""


# Chinese wording for the pydantic error types a YAML author meets most.
_PYDANTIC_MESSAGES = {
    "missing": "缺少必填项",
    "extra_forbidden": "不允许的字段（拼写错误？）",
    "too_short": "数量不足",
    "literal_error": "取值无效",
    "string_type": "应为文本",
    "list_type": "应为列表",
    "dict_type": "应为键值映射",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "float_type": "应为数字",
    "float_parsing": "应为数字",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "model_type": "应为键值映射",
}


def field_path(loc: Iterable[str | int]) -> str:
    """("questions", 0, "choices") -> "questions[0].choices"; empty -> "（整体）"."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "（整体）"


def _describe(err: ValidationError, prefix: tuple[str | int, ...] = ()) -> str:
    parts = []
    for e in err.errors():
        ctx = e.get("ctx") or {}
        msg = _PYDANTIC_MESSAGES.get(e["type"], e["msg"].removeprefix("Value error, "))
        if e["type"] == "literal_error":
            msg += f"，应为 {ctx.get('expected', '')} 之一"
        elif e["type"] == "too_short":
            msg += f"，至少 {ctx.get('min_length', '')} 项"
        parts.append(f"字段 {field_path((*prefix, *e['loc']))}：{msg}")
    return "；".join(parts)


def _read_yaml(path: Path, error: type[GuideDataError]) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as e:
        raise error(f"{path.name}：无法读取文件（{e}）") from e
    except yaml.YAMLError as e:
        raise error(f"{path.name}：YAML 格式错误（{e}）") from e
    if not isinstance(data, dict):
        raise error(f"{path.name}：字段 （整体）：顶层应为键值映射")
    return data


def _yaml_files(folder: Path) -> list[Path]:
    return sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")])


def _as_predicate(known: KnownIds) -> Callable[[str], bool]:
    return known if callable(known) else known.__contains__


def load_flow(path: Path | str, *, known_service_ids: KnownIds | None = None) -> Flow:
    """Load one flow file; raises FlowError naming the file and the field."""
    path = Path(path)
    data = _read_yaml(path, FlowError)
    try:
        flow = Flow.model_validate(data)
    except ValidationError as e:
        raise FlowError(f"{path.name}：{_describe(e)}") from e
    if flow.id != path.stem:
        raise FlowError(f"{path.name}：字段 id：流程 id「{flow.id}」应与文件名「{path.stem}」一致")
    if known_service_ids is not None:
        known = _as_predicate(known_service_ids)
        refs = [("service_id", flow.service_id)] + [
            (f"related_service_ids[{i}]", sid) for i, sid in enumerate(flow.related_service_ids)
        ]
        for where, sid in refs:
            if not known(sid):
                raise FlowError(f"{path.name}：字段 {where}：知识库中没有办事指南「{sid}」")
    return flow


def load_flows(
    dir: Path | str | None = None, *, known_service_ids: KnownIds | None = None
) -> dict[str, Flow]:
    """Every flow under `dir` (default: the bundled guides/flows), keyed by id."""
    folder = Path(dir) if dir is not None else FLOWS_DIR
    flows: dict[str, Flow] = {}
    for path in _yaml_files(folder):
        flow = load_flow(path, known_service_ids=known_service_ids)
        if flow.id in flows:
            raise FlowError(f"{path.name}：字段 id：流程 id「{flow.id}」重复")
        flows[flow.id] = flow
    return flows


def _check_sample(guide: ServiceGuide) -> str | None:
    if not guide.id.startswith(SAMPLE_ID_PREFIX):
        return f"字段 id：示例指南的 id 应以「{SAMPLE_ID_PREFIX}」开头"
    if not guide.is_sample:
        return "字段 is_sample：示例指南必须标记 is_sample: true"
    if guide.sample_note != SAMPLE_MARK:
        return f"字段 sample_note：应为「{SAMPLE_MARK}」"
    if guide.source != "sample":
        return "字段 source：示例指南的 source 应为 sample"
    return None


def load_sample_guides(dir: Path | str | None = None) -> list[ServiceGuide]:
    """Authored sample guides under `dir` (default: the bundled guides/samples), each marked as sample."""
    folder = Path(dir) if dir is not None else SAMPLES_DIR
    guides: list[ServiceGuide] = []
    seen: set[str] = set()
    for path in _yaml_files(folder):
        items = _read_yaml(path, SampleGuideError).get("guides")
        if not isinstance(items, list):
            raise SampleGuideError(f"{path.name}：字段 guides：应为办事指南列表")
        for i, raw in enumerate(items):
            try:
                guide = ServiceGuide.model_validate(raw)
            except ValidationError as e:
                raise SampleGuideError(f"{path.name}：{_describe(e, ('guides', i))}") from e
            problem = _check_sample(guide)
            if problem:
                raise SampleGuideError(f"{path.name}：guides[{i}] {problem}")
            if guide.id in seen:
                raise SampleGuideError(f"{path.name}：字段 guides[{i}].id：示例指南 id「{guide.id}」重复")
            seen.add(guide.id)
            guides.append(guide)
    return guides
