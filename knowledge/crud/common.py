"""Pure helpers shared by the store operations: content identity, row -> model, audit rows, checks."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel

from knowledge.orm import GuideVersionRow, PolicyRow
from knowledge.schema import GuideStatus, PolicyDocument, ServiceGuide

GUIDE_META = {"version", "status", "updated_at"}
POLICY_META = {"updated_at"}
CHUNK = 500  # ids per IN (...) list


def now() -> datetime:
    return datetime.now(UTC)


def content(model: BaseModel, meta: set[str]) -> tuple[dict[str, Any], str]:
    """The model's JSON minus metadata, and its SHA-256 (the content identity)."""
    data = model.model_dump(mode="json", exclude=meta)
    blob = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return data, hashlib.sha256(blob.encode("utf-8")).hexdigest()


def chunks(items: Sequence[str], n: int = CHUNK) -> Iterator[Sequence[str]]:
    for i in range(0, len(items), n):
        yield items[i : i + n]


def duplicates(ids: Sequence[str]) -> list[str]:
    return sorted(i for i, n in Counter(ids).items() if n > 1)


def check_actor(actor: str) -> str:
    if not isinstance(actor, str) or not actor.strip():
        raise ValueError("操作人不能为空")
    return actor.strip()


def check_page(limit: int, offset: int) -> None:
    if limit < 0 or offset < 0:
        raise ValueError("limit 和 offset 不能为负数")


def to_guide(g_published: int | None, v: GuideVersionRow) -> ServiceGuide:
    status = GuideStatus.PUBLISHED if g_published == v.version else GuideStatus.DRAFT
    return ServiceGuide.model_validate(
        {**v.data, "version": v.version, "status": status, "updated_at": v.created_at}
    )


def to_policy(p: PolicyRow) -> PolicyDocument:
    return PolicyDocument.model_validate({**p.data, "updated_at": p.updated_at})


def audit_row(
    actor: str, action: str, target: str | None, detail: dict[str, Any], at: datetime
) -> dict[str, Any]:
    return {"at": at, "actor": actor, "action": action, "target": target, "detail": detail}


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    order = [f for f in ServiceGuide.model_fields if f not in GUIDE_META]
    keys = order + sorted((before.keys() | after.keys()) - set(order))
    return [k for k in keys if before.get(k) != after.get(k)]
