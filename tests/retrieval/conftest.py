"""Small invented knowledge base for retrieval tests (not the benchmark, not real guides)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from knowledge.schema import Article, Material, PolicyDocument, ServiceGuide
from retrieval.embedders import HashEmbedder
from retrieval.hybrid import HybridRetriever


def _guide(gid: str, name: str, **kw: object) -> ServiceGuide:
    base: dict[str, object] = {
        "department": "广东省某厅",
        "region": "广东省",
        "level": "省级",
        "type": "公共服务",
    }
    return ServiceGuide(id=gid, name=name, **{**base, **kw})


GUIDES = [
    _guide(
        "DL-NEW",
        "机动车驾驶证核发（新申请）",
        catalogue_name="机动车驾驶证核发",
        sub_name="新申请",
        department="广州市公安局交通警察支队",
        region="广州市",
        audience=["自然人"],
        conditions="年满十八周岁，身体条件符合规定，考试合格。",
        materials=[Material(name="居民身份证"), Material(name="身体条件证明")],
    ),
    _guide(
        "DL-RENEW",
        "机动车驾驶证核发（延续）",
        catalogue_name="机动车驾驶证核发",
        sub_name="延续",
        department="广州市公安局交通警察支队",
        region="广州市",
        audience=["自然人"],
        conditions="驾驶证有效期满前九十日内申请换证。",
    ),
    _guide(
        "DL-LOST",
        "机动车驾驶证核发（遗失补办）",
        catalogue_name="机动车驾驶证核发",
        sub_name="遗失补办",
        department="广州市公安局交通警察支队",
        region="广州市",
        audience=["自然人"],
    ),
    _guide(
        "SSC",
        "社会保障卡申领",
        department="广东省人力资源和社会保障厅",
        audience=["自然人"],
        themes=["社会保障"],
        materials=[Material(name="居民身份证"), Material(name="近期免冠照片")],
        location="广州市越秀区某路1号",
        consult_phone="020-12345678",
    ),
    _guide("HF", "住房公积金提取", department="广州住房公积金管理中心", region="广州市", audience=["自然人"]),
    _guide(
        "BIZ",
        "企业设立登记",
        department="广东省市场监督管理局",
        audience=["法人"],
        type="行政许可",
        conditions="申请人应当具备公司章程、股东名册等材料。",
    ),
    _guide("LOWINC", "最低生活保障待遇申请", department="广东省民政厅", audience=["自然人"]),
    _guide("BIRTH", "出生医学证明签发", department="广东省卫生健康委员会", audience=["自然人"]),
    _guide("TEACH", "高等学校教师资格认定", department="广东省教育厅", audience=["自然人"]),
    _guide("RADIO", "无线电台执照核发", department="广东省工业和信息化厅", audience=["法人", "自然人"]),
]

LAW = PolicyDocument(
    id="law-demo",
    title="示例社会救助条例",
    kind="regulation",
    level="省",
    region="广东省",
    articles=[
        Article(
            number="第一条", chapter="第一章 总则", text="为了规范社会救助，保障公民的基本生活，制定本条例。"
        ),
        Article(
            number="第十条",
            chapter="第二章 最低生活保障",
            text="家庭人均收入低于当地最低生活保障标准的，给予最低生活保障。",
        ),
    ],
)


class CountingEmbedder:
    """Wraps an embedder and counts the documents it embeds (to prove what is and is not re-embedded)."""

    def __init__(self, inner: HashEmbedder | None = None) -> None:
        self.inner = inner or HashEmbedder()
        self.name = self.inner.name
        self.dim = self.inner.dim
        self.documents = 0
        self.queries = 0
        self.texts: list[str] = []

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        self.documents += len(texts)
        self.texts += texts
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> np.ndarray:
        self.queries += 1
        return self.inner.embed_query(text)


@pytest.fixture
def counting() -> CountingEmbedder:
    return CountingEmbedder()


@pytest.fixture
def built(tmp_path: Path, counting: CountingEmbedder) -> Iterator[HybridRetriever]:
    r = HybridRetriever(tmp_path / "index", embedder=counting)
    r.build(GUIDES, [LAW], progress=False)
    yield r


@pytest.fixture(scope="module")
def shared_index(tmp_path_factory: pytest.TempPathFactory) -> HybridRetriever:
    """A read-only index shared by the search tests of a module."""
    r = HybridRetriever(tmp_path_factory.mktemp("index"), embedder=HashEmbedder())
    r.build(GUIDES, [LAW], progress=False)
    return r


@pytest.fixture
def guides() -> list[ServiceGuide]:
    return [g.model_copy(deep=True) for g in GUIDES]


@pytest.fixture
def law() -> PolicyDocument:
    return LAW.model_copy(deep=True)


@pytest.fixture
def make_counting() -> type[CountingEmbedder]:
    return CountingEmbedder
