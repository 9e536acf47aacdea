"""Ingestion on real data: summary counts, bad input, de-duplication, deletion and crash consistency."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from corpus.pseudonymise import find_person_names
from indexing.index import LeianIndex
from indexing.pipeline import IngestSummary, ingest
from indexing.tokenizer import BIGRAMS, char_bigrams
from leian.errors import IndexStateError, NotFoundError


def _consistent(index: LeianIndex) -> set[str]:
    """The ids every component agrees on; fails when store, indexes and catalog disagree."""
    catalog = set(index.catalog.checksums())
    store = set(index.store.ids())
    assert store == catalog, store ^ catalog
    assert len(index.lexical) == len(index.bigrams) == len(index.dense) == len(store)
    assert not index.catalog.ids_in_state("pending") and not index.catalog.ids_in_state("deleting")
    return store


def test_small_index_holds_every_readable_record(small_index_build: tuple[Path, IngestSummary]) -> None:
    directory, summary = small_index_build
    # 400 LeCaRD + 2,000 CJRC + 223 readable guiding cases (record 224 holds only metadata)
    assert summary.read == 400 + 2000 + 223
    assert summary.skipped["无法读取 unreadable"] == 1
    index = LeianIndex(directory)
    stored = _consistent(index)
    assert len(stored) == summary.stored == index.manifest.documents
    assert {"10893", "spc-guiding-1", "cjrc-civil-1", "cjrc-criminal-501"} <= stored
    # CJRC numbers the two halves of its file from 1 again: the second paragraph 56 is another case, kept apart
    assert index.get("cjrc-civil-56").text != index.get("cjrc-civil-56-1056").text
    assert index.manifest.corpus_checksum == index.catalog.corpus_checksum()
    # the names to mask are recorded with each judgment, so searches need not read its text for them again
    first = index.get("10893")
    assert first.persons == find_person_names(first.text) and "吴必定" in first.persons
    index.close()


def test_manifest_describes_the_index(small_index: LeianIndex) -> None:
    manifest = json.loads((small_index.directory / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["tokenizer"] == small_index.tokenizer.version
    assert manifest["model"] == "leian-static-zh" and manifest["dim"] == small_index.encoder.dim
    assert manifest["build_command"] and manifest["versions"]["jieba"] == "0.42.1"
    assert manifest["charge_model_documents"] > 300
    assert manifest["bigrams"] == BIGRAMS
    # the fusion model the index ranks with is recorded with it
    assert manifest["ranker"] == small_index.ranker.fingerprint
    assert (small_index.directory / "ranker" / "ranker.json").exists()
    charge_config = json.loads((small_index.directory / "charges" / "config.json").read_text(encoding="utf-8"))
    assert charge_config["format"] == "leian-charge-model/2" and charge_config["held_out"] > 50


def test_bad_input_is_reported_and_the_rest_goes_through(tmp_path: Path) -> None:
    good = {"id": "g1", "fact": "被告人张某在超市内盗窃手机一部，价值人民币二千元。", "charges": ["盗窃"]}
    (tmp_path / "empty.jsonl").write_text("", encoding="utf-8")
    (tmp_path / "mixed.jsonl").write_text(
        json.dumps(good, ensure_ascii=False)
        + "\n"
        + '{"id": "t1", "fact": "被告人李某'
        + "\n"
        + json.dumps({**good, "id": "g2", "fact": good["fact"] + "后被抓获。"}, ensure_ascii=False)
        + "\n",
        encoding="utf-8",
    )
    (tmp_path / "junk.bin").write_bytes(bytes(range(256)) * 64)
    (tmp_path / "gbk.txt").write_bytes("河南省郑州市中级人民法院 刑事判决书 被告人王某故意伤害他人。".encode("gb18030"))
    (tmp_path / "huge.txt").write_text("被告人赵某多次盗窃电动车。" * 260_000, encoding="utf-8")  # ~10 MB
    index = LeianIndex(tmp_path / "idx", create=True)
    seen: list[str] = []
    summary = ingest(index, [tmp_path], on_problem=seen.append)
    stored = _consistent(index)
    assert {"g1", "g2", "text-gbk", "text-huge"} <= stored
    assert any("mixed.jsonl:2" in p for p in seen)  # the truncated line, with file and line
    assert any("empty.jsonl" in p for p in seen) and any("junk.bin" in p for p in seen)
    assert summary.read == 4
    index.close()


def test_reingest_is_idempotent_and_duplicates_are_skipped(tmp_path: Path, lecard_sample: Path) -> None:
    sample = tmp_path / "s.jsonl"
    lines = lecard_sample.read_text(encoding="utf-8").splitlines()[:30]
    dup = json.loads(lines[0])
    dup["id"] = "copy-of-first"
    sample.write_text("\n".join([*lines, json.dumps(dup, ensure_ascii=False)]) + "\n", encoding="utf-8")
    index = LeianIndex(tmp_path / "idx", create=True)
    first = ingest(index, [sample], train_charges=False)
    assert first.stored == 30 and first.skipped["重复内容 duplicate"] == 1
    again = ingest(index, [sample], train_charges=False)
    assert again.stored == 0 and again.unchanged == 30
    assert _consistent(index) == {json.loads(line)["id"] for line in lines}
    index.close()


def test_update_and_delete(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    row = {"id": "u1", "fact": "被告人醉酒驾驶机动车，血液酒精含量为一百八十毫克每百毫升。"}
    path.write_text(json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8")
    index = LeianIndex(tmp_path / "idx", create=True)
    ingest(index, [path], train_charges=False)
    row["fact"] = "被告人盗窃他人手机一部。"
    path.write_text(json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8")
    assert ingest(index, [path], train_charges=False).updated == 1
    assert "盗窃" in index.get("u1").text
    assert index.delete(["u1", "never-existed"]) == 1
    assert _consistent(index) == set()
    with pytest.raises(NotFoundError):
        index.get("u1")
    index.close()


def test_interrupted_ingest_leaves_a_consistent_resumable_index(tmp_path: Path, lecard_sample: Path) -> None:
    index = LeianIndex(tmp_path / "idx", create=True)
    ingest(index, [lecard_sample], train_charges=False)
    before = _consistent(index)
    index.close()

    # a second run dies after the store took a batch but before the indexes committed it
    extra = tmp_path / "extra.jsonl"
    extra.write_text(
        "\n".join(
            json.dumps({"id": f"x{i}", "fact": f"被告人甲第{i}次盗窃电动自行车一辆。"}, ensure_ascii=False)
            for i in range(5)
        ),
        encoding="utf-8",
    )
    index = LeianIndex(tmp_path / "idx")

    def crash() -> None:
        raise KeyboardInterrupt

    index.lexical.commit = crash  # type: ignore[method-assign]
    with pytest.raises(KeyboardInterrupt):
        ingest(index, [extra], train_charges=False)
    index.store.close()
    index.catalog.close()

    reopened = LeianIndex(tmp_path / "idx")  # recovery replays the pending batch
    after = _consistent(reopened)
    assert after == before | {f"x{i}" for i in range(5)}
    new = {f"x{i}" for i in range(5)}
    hits = reopened.lexical.search(reopened.tokenizer.tokenize("盗窃电动自行车"), 5, candidates=new)
    assert {h.id for h in hits} == new and all(h.score > 0 for h in hits)  # searchable, not only stored
    grams = reopened.bigrams.search(char_bigrams("盗窃电动自行车"), 5, candidates=new)
    assert {h.id for h in grams} == new and all(h.score > 0 for h in grams)
    reopened.close()


def test_an_index_refuses_a_different_tokenizer(small_index_build: tuple[Path, IngestSummary], tmp_path: Path) -> None:
    from indexing.tokenizer import Tokenizer

    custom = tmp_path / "dict.txt"
    custom.write_text("某某新词\n", encoding="utf-8")
    with pytest.raises(IndexStateError, match="tokenizer"):
        LeianIndex(small_index_build[0], tokenizer=Tokenizer(dictionary=custom))


def test_missing_index_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="leian ingest"):
        LeianIndex(tmp_path / "nothing-here")
