"""Flow editor API: a service's flow as YAML (curated record, authored or generic), drafts validated with
field-level errors, versions, diffs and publish. The next conversation about the service uses what was published.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field

from app.api.deps import EditorDep, ServicesDep
from app.api.errors import CUSTOM
from app.masking import get_logger
from app.wiring import Services
from guides.curation import FlowValidationError, flow_to_text, parse_flow_text
from guides.generic import derive_flow
from guides.schema import Flow
from knowledge.flow_records import FlowRecordStore, FlowVersion
from knowledge.records import NotFound

router = APIRouter(prefix="/flows", tags=["情形引导流程"])
log = get_logger("govassist.api.flows")


class FlowDocOut(BaseModel):
    service_id: str
    flow_id: str
    source: str = Field(description="record（已保存的流程记录）| authored | generic | derived")
    text: str = Field(description="流程 YAML（编辑起点）")
    current_version: int | None = None
    published_version: int | None = None
    flow: dict


class FlowDraftIn(BaseModel):
    text: str = Field(min_length=1, max_length=100_000, description="流程 YAML")
    note: str = Field(default="", max_length=500)


class FlowPublishIn(BaseModel):
    version: int | None = Field(default=None, ge=1, description="默认：最新版本")


class FlowVersionOut(BaseModel):
    flow_id: str
    service_id: str
    version: int
    actor: str
    note: str
    created_at: datetime
    published: bool
    is_current: bool


class FlowDiffOut(BaseModel):
    flow_id: str
    a: int
    b: int
    diff: str


def _records(services: Services) -> FlowRecordStore:
    return FlowRecordStore(services.store.engine)


def _guide_or_404(services: Services, service_id: str) -> None:
    if services.store.get_guide(service_id) is None:
        raise HTTPException(status_code=404, detail=f"办事指南不存在：{service_id}")


def _version_out(v: FlowVersion) -> FlowVersionOut:
    return FlowVersionOut.model_validate(v.model_dump())


def _record_or_404(services: Services, service_id: str) -> FlowVersion:
    rec = _records(services).for_service(service_id)
    if rec is None:
        raise HTTPException(status_code=404, detail=f"该事项还没有保存过流程：{service_id}")
    return rec


def _reload(services: Services) -> None:
    reload = getattr(services.flows, "reload", None)
    if callable(reload):
        reload()


@router.get(
    "/{service_id}",
    response_model=FlowDocOut,
    summary="事项的流程（已保存的记录，或当前生效/自动生成的流程）",
)
def get_flow(service_id: str, services: ServicesDep, principal: EditorDep) -> FlowDocOut:
    _guide_or_404(services, service_id)
    rec = _records(services).for_service(service_id)
    if rec is not None:
        flow = parse_flow_text(rec.body)
        published = _records(services).get(rec.flow_id, published_only=True)
        return FlowDocOut(
            service_id=service_id,
            flow_id=rec.flow_id,
            source="record",
            text=rec.body,
            current_version=rec.version,
            published_version=published.version if published else None,
            flow=flow.model_dump(mode="json"),
        )
    flow: Flow | None = None
    by_service = getattr(services.flows, "for_service", None)
    if callable(by_service):
        flow = by_service(service_id)
    source = "authored" if flow is not None and flow.origin == "authored" else "generic"
    if flow is None:
        guide = services.store.get_guide(service_id)
        assert guide is not None
        flow, source = derive_flow(guide), "derived"
    return FlowDocOut(
        service_id=service_id,
        flow_id=flow.id,
        source=source,
        text=flow_to_text(flow),
        flow=flow.model_dump(mode="json"),
    )


@router.post(
    "/{service_id}/draft",
    response_model=FlowVersionOut,
    status_code=201,
    summary="保存流程草稿（校验失败时逐字段说明，不保存任何内容）",
)
def save_draft(
    service_id: str, body: FlowDraftIn, services: ServicesDep, principal: EditorDep
) -> FlowVersionOut:
    _guide_or_404(services, service_id)

    def known(sid: str) -> bool:
        return services.store.get_guide(sid) is not None

    try:
        flow = parse_flow_text(body.text, known_service=known)
    except FlowValidationError as e:
        raise RequestValidationError(
            [
                {"type": CUSTOM, "loc": ("body", "text", err.field), "msg": err.message, "input": None}
                for err in e.errors
            ]
        ) from e
    if flow.service_id != service_id:
        raise RequestValidationError(
            [
                {
                    "type": CUSTOM,
                    "loc": ("body", "text", "service_id"),
                    "msg": f"应为本事项 {service_id}",
                    "input": None,
                }
            ]
        )
    if flow.origin == "generic":
        flow = flow.model_copy(update={"origin": "curated"})
    try:
        saved = _records(services).save_draft(
            flow.id, service_id, flow_to_text(flow), actor=principal.actor, note=body.note
        )
    except ValueError as e:
        raise RequestValidationError(
            [{"type": CUSTOM, "loc": ("body", "text", "id"), "msg": str(e), "input": None}]
        ) from e
    log.info("flow %s v%s saved by %s", saved.flow_id, saved.version, principal.actor)
    return _version_out(saved)


@router.get("/{service_id}/versions", response_model=list[FlowVersionOut], summary="流程的版本")
def versions(service_id: str, services: ServicesDep, principal: EditorDep) -> list[FlowVersionOut]:
    rec = _record_or_404(services, service_id)
    return [_version_out(v) for v in _records(services).versions(rec.flow_id)]


@router.get("/{service_id}/diff", response_model=FlowDiffOut, summary="两个版本的差异（unified diff）")
def diff(
    service_id: str,
    services: ServicesDep,
    principal: EditorDep,
    a: Annotated[int, Query(ge=1)],
    b: Annotated[int, Query(ge=1)],
) -> FlowDiffOut:
    rec = _record_or_404(services, service_id)
    try:
        text = _records(services).diff(rec.flow_id, a, b)
    except NotFound as e:
        raise HTTPException(status_code=404, detail=str(e)) from e
    return FlowDiffOut(flow_id=rec.flow_id, a=a, b=b, diff=text)


@router.post("/{service_id}/publish", response_model=FlowVersionOut, summary="发布流程（下一次对话即生效）")
def publish(
    service_id: str, services: ServicesDep, principal: EditorDep, body: FlowPublishIn | None = None
) -> FlowVersionOut:
    rec = _record_or_404(services, service_id)
    try:
        published = _records(services).publish(
            rec.flow_id, actor=principal.actor, version=body.version if body else None
        )
    except NotFound as e:
        raise HTTPException(status_code=404, detail=str(e)) from e
    _reload(services)
    log.info("flow %s v%s published by %s", published.flow_id, published.version, principal.actor)
    return _version_out(published)
