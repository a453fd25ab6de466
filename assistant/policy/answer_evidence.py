"""Evidence for the answer path: one retrieval call per question, guides' passages (cached per version), the
regions the index covers, the official FAQ pair that answers and the candidate guides with their best passage.

A mixin of the Answerer (assistant/policy/answering.py); the weighing itself is in evidence.py / faq_evidence.py.
"""

from __future__ import annotations

import inspect
import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from assistant.nlg.answer import Aspect
from assistant.policy.answer_common import AnswerHost, Events, emit
from assistant.policy.evidence import NAME_PARAPHRASE, Candidate, passage_scores
from assistant.policy.faq_evidence import best_faq
from knowledge.schema import ServiceGuide
from retrieval.paraphrase import ParaphraseScorer
from retrieval.passages import Passage, guide_passages, score_passages
from retrieval.regions import matches_place, named_places, parse_region_path, region_rank, within_home_city
from retrieval.types import DocKind, Hit, SearchResult
from retrieval.word_spread import WordSpread

log = logging.getLogger(__name__)


_UNIT_END_RE = re.compile(r"(?:省|市|区|县|州|..镇|街道)$")


class EvidenceLookup:
    """Retrieval and evidence gathering; the Answerer sets these attributes in its __init__."""

    host: AnswerHost
    home_region: tuple[str, ...]
    search_errors: int
    paraphrase: ParaphraseScorer | None
    _known_units: frozenset[str] | None
    _passage_cache: dict[str, tuple[Any, list[Passage]]]

    def _describes(self, t: str, guide: ServiceGuide) -> bool:
        """The question describes the service in its own words: e5 reads it as close to the guide's name
        ("两个地方都交咗养老保险，重复交嘅钱点样退" and 多重养老保险关系个人账户退费) as a paraphrase."""
        scorer = self.paraphrase
        return scorer is not None and scorer.similarity(t, guide.name) >= NAME_PARAPHRASE

    def _states_aspect(self, g: ServiceGuide, wanted: Iterable[Aspect]) -> bool:
        """One of the guide's passages addresses one of the aspects `wanted` (else it is silent on them)."""
        return bool({a for p in self._passages(g) for a in p.aspects} & set(wanted))

    def _passages(self, g: ServiceGuide) -> list[Passage]:
        """guide_passages, cached per guide version (a turn looks at the same few guides several times)."""
        key = (g.id, g.version, g.updated_at)
        hit = self._passage_cache.get(g.id)
        if hit is None or hit[0] != key:
            if len(self._passage_cache) > 512:
                self._passage_cache.clear()
            hit = (key, guide_passages(g))
            self._passage_cache[g.id] = hit
        return hit[1]

    def search(self, query: str, kinds: Sequence[DocKind] | None, **extra: Any) -> SearchResult | None:
        """One retrieval call; a failure is logged and counted, and the caller says so in its reply."""
        retriever = self.host.retriever
        try:
            if extra and not self._accepts(retriever, extra):
                extra = {}
            top_k = extra.pop("top_k", self.host.top_k)
            return retriever.search(query, top_k=top_k, kinds=list(kinds) if kinds else None, **extra)
        except Exception:
            self.search_errors += 1
            log.exception("retrieval failed (%d failures so far)", self.search_errors)
            return None

    def fix_typos(self, t: str, events: Events) -> str:
        """`t` with homophone typos read as the KB words they sound like, when the retriever offers that."""
        fixer = getattr(self.host.retriever, "fix_typos", None)
        if fixer is None:
            return t
        try:
            fixed, fixes = fixer(t)
        except Exception:
            log.exception("typo correction failed")
            return t
        if fixes:
            emit(events, "typo_corrected", fixes=fixes)
        return fixed

    @staticmethod
    def _accepts(retriever: Any, extra: Mapping[str, Any]) -> bool:
        try:
            params = inspect.signature(retriever.search).parameters
        except (TypeError, ValueError):
            return False
        if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
            return True
        return all(k in params for k in extra if k != "top_k")

    def known_units(self) -> frozenset[str]:
        """Region units of the indexed guides ("湖南省", "长沙市" ...) for recognising named places."""
        if self._known_units is None:
            units: set[str] = set(self.home_region)
            regions = getattr(self.host.retriever, "regions", None)
            try:
                for r in regions() if callable(regions) else []:
                    units.update(parse_region_path(r))
            except Exception:
                log.exception("could not read the regions of the index")
            self._known_units = frozenset(units)
        return self._known_units

    def names_elsewhere(self, t: str) -> bool:
        """The message names a place outside the home region's chain ("我住番禺", "在深圳"): the online forms are
        the home district's, not that place's."""
        # (units only: a region label's word such as 城乡 names no place)
        return any(
            p not in self.home_region and _UNIT_END_RE.search(p) for p in named_places(t, self.known_units())
        )

    def _kb_covers(self, place: str) -> bool:
        # (another district of the home city is covered by the city's and the province's guides)
        return matches_place(tuple(self.known_units()), place) or within_home_city(place, self.home_region)

    def _best_faq(
        self, t: str, aspects: list[Aspect], result: SearchResult, named: list[str]
    ) -> Candidate | None:
        scorer = self.paraphrase
        return best_faq(
            t,
            aspects,
            result,
            self.host.get_guide,
            self._passages,
            lambda g: self._rank(g, named),
            scorer.similarity if scorer is not None else None,
            self._word_spread(),
        )

    def _word_spread(self) -> WordSpread | None:
        """The index's word spread over guides with FAQ pairs (None for a retriever without one, or on error)."""
        spread = getattr(self.host.retriever, "faq_word_spread", None)
        try:
            return spread() if callable(spread) else None
        except Exception:
            log.exception("word spread unavailable")
            return None

    def _rank(self, g: ServiceGuide, named: list[str]) -> int:
        return region_rank(g.region_path, self.home_region, named)

    def _candidates(
        self, t: str, aspects: list[Aspect], hits: list[Hit], result: SearchResult, named: list[str]
    ) -> list[Candidate]:
        scores = passage_scores(result)
        out = []
        for h in hits:
            g = self.host.get_guide(h.doc_id)
            if g is None:
                continue
            fields = [p for p in self._passages(g) if p.field != "faq"]  # FAQs: _best_faq vets them
            ranked = score_passages(t, aspects, fields, scores, common=[g.name])
            rank = region_rank(g.region_path, self.home_region, named)
            out.append(Candidate(g, h, ranked[0] if ranked else None, rank))
        return out
