"""The committed dense model (models/leian-static-zh) through :class:`indexing.encoder.Encoder`."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from indexing.encoder import Encoder
from indexing.tokenizer import get_tokenizer
from leian.errors import IndexStateError

MODEL = Path(__file__).resolve().parents[1] / "models" / "leian-static-zh"

# Real fact descriptions from CAIL2018 (data_train.json): two drunk-driving cases and a fraud case.
DRUNK_A = (
    "巴中市巴州区人民检察院指控：2015年5月26日23时09分许，被告人张某某饮酒后驾驶川Y86840号小型汽车行驶至巴州区望王路"
    "东段时，被正在检查酒驾的巴中市公安局交警支队直属一大队民警当场查获。经对其进行呼吸式酒精测试仪测试，结果为145.5mg／"
    "100ml，随后民警将张某某带至巴州区人民医院提取血液。经巴中市公安局物证鉴定所鉴定：张某某血液中的乙醇含量为158.4mg／100ml。"
)
DRUNK_B = (
    "公诉机关指控：2015年12月12日21时18分许，被告人韩某酒后驾驶豫K×××××小型轿车沿鄢陵县只乐镇寺东张村东边一条南北路由北"
    "向南行驶至寺东张村东头十字路口路北时，被执勤民警当场查获。经鉴定，韩某血液中的乙醇含量为110.235mg／100ml，系醉酒。"
)
FRAUD = (
    "北京市顺义区人民检察院指控：被告人李×于2013年8月，隐瞒已婚真相，虚构返回部队继续服兵役、购买现役家属房的事实，骗取"
    "朱×（女，37岁，北京市顺义区人）共计人民币5000元。被告人李×后被查获。赃款已挥霍。"
)


@pytest.fixture(scope="module")
def encoder() -> Encoder:
    return Encoder.load(MODEL)


def test_metadata(encoder: Encoder) -> None:
    meta = json.loads((MODEL / "leian.json").read_text(encoding="utf-8"))
    assert encoder.uses_tokens
    assert encoder.dim == meta["dim"] > 0
    assert encoder.name == "leian-static-zh"
    assert len(encoder.fingerprint) == 16
    assert encoder.fingerprint == Encoder.load(MODEL).fingerprint
    size = sum(p.stat().st_size for p in MODEL.rglob("*") if p.is_file())
    assert size <= 25 * 1024 * 1024  # committed to git


def test_unit_vectors_and_determinism(encoder: Encoder) -> None:
    texts = [DRUNK_A, DRUNK_B, FRAUD]
    vecs = encoder.encode_documents(texts)
    assert vecs.shape == (3, encoder.dim) and vecs.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    np.testing.assert_array_equal(vecs, encoder.encode_documents(texts))
    # Given tokens and self-tokenised texts agree; queries use the same model.
    tokens = [get_tokenizer().tokenize(t) for t in texts]
    np.testing.assert_allclose(encoder.encode_documents(texts, tokens=tokens), vecs, atol=1e-6)
    np.testing.assert_allclose(encoder.encode_queries(texts), vecs, atol=1e-6)


def test_same_charge_is_closer(encoder: Encoder) -> None:
    a, b, fraud = encoder.encode_documents([DRUNK_A, DRUNK_B, FRAUD])
    assert float(a @ b) > float(a @ fraud) + 0.1
    assert float(b @ a) > float(b @ fraud) + 0.1


def test_matches_sentence_transformers(encoder: Encoder) -> None:
    """The fast path equals SentenceTransformer(path).encode over the tokens joined by spaces."""
    from sentence_transformers import SentenceTransformer

    st = SentenceTransformer(str(MODEL), device="cpu")
    joined = [" ".join(get_tokenizer().tokenize(t)) for t in (DRUNK_A, FRAUD)]
    np.testing.assert_allclose(st.encode(joined), encoder.encode_documents([DRUNK_A, FRAUD]), atol=1e-5)


def test_empty_input(encoder: Encoder) -> None:
    assert encoder.encode_documents([]).shape == (0, encoder.dim)
    assert encoder.encode_queries([], tokens=[]).shape == (0, encoder.dim)
    # Nothing in the vocabulary: the zero vector, not NaN.
    vec = encoder.encode_queries(["，。"])
    assert vec.shape == (1, encoder.dim) and not np.isnan(vec).any()


def test_bad_directory(tmp_path: Path) -> None:
    with pytest.raises(IndexStateError, match="does not exist"):
        Encoder.load(tmp_path / "missing")
    (tmp_path / "notes.txt").write_text("not a model", encoding="utf-8")
    with pytest.raises(IndexStateError, match="not a sentence-transformers model"):
        Encoder.load(tmp_path)
