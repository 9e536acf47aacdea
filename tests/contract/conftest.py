"""Contract-test fixtures: every backend Protocol is tested once, against every implementation.

Each fixture is parametrised over ``embedded`` (SQLite, sparse BM25, FAISS in a temporary directory) and
``elasticsearch`` (a real node at ``LEIAN_ES_URL``, default http://127.0.0.1:9200, one fresh index per test,
dropped on teardown). The Elasticsearch parameter carries the ``elasticsearch`` marker and is skipped, with
the reason, when no node answers — start one with ``make es-up``.

Fixtures are factories (``make_*``) so a test can open the same index a second time and check that what
was committed is still there. The texts are short real fact descriptions: a few records of the LeCaRD
candidate corpus read in place when the shared data is present, and literal snippets of the same kind.
"""

from __future__ import annotations

import gzip
import itertools
import json
import os
import re
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from corpus.model import Judgment, Outcome, Statute
from leian.settings import get_settings

ES_URL = os.environ.get("LEIAN_ES_URL", get_settings().es_url)
BACKENDS = ["embedded", pytest.param("elasticsearch", marks=pytest.mark.elasticsearch)]
LECARD = get_settings().data / "lecard"  # LEIAN_DATA, by default ../shared/data beside the checkout

#: Fact snippets in the style of the corpus (first-instance criminal judgments), used when LeCaRD is absent
#: and by the lexical tests, whose expectations depend on which words occur where.
SNIPPETS = {
    "lc-0001": "被告人张某在某超市内趁被害人不备，扒窃其放在上衣口袋内的手机一部，价值人民币二千元。",
    "lc-0002": "被告人李某驾驶机动车在道路上醉酒驾驶，经鉴定其血液中乙醇含量为每百毫升一百八十毫克。",
    "lc-0003": "被告人王某以虚构投资项目为由，骗取被害人人民币五万元，案发后退赔被害人全部损失。",
    "lc-0004": "被告人赵某因琐事与被害人发生争执，持刀将被害人刺伤，经鉴定被害人的损伤程度为轻伤一级。",
    "lc-0005": "被告人陈某多次在小区内盗窃电动自行车，共计价值人民币八千余元，到案后如实供述自己的罪行。",
    "lc-0006": "被告人刘某未经林业主管部门批准，擅自滥伐杨树三十余株，立木蓄积十二立方米。",
}

_WORD = re.compile(r"[\u4e00-\u9fffA-Za-z]")


@pytest.fixture(scope="session")
def snippets() -> dict[str, str]:
    """Six short fact descriptions keyed by id (``lc-0001`` …)."""
    return dict(SNIPPETS)


@pytest.fixture(scope="session")
def tokenize() -> Callable[[str], list[str]]:
    """jieba segmentation (no HMM, deterministic) keeping word tokens, like Leian's tokenizer."""
    import jieba

    tok = jieba.Tokenizer()
    return lambda text: [t for t in tok.lcut(text, HMM=False) if _WORD.search(t)]


def _lecard_records(n: int) -> list[dict[str, Any]]:
    """The first ``n`` LeCaRD candidates, streamed from the shared gzip (never copied)."""
    path = LECARD / "candidates.jsonl.gz"
    if not path.exists():
        return []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in itertools.islice(f, n)]


@pytest.fixture(scope="session")
def judgments() -> list[Judgment]:
    """Six judgments with Chinese text and every structured element set (metadata assigned for the tests)."""
    records = _lecard_records(6)
    texts = [(r["id"], r["ajjbqk"].strip()[:300], r.get("writName", "")) for r in records]
    if len(texts) < 6:
        texts = [(i, t, "") for i, t in SNIPPETS.items()]
    meta = [  # court, level, province, date, effective
        ("北京市海淀区人民法院", "基层", "北京市", "2019-03-01", True),
        ("北京市第一中级人民法院", "中级", "北京市", "2020-06-30", True),
        ("浙江省杭州市西湖区人民法院", "基层", "浙江省", "2021-01-15", True),
        ("浙江省高级人民法院", "高级", "浙江省", "2021-12-31", False),
        ("江西省宜春市中级人民法院", "中级", "江西省", "", True),
        ("最高人民法院", "最高", "", "2018-07-01", True),
    ]
    docs = []
    for (doc_id, text, title), (court, level, province, date, effective) in zip(texts, meta, strict=True):
        docs.append(
            Judgment(
                id=doc_id,
                text=text,
                source=f"lecard/candidates.jsonl.gz:{doc_id}",
                title=title or f"{doc_id}号刑事判决书",
                doc_type="刑事判决书",
                domain="criminal",
                court=court,
                court_level=level,
                province=province,
                case_number=f"（2020）京0108刑初{doc_id}号",
                date=date,
                trial_level="一审",
                procedure="普通程序",
                sections={"facts": text, "result": "被告人犯盗窃罪，判处有期徒刑六个月。"},
                charges=["盗窃"],
                statutes=[Statute("中华人民共和国刑法", 264), Statute("中华人民共和国刑法", 67, 3)],
                circumstances=["坦白", "退赔退赃"],
                amounts=[2000.0, 350.5],
                outcomes=[Outcome("张某", "有期徒刑", 6, probation_months=12, fine_yuan=1000.0)],
                holding="扒窃不以数额较大为要件。",
                effective=effective,
                extra={"来源": "LeCaRD", "pool": [1, 2, 3]},
            )
        )
    return docs


