"""Applications (办件): idempotent intake, listing, the clerk's decisions and the audit trail."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, HTTPException, Query, Request, Response

from app import repository as repo
from app.api.deps import ApplicantDep, ClerkDep, PrincipalDep, ServicesDep
from app.api.errors import field_error
from app.api.intake import check_submission, flow_for
from app.api.limits import Limit, limiter
from app.api.schemas import (
    ApplicationIn,
    ApplicationOut,
    ApplicationPageOut,
    EventOut,
    MaterialIn,
    ResubmitIn,
    TransitionIn,
)
from app.auth import Principal
from app.db import ApplicationStatus, Role
from app.masking import get_logger
from app.wiring import Services

router = APIRouter(prefix="/applications", tags=["办件"])
log = get_logger("govassist.api.applications")

StatusQuery = Annotated[ApplicationStatus | None, Query(description="已提交/已受理/需补正/不予受理/办结")]


def _out(record: repo.ApplicationRecord) -> ApplicationOut:
    return ApplicationOut.model_validate(record.model_dump())


def _visible(services: Services, principal: Principal, application_id: str) -> repo.ApplicationRecord:
    """Clerks and admins see every application; everyone else only their own (others look missing)."""
    with services.db.read() as session:
        record = repo.get_application(session=session, application_id=application_id)
    staff = principal.has(Role.CLERK, Role.ADMIN)
    if record is None or (not staff and record.owner != principal.token_id):
        raise HTTPException(status_code=404, detail=f"办件不存在：{application_id}")
    return record


def _material_inputs(stored: list) -> list[MaterialIn]:
    keys = ("name", "required", "provided")
    return [
        MaterialIn.model_validate({k: m[k] for k in keys if k in m})
        for m in stored
        if isinstance(m, dict) and m.get("name")
    ]


@router.post(
    "",
    response_model=ApplicationOut,
    status_code=201,
    summary="提交办件申请（需 Idempotency-Key，重复提交返回同一办件）",
    responses={
        200: {"description": "同一幂等键的办件已存在，返回原办件"},
        409: {"description": "幂等键冲突"},
    },
)
def create_application(
    body: ApplicationIn,
    request: Request,
    response: Response,
    services: ServicesDep,
    principal: ApplicantDep,
    idempotency_key: Annotated[
        str, Header(alias="Idempotency-Key", min_length=1, max_length=200, description="客户端生成的唯一键")
    ],
) -> ApplicationOut:
    limiter(request).check(Limit.APPLICATIONS, principal.token_id)
    guide = services.store.get_guide(body.service_id, published_only=True)
    if guide is None:
        raise field_error(("body", "service_id"), f"办事事项不存在或未发布：{body.service_id}")
    checked = check_submission(flow_for(services.flows, body.service_id, body.flow_id), guide, body)
    data = repo.ApplicationData(service_id=body.service_id, service_name=guide.name, **checked.model_dump())
    key = f"api:{principal.token_id}:{idempotency_key.strip()}"
    record, created = repo.create_or_get_application(
        db=services.db,
        data=data,
        owner=principal.token_id,
        owner_role=principal.role.value,
        idempotency_key=key,
        actor=principal.actor,
    )
    if not created:
        if record.payload_hash != data.payload_hash():
            raise HTTPException(
                status_code=409, detail="该 Idempotency-Key 已用于内容不同的申请，请更换后重试"
            )
        response.status_code = 200
    else:
        log.info("application %s created via API service=%s", record.id, record.service_id)
    return _out(record)


@router.get("", response_model=ApplicationPageOut, summary="办件列表（群众仅见本人办件）")
def list_applications(
    services: ServicesDep,
    principal: PrincipalDep,
    status: StatusQuery = None,
    service_id: Annotated[str | None, Query(max_length=120)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> ApplicationPageOut:
    owner = None if principal.has(Role.CLERK, Role.ADMIN) else principal.token_id
    with services.db.read() as session:
        items, total = repo.list_applications(
            session=session,
            owner=owner,
            status=status.value if status else None,
            service_id=service_id,
            limit=limit,
            offset=offset,
        )
    return ApplicationPageOut(items=[_out(r) for r in items], total=total, limit=limit, offset=offset)


@router.get("/{application_id}", response_model=ApplicationOut, summary="查看办件")
def get_application(application_id: str, services: ServicesDep, principal: PrincipalDep) -> ApplicationOut:
    return _out(_visible(services, principal, application_id))


@router.post(
    "/{application_id}/transition",
    response_model=ApplicationOut,
    summary="办件状态变更：受理、退回补正、不予受理、办结（窗口人员）",
    responses={409: {"description": "当前状态不允许该变更"}},
)
def transition(
    application_id: str, body: TransitionIn, services: ServicesDep, principal: ClerkDep
) -> ApplicationOut:
    to = ApplicationStatus(body.to)
    if to in (ApplicationStatus.NEEDS_CORRECTION, ApplicationStatus.REJECTED) and not body.reason.strip():
        raise field_error(("body", "reason"), f"变更为“{to.value}”时必须填写原因")
    _visible(services, principal, application_id)
    try:
        with services.db.write() as session:
            record = repo.transition_application(
                session=session,
                application_id=application_id,
                to=to,
                actor=principal.actor,
                actor_role=principal.role.value,
                reason=body.reason,
            )
    except repo.InvalidTransition as exc:
        raise HTTPException(status_code=409, detail=exc.message) from exc
    log.info("application %s -> %s by %s", application_id, to.value, principal.actor)
    return _out(record)


@router.post(
    "/{application_id}/resubmit",
    response_model=ApplicationOut,
    summary="补正后重新提交（申请人本人）",
    responses={409: {"description": "办件不处于“需补正”状态"}},
)
def resubmit(
    application_id: str, body: ResubmitIn, request: Request, services: ServicesDep, principal: PrincipalDep
) -> ApplicationOut:
    record = _visible(services, principal, application_id)
    if record.owner != principal.token_id:
        raise HTTPException(status_code=403, detail="只有申请人本人可以重新提交")
    limiter(request).check(Limit.APPLICATIONS, principal.token_id)
    changes: dict = {}
    if body.fields is not None or body.materials is not None:
        merged = ApplicationIn(
            service_id=record.service_id,
            flow_id=record.flow_id,
            answers=record.answers,
            fields=body.fields if body.fields is not None else record.fields,
            materials=body.materials if body.materials is not None else _material_inputs(record.materials),
        )
        guide = services.store.get_guide(record.service_id)
        if guide is None:
            raise HTTPException(status_code=409, detail="该办事事项已不存在，无法重新提交，请联系窗口")
        checked = check_submission(flow_for(services.flows, record.service_id, record.flow_id), guide, merged)
        changes = checked.model_dump(include={"fields", "materials", "missing_materials"})
    try:
        with services.db.write() as session:
            record = repo.transition_application(
                session=session,
                application_id=application_id,
                to=ApplicationStatus.SUBMITTED,
                actor=principal.actor,
                actor_role=principal.role.value,
                reason=body.note,
                changes=changes,
            )
    except repo.InvalidTransition as exc:
        raise HTTPException(status_code=409, detail=exc.message) from exc
    return _out(record)


@router.get("/{application_id}/events", response_model=list[EventOut], summary="办件流转记录")
def events(application_id: str, services: ServicesDep, principal: PrincipalDep) -> list[EventOut]:
    _visible(services, principal, application_id)
    with services.db.read() as session:
        rows = repo.list_events(session=session, application_id=application_id)
    return [EventOut.model_validate(r.model_dump()) for r in rows]
