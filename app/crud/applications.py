"""Applications (办件): idempotent creation, listing, status transitions and their event trail."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.crud.paging import page
from app.crud.records import (
    CHINA_TZ,
    ApplicationData,
    ApplicationRecord,
    EventRecord,
    InvalidTransition,
    NotFound,
)
from app.db import (
    REASON_REQUIRED,
    TRANSITIONS,
    AppDB,
    ApplicationEventRow,
    ApplicationRow,
    ApplicationStatus,
    utcnow,
)

_ID_ATTEMPTS = 8


def new_application_id(now: datetime | None = None) -> str:
    """A readable receipt number: GA + date (China time) + 6 random digits, e.g. GA20261121-048213."""
    day = (now or utcnow()).astimezone(CHINA_TZ).strftime("%Y%m%d")
    return f"GA{day}-{secrets.randbelow(1_000_000):06d}"


def insert_application(
    *,
    session: Session,
    application_id: str,
    data: ApplicationData,
    owner: str,
    owner_role: str,
    idempotency_key: str,
    actor: str,
    session_id: str | None = None,
) -> ApplicationRecord:
    """Insert an application in status 已提交 plus its first event; flushes (IntegrityError propagates)."""
    now = utcnow()
    doc = data.model_dump(mode="json")  # JSON-safe (dates, decimals) for the JSON columns
    row = ApplicationRow(
        id=application_id,
        service_id=data.service_id,
        flow_id=data.flow_id,
        service_name=data.service_name,
        owner=owner,
        owner_role=owner_role,
        session_id=session_id,
        status=ApplicationStatus.SUBMITTED.value,
        answers=doc["answers"],
        fields=doc["fields"],
        materials=doc["materials"],
        missing_materials=doc["missing_materials"],
        summary=data.summary,
        idempotency_key=idempotency_key,
        payload_hash=data.payload_hash(),
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    session.add(
        ApplicationEventRow(
            application_id=application_id,
            at=now,
            actor=actor,
            actor_role=owner_role,
            from_status=None,
            to_status=ApplicationStatus.SUBMITTED.value,
            reason="",
        )
    )
    session.flush()
    return ApplicationRecord.model_validate(row)


def get_application(*, session: Session, application_id: str) -> ApplicationRecord | None:
    row = session.get(ApplicationRow, application_id)
    return ApplicationRecord.model_validate(row) if row else None


def get_application_by_key(*, session: Session, idempotency_key: str) -> ApplicationRecord | None:
    row = session.scalars(
        select(ApplicationRow).where(ApplicationRow.idempotency_key == idempotency_key)
    ).first()
    return ApplicationRecord.model_validate(row) if row else None


def create_or_get_application(
    *,
    db: AppDB,
    data: ApplicationData,
    owner: str,
    owner_role: str,
    idempotency_key: str,
    actor: str,
    session_id: str | None = None,
    in_transaction: Callable[[Session, ApplicationRecord], None] | None = None,
) -> tuple[ApplicationRecord, bool]:
    """Create the application for `idempotency_key`, or return the one that already has it.

    Races are settled by the UNIQUE constraint: the loser's transaction rolls back and it re-reads the winner's
    row. `in_transaction(session, record)` runs inside the creating transaction (e.g. saving the chat state),
    so both commit or neither does. Returns (record, created).
    """
    for _ in range(_ID_ATTEMPTS):
        with db.read() as session:
            existing = get_application_by_key(session=session, idempotency_key=idempotency_key)
        if existing is not None:
            return existing, False
        try:
            with db.write() as session:
                record = insert_application(
                    session=session,
                    application_id=new_application_id(),
                    data=data,
                    owner=owner,
                    owner_role=owner_role,
                    idempotency_key=idempotency_key,
                    actor=actor,
                    session_id=session_id,
                )
                if in_transaction is not None:
                    in_transaction(session, record)
            return record, True
        except IntegrityError:
            continue  # key taken by a concurrent request (re-read above) or a receipt number collision
    raise RuntimeError("could not allocate an application id")


def list_applications(
    *,
    session: Session,
    owner: str | None = None,
    status: str | None = None,
    service_id: str | None = None,
    limit: int = 20,
    offset: int = 0,
) -> tuple[list[ApplicationRecord], int]:
    conds = []
    if owner is not None:
        conds.append(ApplicationRow.owner == owner)
    if status is not None:
        conds.append(ApplicationRow.status == status)
    if service_id is not None:
        conds.append(ApplicationRow.service_id == service_id)
    order = (ApplicationRow.created_at.desc(), ApplicationRow.id.desc())
    rows, total = page(session, ApplicationRow, conds, order, limit, offset)
    return [ApplicationRecord.model_validate(r) for r in rows], total


def transition_application(
    *,
    session: Session,
    application_id: str,
    to: ApplicationStatus,
    actor: str,
    actor_role: str,
    reason: str = "",
    changes: dict[str, Any] | None = None,
) -> ApplicationRecord:
    """Move an application to `to` if the workflow allows it; writes an event row. Compare-and-set on status,
    so two clerks deciding at once cannot both succeed. `changes` updates fields/materials (resubmission)."""
    row = session.get(ApplicationRow, application_id)
    if row is None:
        raise NotFound(application_id)
    current = ApplicationStatus(row.status)
    if to not in TRANSITIONS[current]:
        raise InvalidTransition(f"办件当前状态为“{current.value}”，不能变更为“{to.value}”")
    reason = (reason or "").strip()
    if to in REASON_REQUIRED and not reason:
        raise InvalidTransition(f"变更为“{to.value}”时必须填写原因")
    now = utcnow()
    values: dict[str, Any] = {"status": to.value, "updated_at": now, **(changes or {})}
    result = session.execute(
        update(ApplicationRow)
        .where(ApplicationRow.id == application_id, ApplicationRow.status == current.value)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise InvalidTransition("办件状态已被他人更新，请刷新后重试")
    session.add(
        ApplicationEventRow(
            application_id=application_id,
            at=now,
            actor=actor,
            actor_role=actor_role,
            from_status=current.value,
            to_status=to.value,
            reason=reason,
        )
    )
    session.flush()
    session.expire(row)
    return ApplicationRecord.model_validate(session.get(ApplicationRow, application_id))


def list_events(*, session: Session, application_id: str) -> list[EventRecord]:
    rows = session.scalars(
        select(ApplicationEventRow)
        .where(ApplicationEventRow.application_id == application_id)
        .order_by(ApplicationEventRow.id)
    )
    return [EventRecord.model_validate(r) for r in rows]
