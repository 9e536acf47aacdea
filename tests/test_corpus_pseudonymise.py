"""Pseudonymisation masks people, keeps courts, places and legal terms."""

from __future__ import annotations

from dataclasses import replace
from itertools import islice

from corpus.model import RawRecord
from corpus.parse import parse_record, parse_text
from corpus.pseudonymise import PseudonymiseOptions, find_person_names, person_names, pseudonymise
from corpus.readers import read_records
from leian.settings import get_settings


def test_first_lecard_document() -> None:
    raw = next(r for r in islice(read_records([get_settings().data / "lecard" / "candidates.jsonl.gz"]), 1))
    assert isinstance(raw, RawRecord)
    j = parse_record(raw)
    out = pseudonymise(j)
    # LeCaRD already masked four other 吴 (吴某甲 … 吴某丁): the defendant gets a mask none of them has
    assert "吴必定" not in out and "被告人吴某戊" in out and "吴某戊" not in j.text
    assert out.startswith("江西省宜春市中级人民法院 刑事判决书")
    assert "宜丰县看守所" in out and "故意伤害罪" in out and "李某甲" in out


def test_people_apart_and_places_kept() -> None:
    text = "被告人张三与被告人张四在张家港市人民法院受审，被害人李明，证人王小二证实张三持刀。"
    out = pseudonymise(text)
    assert out == "被告人张某甲与被告人张某乙在张家港市人民法院受审，被害人李某，证人王某证实张某甲持刀。"
    masked = pseudonymise(text, options=PseudonymiseOptions(keep_surname=False))
    assert "张" not in masked.replace("张家港市", "") and "某甲" in masked


def test_explicit_names_and_officials() -> None:
    text = "审判长刘洋 被告人赵六犯盗窃罪。"
    assert find_person_names(text) == ["赵六"]
    assert pseudonymise(text) == "审判长刘洋 被告人赵某犯盗窃罪。"
    assert pseudonymise(text, options=PseudonymiseOptions(mask_officials=True)) == "审判长刘某 被告人赵某犯盗窃罪。"
    assert pseudonymise("甲公司诉王五", names=["王五"]) == "甲公司诉王某"


def test_recorded_names_are_used_and_missing_ones_found() -> None:
    found = parse_text("被告人张三犯盗窃罪，证人李四证实，审判员王五。")
    assert found.persons is None and person_names(found) == ["张三", "李四"]
    recorded = replace(found, persons=["张三"])  # as indexed: what was recorded is what is masked
    assert pseudonymise(recorded) == "被告人张某犯盗窃罪，证人李四证实，审判员王五。"
    # officials are never recorded: masking them reads the text
    assert person_names(recorded, officials=True) == ["张三", "李四", "王五"]
