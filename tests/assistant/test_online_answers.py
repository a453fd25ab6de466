"""Whether a service can be done online, when the guide records no online entry: a guide saying no trip is needed
(到现场0次) answers that from its record; one needing a trip says the record is silent on online handling."""

from __future__ import annotations

from pathlib import Path

from assistant.nlg.answer import compose_guide_answer
from assistant.state import DialogueState
from eval.dialogue import build_manager
from guides.loader import load_flows, load_sample_guides
from retrieval.aspects import Aspect
from retrieval.embedders import HashEmbedder
from retrieval.passages import guide_passages


def test_no_trip_and_no_online_entry_answers_the_online_question(tmp_path: Path) -> None:
    samples = {g.name: g for g in load_sample_guides()}
    shop, permit = samples["个体工商户设立登记"], samples["居住证申领"]
    assert shop.visits == 0 and not shop.online_url and permit.visits == 1
    visits = next(p for p in guide_passages(shop) if p.field == "visits")
    assert Aspect.ONLINE in visits.aspects
    assert Aspect.ONLINE not in next(p for p in guide_passages(permit) if p.field == "visits").aspects
    composed = compose_guide_answer(shop, [Aspect.ONLINE])
    assert "可不到现场办理" in composed.text and any(c.id.endswith("#visits") for c in composed.citations)
    # (its place names a website too, which says more: test data with a window only)
    windowed = shop.model_copy(update={"location": "花都区政务服务中心市场监管窗口"})
    samples[shop.name] = windowed
    m = build_manager(list(samples.values()), load_flows(), tmp_path / "idx", embedder=HashEmbedder())
    reply = m.handle(DialogueState(session_id="o"), "个体户可以网上申请吗").reply
    assert "可不到现场办理" in reply.text and any(c.id.endswith("#visits") for c in reply.citations)
    silent = m.handle(DialogueState(session_id="p"), "居住证可以网上办吗").reply
    assert "未载明网上办理方式" in silent.text