def _es_client() -> Any:
    """A connected client, or a skip that says why (and how to start a node)."""
    from indexing.elastic.connection import connect
    from leian.errors import BackendUnavailable

    try:
        return connect(ES_URL, timeout=5)
    except BackendUnavailable as exc:
        pytest.skip(f"no Elasticsearch node at {ES_URL} (start one with `make es-up`): {exc}")


@pytest.fixture(scope="session")
def es_client() -> Iterator[Any]:
    """One client for the session (skips when no node answers)."""
    client = _es_client()
    yield client
    client.close()


def _unique(kind: str) -> str:
    return f"leian-test-{kind}-{uuid.uuid4().hex[:10]}"


@pytest.fixture(params=BACKENDS)
def make_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], Any]]:
    """Opens the test's DocumentStore (the same one on every call)."""
    opened: list[Any] = []
    if request.param == "embedded":
        sqlite_store = pytest.importorskip("indexing.sqlite_store", reason="embedded SQLiteStore not available")

        def make() -> Any:
            opened.append(sqlite_store.SQLiteStore(tmp_path / "store.sqlite"))
            return opened[-1]

        yield make
        for s in opened:
            s.close()
    else:
        from indexing.elastic.connection import drop_index
        from indexing.elastic.store import ElasticDocumentStore

        client, name = request.getfixturevalue("es_client"), _unique("store")

        def make() -> Any:
            opened.append(ElasticDocumentStore(client, name))
            return opened[-1]

        yield make
        drop_index(client, name)


@pytest.fixture
def store(make_store: Callable[[], Any]) -> Any:
    """A fresh, empty DocumentStore."""
    return make_store()


@pytest.fixture(params=BACKENDS)
def make_lexical(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[..., Any]]:
    """Opens the test's LexicalIndex (the same one on every call); keyword arguments are k1 and b."""
    if request.param == "embedded":
        bm25 = pytest.importorskip("indexing.bm25", reason="embedded BM25Index not available")
        yield lambda **kw: bm25.BM25Index(tmp_path / "bm25", **kw)
    else:
        from indexing.elastic.connection import drop_index
        from indexing.elastic.lexical import ElasticLexicalIndex

        client, name = request.getfixturevalue("es_client"), _unique("lexical")
        yield lambda **kw: ElasticLexicalIndex(client, name, **kw)
        drop_index(client, name)


@pytest.fixture
def lexical(make_lexical: Callable[..., Any]) -> Any:
    """A fresh, empty LexicalIndex with k1=1.2, b=0.75."""
    return make_lexical()


DIM = 16


@pytest.fixture(params=BACKENDS)
def make_dense(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], Any]]:
    """Opens the test's DenseIndex of dimension ``DIM`` (the same one on every call)."""
    if request.param == "embedded":
        faiss_index = pytest.importorskip("indexing.faiss_index", reason="embedded FaissIndex not available")
        yield lambda: faiss_index.FaissIndex(tmp_path / "faiss", DIM)
    else:
        from indexing.elastic.connection import drop_index
        from indexing.elastic.dense import ElasticDenseIndex

        client, name = request.getfixturevalue("es_client"), _unique("dense")
        yield lambda: ElasticDenseIndex(client, name, DIM)
        drop_index(client, name)


@pytest.fixture
def dense(make_dense: Callable[[], Any]) -> Any:
    """A fresh, empty DenseIndex of dimension ``DIM``."""
    return make_dense()
