"""Outcome drivers, statutory ranges and charge spellings on literal court text."""

from __future__ import annotations

from consistency.design import case_elements, code_section
from consistency.features import extract_drivers
from consistency.statutory import parse_penalties, statutory_features
from consistency.targets import canonical_charge, target_of
from corpus.model import Outcome
from corpus.parse import parse_text


def _drivers(text: str):
    return extract_drivers(parse_text(text), text)


def test_drug_weights_are_summed_once_per_value() -> None:
    d = _drivers("被告人贩卖甲基苯丙胺2.5克给吸毒人员，后在其住处查获海洛因1.2千克。经称量，甲基苯丙胺净重2.5克。")
    assert d.drug_grams == 1202.5
    assert d.drug_mentions == 2


def test_injury_grade_takes_the_worst_and_skips_negations() -> None:
    d = _drivers("经鉴定，被害人甲的损伤程度构成轻伤二级，被害人乙未构成轻微伤，被害人丙构成重伤二级。")
    assert d.injury == 4
    assert d.injuries == 2


def test_alcohol_times_and_bands() -> None:
    d = _drivers("被告人先后3次醉酒驾驶，血液中乙醇含量为185.3毫克/100毫升，数额巨大。")
    assert d.alcohol_mg == 185.3
    assert d.times == 3
    assert d.bands["数额巨大"] == 1


def test_wildlife_and_timber_quantities() -> None:
    d = _drivers("被告人在禁猎区猎捕野鸡187只、野兔19只，又采伐红豆杉一株，立木蓄积3.5立方米。")
    assert d.heads == 187
    assert d.volume_m3 == 3.5
    assert _drivers("被告人盗窃现金二千元。").heads == 0


def test_statutory_ranges_from_the_article_text() -> None:
    text = (
        "第三百一十条 明知是犯罪的人而为其提供隐藏处所、财物，帮助其逃匿或者作假证明包庇的，处三年以下有期徒刑、"
        "拘役或者管制；情节严重的，处三年以上十年以下有期徒刑。\n"
        "第二百三十二条 故意杀人的，处死刑、无期徒刑或者十年以上有期徒刑；情节较轻的，处三年以上十年以下有期徒刑。\n"
    )
    penalties = parse_penalties(text)
    assert penalties[310] == (0.0, 36.0, 36.0, 120.0, 0.0, 0.0)
    assert penalties[232][4:] == (1.0, 1.0)
    assert statutory_features([67, 310], penalties) == penalties[310]  # 总则 articles carry no range
    assert statutory_features([], penalties) == (0.0,) * 6


def test_cail_bracket_spelling_and_targets() -> None:
    assert canonical_charge("[窝藏、包庇]") == canonical_charge("窝藏、包庇罪") == "窝藏、包庇"
    assert canonical_charge("[走私、贩卖、运输、制造]毒品") == "走私、贩卖、运输、制造毒品"
    assert target_of(Outcome(life=True)).cail_months == -1
    assert target_of(Outcome(penalty="免予刑事处罚")).months == 0
    assert target_of(None) is None


def test_elements_come_from_the_facts_alone() -> None:
    # a pending case (or a CAIL2018 fact paragraph) has no reasoning: what only 本院认为 says must not be learnt
    doc = parse_text(
        "浙江省杭州市西湖区人民法院\n刑事判决书\n经审理查明：2019年5月，被告人张某盗窃他人手机一部，价值3000元。"
        "案发后，被告人张某如实供述。\n本院认为，被告人张某盗窃他人财物，数额较大，其行为已构成盗窃罪。被告人张某自首，"
        "依法可以从轻处罚。\n判决如下：被告人张某犯盗窃罪，判处有期徒刑六个月。"
    )
    case = case_elements(doc)
    assert "自首" in doc.circumstances and "自首" not in case.circumstances
    assert "坦白" in case.circumstances
    assert case.drivers.amount_max == 3000 and not case.drivers.bands.get("数额较大")


def test_code_section_groups_a_provision_with_its_chapter_or_section() -> None:
    # 滥用职权 (397) opens 渎职罪; 非法狩猎 (341) sits in 破坏环境资源保护罪 (338–346); 总则 articles carry none
    assert code_section([397]) == 397
    assert code_section([419]) == 397
    assert code_section([67, 341]) == 338
    assert code_section([264, 312]) == 263
    assert code_section([25, 67]) is None
    assert code_section([]) is None
