"""Flows as curated data: YAML text <-> Flow with field-level errors, and the published records as flows.

Content staff start from a service's current flow (authored, curated or generic), edit its YAML (add a
situation question with conditions, mark a material conditional, add form fields with validators), save a
draft, diff versions and publish. `parse_flow_text` rejects, naming the field: YAML errors, a condition that
refers to a missing question or choice, a circular condition, an unknown validator (field type), and anything
else the Flow model refuses. The bundled YAML flows are seeded as ordinary records (`seed_bundled`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from guides.loader import _PYDANTIC_MESSAGES, field_path
from guides.schema import FIELD_TYPES, Flow, condition_cycle
from knowledge.flow_records import FlowRecordStore

log = logging.getLogger("govassist.flows")
# libyaml when available: flow records are parsed at every start-up and publish (pure-Python YAML ~60 ms each)
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class FieldError(BaseModel):
    field: str  # "questions[2].when.agent"
    message: str  # Chinese


class FlowValidationError(ValueError):
    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = errors
        super().__init__("；".join(f"字段 {e.field}：{e.message}" for e in errors))


def flow_to_text(flow: Flow) -> str:
    data = flow.model_dump(mode="json", exclude_defaults=True)
    data = {"id": flow.id, "title": flow.title, "service_id": flow.service_id, **data}
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)


def _reference_errors(data: dict[str, Any]) -> list[FieldError]:
    """Conditions naming a missing question / choice, circular conditions, unknown field types."""
    errors: list[FieldError] = []
    questions = data.get("questions") if isinstance(data.get("questions"), list) else []
    known: dict[str, set[str]] = {}
    for q in questions:
        if isinstance(q, dict) and isinstance(q.get("id"), str):
            known[q["id"]] = {str(c.get("value")) for c in q.get("choices") or [] if isinstance(c, dict)}
    for section in ("questions", "materials", "form"):
        items = data.get(section) if isinstance(data.get(section), list) else []
        for i, item in enumerate(items):
            when = item.get("when") if isinstance(item, dict) else None
            if not isinstance(when, dict):
                continue
            for qid, allowed in when.items():
                where = field_path((section, i, "when", str(qid)))
                if qid not in known:
                    errors.append(FieldError(field=where, message=f"条件引用了不存在的问题「{qid}」"))
                    continue
                bad = [
                    a
                    for a in (allowed if isinstance(allowed, list) else [allowed])
                    if str(a) not in known[qid]
                ]
                if bad:
                    errors.append(
                        FieldError(field=where, message=f"问题「{qid}」没有选项 {'、'.join(map(str, bad))}")
                    )
    form = data.get("form") if isinstance(data.get("form"), list) else []
    for i, f in enumerate(form):
        kind = f.get("type", "text") if isinstance(f, dict) else "text"
        if kind not in FIELD_TYPES:
            errors.append(
                FieldError(
                    field=field_path(("form", i, "type")),
                    message=f"未知的校验类型「{kind}」，可用：{'、'.join(sorted(FIELD_TYPES))}",
                )
            )
    if not errors:
        from guides.schema import Question

        try:
            parsed = [Question.model_validate(q) for q in questions]
        except ValidationError:
            parsed = []  # reported by the full validation below
        cycle = condition_cycle(parsed)
        if cycle:
            idx = next(i for i, q in enumerate(parsed) if q.id == cycle[0])
            errors.append(
                FieldError(
                    field=field_path(("questions", idx, "when")),
                    message="条件循环引用：" + " → ".join(cycle),
                )
            )
    return errors


def parse_flow_text(text: str, *, known_service: Callable[[str], bool] | None = None) -> Flow:
    """Validate YAML text into a Flow; FlowValidationError lists every problem with its field."""
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader (libyaml's CSafeLoader)
    except yaml.YAMLError as e:
        raise FlowValidationError([FieldError(field="（整体）", message=f"YAML 格式错误（{e}）")]) from e
    if not isinstance(data, dict):
        raise FlowValidationError([FieldError(field="（整体）", message="顶层应为键值映射")])
    errors = _reference_errors(data)
    if errors:
        raise FlowValidationError(errors)
    try:
        flow = Flow.model_validate(data)
    except ValidationError as e:
        out = []
        for err in e.errors():
            msg = _PYDANTIC_MESSAGES.get(err["type"], err["msg"].removeprefix("Value error, "))
            out.append(FieldError(field=field_path(err["loc"]), message=msg))
        raise FlowValidationError(out) from e
    if known_service is not None and not known_service(flow.service_id):
        raise FlowValidationError(
            [FieldError(field="service_id", message=f"知识库中没有办事指南「{flow.service_id}」")]
        )
    return flow


class CuratedFlows:
    """The published flow records as flows (guides.registry.PublishedFlows). A record that no longer
    validates (a schema change) is skipped with a warning; its service falls back to the next source."""

    def __init__(self, records: FlowRecordStore) -> None:
        self.records = records

    def stamp(self) -> object:
        return self.records.version_stamp()

    def published_flows(self) -> list[Flow]:
        out: list[Flow] = []
        for rec in self.records.published():
            try:
                out.append(parse_flow_text(rec.body))
            except FlowValidationError as e:
                log.warning("flow record %s v%s skipped: %s", rec.flow_id, rec.version, e)
        return out


def seed_bundled(records: FlowRecordStore, flows: Mapping[str, Flow]) -> list[str]:
    """The bundled YAML flows become ordinary published records (idempotent; staff edits are kept)."""
    return records.seed([(f.id, f.service_id, flow_to_text(f)) for f in flows.values()])
