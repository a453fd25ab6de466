"""Display names for forms: field labels and service titles from the bundled flow YAML (read-only data).

The chat API's form carries field *names*; until it also carries labels, the UI looks them up here.
This reads static YAML only (no store, no dialogue manager) and degrades to the raw names on any error.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from typing import Any

log = logging.getLogger("govassist.ui")


@lru_cache(maxsize=1)
def _flows() -> dict[str, Any]:
    try:
        from guides.loader import load_flows

        return dict(load_flows())
    except Exception:  # the labels are cosmetic: never break the page over them
        log.warning("could not load flow labels; showing field names", exc_info=True)
        return {}


def field_labels(flow_id: str | None) -> dict[str, str]:
    flow = _flows().get(flow_id or "")
    return {f.name: f.label for f in flow.form} if flow is not None else {}


def flow_title(flow_id: str | None) -> str | None:
    flow = _flows().get(flow_id or "")
    return flow.title if flow is not None else None


def answer_labels(flow_id: str | None, answers: dict[str, str]) -> dict[str, str]:
    """情形 answers as the citizen saw them: question id -> choice label ("住所" -> "有合法稳定住所")."""
    flow = _flows().get(flow_id or "")
    if flow is None:
        return dict(answers)
    out: dict[str, str] = {}
    for qid, value in answers.items():
        question = next((q for q in flow.questions if q.id == qid), None)
        choice = next((c for c in question.choices if c.value == value), None) if question else None
        out[qid] = choice.label if choice else str(value)
    return out


def decorate(form: dict[str, Any] | None) -> dict[str, Any] | None:
    """The form with `labels`, `service_name` and readable answers filled in when the API did not send them."""
    if not form:
        return form
    out = dict(form)
    flow_id = out.get("flow_id")
    if not out.get("labels"):
        out["labels"] = field_labels(flow_id)
    if not out.get("service_name"):
        out["service_name"] = flow_title(flow_id) or out.get("service_id")
    if out.get("answers") and not out.get("answer_labels"):
        out["answer_labels"] = answer_labels(flow_id, out["answers"])
    return out
