"""Readers on real data and on every kind of bad input: problems are reported, the batch goes on."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from corpus.model import RawRecord
from corpus.readers import MAX_RECORD_CHARS, ReadProblem, read_records
from leian.settings import get_settings

DATA = get_settings().data
JUDGMENT = "江西省宜春市中级人民法院 刑事判决书 （2014）宜中刑一初字第11号 被告人吴必定犯故意伤害罪，判处有期徒刑十年。"


def _split(items: list) -> tuple[list[RawRecord], list[ReadProblem]]:
    return [i for i in items if isinstance(i, RawRecord)], [i for i in items if isinstance(i, ReadProblem)]


def test_first_lecard_candidate_is_read_with_its_fields() -> None:
    first = next(iter(read_records([DATA / "lecard" / "candidates.jsonl.gz"])))
    assert isinstance(first, RawRecord)
    assert (first.id, first.format) == ("10893", "lecard")
    assert first.fields["ajName"] == "吴必定故意伤害一案"
    assert first.text.startswith("江西省宜春市中级人民法院")
    assert first.source.endswith("candidates.jsonl.gz:1")


def test_formats_are_detected_per_file(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text(
        "\n".join(
            json.dumps(o, ensure_ascii=False)
            for o in [
                {"fact": "被告人李某盗窃。", "meta": {"accusation": ["盗窃"]}},
                {"id": "7", "domain": "civil", "cause": "民间借贷纠纷", "fact": "原告诉称借款。"},
                {"id": "q1", "fact": "被告人酒后驾驶。", "charges": ["危险驾驶罪"]},
                {"id": "p1", "text": JUDGMENT},
                {"no": 9, "title": "某案", "裁判要点": "要点", "基本案情": "案情"},
            ]
        ),
        encoding="utf-8",
    )
    records, problems = _split(list(read_records([tmp_path])))
    assert not problems
    assert [(r.id, r.format) for r in records] == [
        ("cail-a-1", "cail2018"),
        ("cjrc-civil-7", "cjrc"),
        ("q1", "interchange"),
        ("p1", "interchange"),
        ("spc-guiding-9", "spc_guiding"),
    ]


def test_authoritative_ids_are_stable() -> None:
    ids = [r.id for r in read_records([DATA / "authoritative" / "spc_guiding_cases.jsonl"]) if isinstance(r, RawRecord)]
    assert ids[0] == "spc-guiding-1" and len(ids) == len(set(ids)) == 223
    gazette = next(iter(read_records([DATA / "authoritative" / "spc_gazette_cases" / "FYGB0001.md"])))
    spp = next(iter(read_records([DATA / "authoritative" / "spp_guiding_cases" / "alj001.md"])))
    assert (gazette.id, gazette.format) == ("spc-gazette-FYGB0001", "spc_gazette")
    assert (spp.id, spp.format) == ("spp-guiding-alj001", "spp_guiding")


def test_bad_inputs_yield_problems_and_the_batch_goes_on(tmp_path: Path) -> None:
    (tmp_path / "01_empty.txt").write_bytes(b"")
    (tmp_path / "02_truncated.jsonl").write_text(
        '{"id": "ok1", "text": "被告人张某犯盗窃罪。"}\n{"id": "cut", "text": "被告人\n{"id": "ok2", "text": "正文"}\n',
        encoding="utf-8",
    )
    (tmp_path / "03_gb18030.txt").write_bytes(JUDGMENT.encode("gb18030"))
    (tmp_path / "04_bom.txt").write_bytes(b"\xef\xbb\xbf" + JUDGMENT.encode("utf-8"))
    (tmp_path / "05_junk.txt").write_bytes(bytes(range(256)) * 20)
    (tmp_path / "06_no_text.jsonl").write_text('{"id": "x1", "text": ""}\n{"text": "无编号"}\n', encoding="utf-8")
    (tmp_path / "07_dupes.jsonl").write_text('{"id": "d", "text": "甲"}\n{"id": "d", "text": "乙"}\n', encoding="utf-8")
    records, problems = _split(list(read_records([tmp_path])))
    by_file = {Path(p.source).name: p for p in problems}
    assert by_file["01_empty.txt"].reason == "empty file"
    assert by_file["02_truncated.jsonl"].line == 2 and "invalid JSON" in by_file["02_truncated.jsonl"].reason
    assert "binary" in by_file["05_junk.txt"].reason or "not valid" in by_file["05_junk.txt"].reason
    no_text = [p for p in problems if p.source.endswith("06_no_text.jsonl")]
    assert [(p.line, p.reason) for p in no_text] == [(1, "record x1 without text"), (2, "record without id")]
    texts = {r.id: r.text for r in records}
    assert texts["text-03_gb18030"] == JUDGMENT  # GB18030 decoded, not mojibake
    assert texts["text-04_bom"] == JUDGMENT  # BOM stripped
    assert [r.id for r in records if r.id in ("ok1", "ok2")] == ["ok1", "ok2"]
    assert [r.text for r in records if r.id == "d"] == ["甲", "乙"]  # duplicates passed through
    assert len(problems) == 5


def test_large_documents_pass_under_the_limit_and_fail_over_it(tmp_path: Path) -> None:
    big = "审理查明" * 825_000  # 3.3 M characters, ~10 MB of UTF-8
    (tmp_path / "big.txt").write_text(big, encoding="utf-8")
    (tmp_path / "huge.jsonl").write_text(
        json.dumps({"id": "h", "text": "字" * (MAX_RECORD_CHARS + 1)}, ensure_ascii=False)
        + "\n"
        + json.dumps({"id": "after", "text": "正文"}, ensure_ascii=False)
        + "\n",
        encoding="utf-8",
    )
    records, problems = _split(list(read_records([tmp_path])))
    assert {r.id: len(r.text) for r in records} == {"text-big": 3_300_000, "after": 2}
    assert len(problems) == 1 and problems[0].line == 1 and "too large" in problems[0].reason


def test_gzip_and_missing_paths(tmp_path: Path) -> None:
    with gzip.open(tmp_path / "c.jsonl.gz", "wt", encoding="utf-8") as fh:
        fh.write(json.dumps({"id": "g1", "qw": JUDGMENT, "ajName": "吴必定故意伤害一案"}, ensure_ascii=False) + "\n")
    items = list(read_records([tmp_path / "c.jsonl.gz", tmp_path / "missing.jsonl"]))
    assert isinstance(items[0], RawRecord) and items[0].format == "lecard"
    assert isinstance(items[1], ReadProblem) and "no such file" in items[1].reason


@pytest.mark.parametrize("name", ["data_train.json", "data_test.json"])
def test_cail_ids_are_unique_and_stable(name: str) -> None:
    ids = [r.id for r in read_records([DATA / "cail2018" / name]) if isinstance(r, RawRecord)]
    stem = name.split(".")[0]
    assert ids[:2] == [f"cail-{stem}-1", f"cail-{stem}-2"] and len(ids) == len(set(ids))
