"""The flow registry: which flow runs for a service.

Precedence for a service: a published flow record (content staff's curated flow, or an authored sample flow
seeded as a record) > the authored YAML flow > the generic 预审 flow derived from the guide record.
Generic flows are built lazily, on first use of a service, from the published guide (the guide's version is
part of the cache key, so republishing a guide refreshes its flow), so start-up does not derive 2,000 flows.

The registry behaves like the `flows` mapping the dialogue manager always took: iteration and `len()` list the
named flows (authored + curated), which the assistant offers and matches by name; `get` / `[]` / `in` also
resolve a generic flow by id ("g-<service id>"), and `for_service` resolves any published guide.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from typing import Protocol

from guides.generic import applicability, derive_flow, service_of_generic
from guides.schema import Flow
from knowledge.schema import ServiceGuide

GuideGetter = Callable[[str], ServiceGuide | None]
CACHE_SIZE = 1024
STAMP_CHECK_S = 5.0


class PublishedFlows(Protocol):
    """A source of published curated flows (guides.curation.CuratedFlows over the record store)."""

    def published_flows(self) -> list[Flow]: ...

    def stamp(self) -> object:
        """Changes whenever a flow is published (cheap; polled by other processes)."""
        ...


class FlowRegistry(Mapping[str, Flow]):
    def __init__(
        self,
        authored: Mapping[str, Flow] | None = None,
        *,
        get_guide: GuideGetter | None = None,
        curated: PublishedFlows | None = None,
    ) -> None:
        self._authored = dict(authored or {})
        self._get_guide = get_guide
        self._curated_source = curated
        self._lock = threading.Lock()
        self._generic: OrderedDict[tuple[str, int], Flow] = OrderedDict()
        self._named: dict[str, Flow] = {}
        self._by_service: dict[str, Flow] = {}
        self._related: dict[str, Flow] = {}
        self._stamp: object = None
        self._checked = 0.0
        self.reload()

    # --- named flows ---------------------------------------------------------------------------------

    def reload(self) -> None:
        """Re-read the published curated flows (after a publish)."""
        src = self._curated_source
        self._stamp = self._read_stamp()
        self._checked = time.monotonic()
        curated = src.published_flows() if src is not None else []
        named = dict(self._authored)
        for flow in curated:
            # a record replaces the authored flow of the same id or service
            for fid in [fid for fid, f in named.items() if f.service_id == flow.service_id]:
                del named[fid]
            named[flow.id] = flow
        by_service = {f.service_id: f for f in named.values()}
        related = {sid: f for f in named.values() for sid in f.related_service_ids}
        with self._lock:
            self._named, self._by_service, self._related = named, by_service, related

    @property
    def authored(self) -> dict[str, Flow]:
        return dict(self._authored)

    # --- Mapping --------------------------------------------------------------------------------------

    def __getitem__(self, flow_id: str) -> Flow:
        self._maybe_reload()
        flow = self._named.get(flow_id)
        if flow is not None:
            return flow
        sid = service_of_generic(flow_id)
        if sid is not None:
            flow = self.for_service(sid)
            if flow is not None and flow.id == flow_id:
                return flow
        raise KeyError(flow_id)

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._named))

    def __len__(self) -> int:
        return len(self._named)

    def __contains__(self, flow_id: object) -> bool:
        return isinstance(flow_id, str) and self.get(flow_id) is not None

    # --- by service -----------------------------------------------------------------------------------

    def _read_stamp(self) -> object:
        stamp = getattr(self._curated_source, "stamp", None)
        return stamp() if callable(stamp) else None

    def _maybe_reload(self) -> None:
        """Another process (a second worker or host) may have published a flow: re-read when the records'
        stamp changed, checked at most every STAMP_CHECK_S seconds."""
        src = self._curated_source
        if src is None or time.monotonic() - self._checked < STAMP_CHECK_S:
            return
        self._checked = time.monotonic()
        try:
            changed = self._read_stamp() != self._stamp
        except Exception:  # the database is briefly unavailable: keep serving what we have
            return
        if changed:
            self.reload()

    def for_service(self, service_id: str | None) -> Flow | None:
        """The flow that runs for a guide: named flow of that service, a 一件事 flow linking it, or the
        generic pre-check of a published, applicable guide (None otherwise)."""
        if not service_id:
            return None
        self._maybe_reload()
        flow = self._by_service.get(service_id) or self._related.get(service_id)
        if flow is not None:
            return flow
        return self.generic_for(service_id)

    def generic_for(self, service_id: str) -> Flow | None:
        if self._get_guide is None:
            return None
        guide = self._get_guide(service_id)
        if guide is None or guide.is_sample or not applicability(guide).applicable:
            return None
        key = (guide.id, guide.version)
        with self._lock:
            flow = self._generic.get(key)
            if flow is not None:
                self._generic.move_to_end(key)
                return flow
        flow = derive_flow(guide)
        with self._lock:
            self._generic[key] = flow
            while len(self._generic) > CACHE_SIZE:
                self._generic.popitem(last=False)
        return flow

    def source_of(self, service_id: str) -> str:
        """ "curated" | "authored" | "generic" | "none": where the service's flow comes from."""
        flow = self.for_service(service_id)
        if flow is None:
            return "none"
        if flow.id in self._named and flow.id not in self._authored:
            return "curated"
        return "authored" if flow.origin == "authored" else flow.origin
