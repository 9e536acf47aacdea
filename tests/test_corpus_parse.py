"""parse_record on real records of every source format."""

from __future__ import annotations

from itertools import islice

from corpus.model import Judgment, RawRecord
from corpus.parse import parse_record, parse_text
from corpus.readers import read_records
from leian.settings import get_settings

DATA = get_settings().data


def _first(path, n: int = 1) -> list[RawRecord]:
    return [r for r in islice(read_records([path]), n) if isinstance(r, RawRecord)]


def test_first_lecard_candidate() -> None:
    j = parse_record(_first(DATA / "lecard" / "candidates.jsonl.gz")[0])
    assert j.court == "江西省宜春市中级人民法院"
    assert (j.court_level, j.province) == ("中级", "江西省")
    assert j.case_number == "（2014）宜中刑一初字第11号"
    assert j.charges == ["故意伤害"]
    assert j.outcome is not None and j.outcome.imprisonment_months == 120 and j.outcome.defendant == "吴必定"
    assert j.date == "2014-05-06"
    assert (j.title, j.doc_type, j.domain, j.trial_level) == ("吴必定故意伤害一案", "刑事判决书", "criminal", "一审")
    assert j.articles == [12]  # 1979-code article 134 is kept apart from the current code
    assert j.sections["facts"].startswith("江西省宜春市人民检察院指控") or "经审理查明" in j.sections["facts"]
    assert j.sections["reasoning"].startswith("本院认为") and j.holding.startswith("本院认为")
    assert {"header", "parties", "claims", "result", "judges", "tail"} <= set(j.sections)
    assert "初犯" in j.circumstances and "正当防卫" not in j.circumstances
    assert Judgment.from_dict(j.to_dict()) == j


def test_lecard_batch_fills_core_fields() -> None:
    js = [parse_record(r) for r in _first(DATA / "lecard" / "candidates.jsonl.gz", 200)]

    def share(field: str) -> float:
        return sum(bool(getattr(j, field)) for j in js) / len(js)

    assert share("court") > 0.95 and share("case_number") > 0.95 and share("charges") > 0.97
    assert share("date") > 0.9 and share("outcomes") > 0.9 and share("province") > 0.9


def test_cail_record_uses_its_labels() -> None:
    j = parse_record(_first(DATA / "cail2018" / "data_train.json")[0])
    assert j.charges == ["故意伤害"] and j.articles == [234]
    assert j.outcome is not None and j.outcome.imprisonment_months == 6
    assert j.domain == "criminal" and j.sections["facts"] == j.text


def test_spc_guiding_case() -> None:
    j = parse_record(_first(DATA / "authoritative" / "spc_guiding_cases.jsonl")[0])
    assert (j.id, j.authority, j.court_level, j.domain) == ("spc-guiding-1", "spc_guiding", "最高", "civil")
    assert j.holding.startswith("房屋买卖居间合同") and j.date == "2011-12-20"
    assert j.statutes[0].law == "中华人民共和国合同法" and j.statutes[0].article == 424
    assert j.charges == ["居间合同纠纷"]


def test_gazette_and_spp_cases() -> None:
    gazette = parse_record(_first(DATA / "authoritative" / "spc_gazette_cases" / "FYGB0001.md")[0])
    assert gazette.authority == "spc_gazette" and gazette.title.startswith("慈溪市博某塑料制品有限公司")
    assert gazette.holding.startswith("1.涉电子商务平台") and gazette.date == "2023-12-15"
    spp = parse_record(_first(DATA / "authoritative" / "spp_guiding_cases" / "alj001.md")[0])
    assert spp.authority == "spp_guiding" and spp.case_number.startswith("检例第")
    assert spp.holding and spp.sections.get("facts")


def test_parse_text_of_a_query() -> None:
    j = parse_text("2018年1月15日，被告人莫某酒后驾驶小型轿车，血液中乙醇含量为201.1毫克／100毫升，构成危险驾驶罪。")
    assert j.id == "query" and j.charges == ["危险驾驶"] and j.court == ""
