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


def decorate(form: dict[str, Any] | None) -> dict[str, Any] | None:
    """The form with `labels` and `service_name` filled in when the API did not send them."""
    if not form:
        return form
    out = dict(form)
    flow_id = out.get("flow_id")
    if not out.get("labels"):
        out["labels"] = field_labels(flow_id)
    if not out.get("service_name"):
        out["service_name"] = flow_title(flow_id) or out.get("service_id")
    return out
