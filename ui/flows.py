"""Display names for forms: field labels and service titles.

The chat API's form carries `labels` ({field name: label}) and `service_name`; those are what the UI shows.
Labels the API sent are remembered per flow, so an application's detail (the applications API sends field
names only) can show them too. Only when the API sent none (an older server, or a flow no chat has shown yet)
does the UI fall back to the bundled flow YAML (read-only static data; never the store or the dialogue
manager), and it degrades to the raw names on any error.
"""

from __future__ import annotations

import logging
from functools import lru_cache
from threading import Lock
from typing import Any

log = logging.getLogger("govassist.ui")

_api_labels: dict[str, dict[str, str]] = {}  # flow_id -> labels the chat API sent for it
_api_lock = Lock()


@lru_cache(maxsize=1)
def _flows() -> dict[str, Any]:
    try:
        from guides.loader import load_flows

        return dict(load_flows())
    except Exception:  # the labels are cosmetic: never break the page over them
        log.warning("could not load flow labels; showing field names", exc_info=True)
        return {}


def _yaml_labels(flow_id: str | None) -> dict[str, str]:
    flow = _flows().get(flow_id or "")
    if flow is None and (flow_id or "").startswith("g-"):  # a generic 预审 flow: its fixed field labels
        from guides.generic import FIELD_LABELS

        return dict(FIELD_LABELS)
    return {f.name: f.label for f in flow.form} if flow is not None else {}


def remember_labels(flow_id: str | None, labels: dict[str, Any] | None) -> None:
    """Keep the labels the API sent for a flow (they are the same for every session)."""
    if not flow_id or not isinstance(labels, dict) or not labels:
        return
    clean = {str(k): str(v) for k, v in labels.items() if v}
    with _api_lock:
        _api_labels[flow_id] = {**_api_labels.get(flow_id, {}), **clean}


def field_labels(flow_id: str | None) -> dict[str, str]:
    """Field name -> label: what the API sent for this flow, else the bundled YAML, else nothing."""
    with _api_lock:
        known = dict(_api_labels.get(flow_id or "", {}))
    return known or _yaml_labels(flow_id)


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
    """The form as the page shows it: the API's `labels` and `service_name` (remembered for later); the YAML
    fills them in only when the API did not send them, and turns 情形 answers into their choice labels."""
    if not form:
        return form
    out = dict(form)
    flow_id = out.get("flow_id")
    if out.get("labels"):
        remember_labels(flow_id, out["labels"])
    else:
        out["labels"] = field_labels(flow_id)
    if not out.get("service_name"):
        out["service_name"] = flow_title(flow_id) or out.get("service_id")
    if out.get("answers") and not out.get("answer_labels"):
        out["answer_labels"] = answer_labels(flow_id, out["answers"])
    return out
