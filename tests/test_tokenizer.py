"""Golden tests pinning segmentation: a change here changes every index (and its tokenizer version)."""

from __future__ import annotations

from indexing.tokenizer import Tokenizer, char_bigrams, get_tokenizer


def test_legal_terms_stay_whole() -> None:
    tokens = get_tokenizer().tokenize("被告人系累犯，到案后如实供述，认罪认罚，取得被害人谅解，其行为构成危险驾驶罪。")
    for term in ("累犯", "如实供述", "认罪认罚", "危险驾驶罪"):
        assert term in tokens


def test_golden_segmentation() -> None:
    tokens = get_tokenizer().tokenize("2018年1月15日，被告人莫新国醉酒驾驶机动车，血液酒精含量为201.1毫克／100毫升。")
    # without the HMM an unknown personal name falls apart into characters; deterministic, and harmless for BM25
    assert tokens == ["被告人", "莫", "新", "国", "醉酒驾驶", "机动车", "血液酒精含量", "毫克", "毫升"]


def test_numbers_punctuation_and_stopwords_are_dropped() -> None:
    tok = get_tokenizer()
    assert tok.tokenize("2019年，。！？ 123 的 了") == []
    assert tok.tokenize("ABC Company") == ["abc", "company"]


def test_version_names_jieba_and_dictionary_hash() -> None:
    version = get_tokenizer().version
    assert version.startswith("jieba-0.42.1+legal-") and len(version.split("-")[-1]) == 12


def test_a_different_dictionary_gives_a_different_version(tmp_path) -> None:
    custom = tmp_path / "dict.txt"
    custom.write_text("醉酒驾驶机动车\n", encoding="utf-8")
    other = Tokenizer(dictionary=custom)
    assert other.version != get_tokenizer().version
    assert "醉酒驾驶机动车" in other.tokenize("被告人醉酒驾驶机动车")


def test_character_bigrams_keep_every_character_but_white_space() -> None:
    assert char_bigrams("醉酒 驾驶，\n致1人") == ["醉酒", "酒驾", "驾驶", "驶，", "，致", "致1", "1人"]
    assert char_bigrams("盗") == ["盗"] and char_bigrams(" \t") == []
