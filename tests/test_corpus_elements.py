"""Golden tests for numerals, statutes, charges, circumstances, amounts and outcomes; article F1 on real JuDGE docs."""

from __future__ import annotations

import pytest

from corpus.elements import (
    CRIMINAL_LAW,
    charges_from_title,
    extract_amounts,
    extract_charges,
    extract_circumstances,
    extract_outcomes,
    extract_statutes,
)
from corpus.model import Statute
from corpus.numerals import cn_to_int, cn_to_number
from evaluation.extraction import article_scores
from leian.settings import get_settings


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("十", 10), ("十二", 12), ("二十", 20), ("一百三十三", 133), ("二百六十四", 264), ("三百零七", 307),
        ("一千零五", 1005), ("两千五百", 2500), ("一万二千", 12000), ("三亿五千万", 350_000_000), ("二〇一四", 2014),
        ("壹拾伍", 15), ("５０００", 5000), ("264", 264),
    ],
)  # fmt: skip
def test_chinese_numerals(text: str, value: int) -> None:
    assert cn_to_int(text) == value


def test_numeral_junk_and_decimals() -> None:
    assert cn_to_int("条") is None and cn_to_int("") is None
    assert cn_to_number("1.2万") == 12000 and cn_to_int("1.5") is None


def test_statute_chains_paragraphs_and_zhiyi() -> None:
    text = (
        "依照《中华人民共和国刑法》第二百六十四条、第六十七条第三款和第五十二条，第七十二条第一、三款，"
        "第一百三十三条之一第一款第（二）项、第二十五、二十六条及《中华人民共和国刑事诉讼法》第二百零一条之规定"
    )
    got = extract_statutes(text)
    assert [(s.article, s.paragraph) for s in got if s.law == CRIMINAL_LAW] == [
        (264, None), (67, 3), (52, None), (72, 1), (72, 3), (133, 1), (25, None), (26, None),
    ]  # fmt: skip
    assert Statute("中华人民共和国刑事诉讼法", 201) in got


def test_statute_short_names_and_1979_code() -> None:
    got = extract_statutes("依照《刑法》第二百三十四条和1979年《中华人民共和国刑法》第一百三十四条，刑法第六十七条")
    assert Statute(CRIMINAL_LAW, 234) in got and Statute(CRIMINAL_LAW, 67) in got
    assert Statute("1979年中华人民共和国刑法", 134) in got and Statute(CRIMINAL_LAW, 134) not in got


def test_numbered_appendix_is_not_read_as_article_one() -> None:
    got = extract_statutes("附法律条文： 《中华人民共和国刑法》 1、第三百四十七条：走私、贩卖")
    assert got == [Statute(CRIMINAL_LAW, 347)]


def test_article_f1_on_judge_sample() -> None:
    p, r, f1, n = article_scores(get_settings().data, limit=150)
    assert n == 150 and f1 >= 0.95, (p, r, f1)


def test_charges_with_cues_negations_and_priors() -> None:
    text = (
        "被告人曾因犯盗窃罪被判处有期徒刑一年。本院认为，被告人的行为不构成抢劫罪，已构成故意伤害罪、寻衅滋事罪。"
        "被告人王某犯贩卖、运输毒品罪，犯掩饰、隐瞒犯罪所得、犯罪所得收益罪。"
    )
    assert extract_charges(text) == [
        "故意伤害", "寻衅滋事", "走私、贩卖、运输、制造毒品", "掩饰、隐瞒犯罪所得、犯罪所得收益",
    ]  # fmt: skip
    assert extract_charges("以危险驾驶罪追究其刑事责任") == ["危险驾驶"]
    assert extract_charges("原告张某与被告李某民间借贷纠纷一案") == ["民间借贷纠纷"]


def test_charges_from_case_names() -> None:
    assert charges_from_title("吴必定故意伤害一案") == ["故意伤害"]
    assert charges_from_title("王五走私、贩卖、运输、制造毒品、非法持有毒品一案") == [
        "走私、贩卖、运输、制造毒品", "非法持有毒品",
    ]  # fmt: skip
    assert charges_from_title("李某犯非法持有枪支罪一审刑事判决书") == ["非法持有、私藏枪支、弹药"]


def test_circumstances_skip_negations() -> None:
    text = "被告人系初犯、偶犯，到案后如实供述，取得被害人谅解。其行为不符合正当防卫的构成要件，不构成自首。"
    assert extract_circumstances(text) == ["坦白", "谅解", "初犯", "偶犯"]
    assert extract_circumstances("被告人无前科，系累犯，认罪认罚，退赃退赔") == ["累犯", "认罪认罚", "退赃退赔"]


def test_amounts_in_yuan() -> None:
    text = "盗窃现金1.2万元、手机价值12000元，人民币三千元，5000余元，共计12,345.5元，赃款十二万五千元"
    assert extract_amounts(text) == [12000.0, 3000.0, 5000.0, 12345.5, 125000.0]


def test_sums_paid_after_the_offence_are_no_amount_involved() -> None:
    text = "被告人饮酒后驾驶轿车致李某重伤。案发后被告人赔偿李某20万元并取得谅解，缴纳保证金1万元。"
    assert extract_amounts(text) == []
    theft = "被告人盗窃价值5000元的手机一部，后退赔被害人6000元，赔偿经济损失人民币3000元，判处罚金2000元。"
    assert extract_amounts(theft) == [5000.0, 6000.0]


def test_outcomes_per_defendant() -> None:
    result = (
        "一、被告人甲某犯受贿罪，判处有期徒刑三年，并处罚金人民币三十万元；犯贪污罪，判处有期徒刑四年七个月，"
        "并处罚金人民币三十五万元；决定执行有期徒刑六年，并处罚金人民币六十五万元。"
        "二、被告人乙某犯贪污罪，判处有期徒刑一年七个月，缓刑二年，并处罚金人民币十万元。"
        "三、被告人丙某犯运输毒品罪，判处死刑，缓期二年执行，剥夺政治权利终身，并处没收个人全部财产。"
        "四、被告人丁某犯危险驾驶罪，判处拘役一个月十五天，并处罚金2000元。"
        "五、被告人戊某犯盗窃罪，单处罚金三千元。六、被告人己某犯玩忽职守罪，免予刑事处罚。"
        "七、被告人庚某犯故意杀人罪，判处无期徒刑。 如不服本判决，被告人辛某犯…罪判处有期徒刑一年"
    )
    got = [(o.defendant, o.penalty, o.imprisonment_months, o.probation_months, o.fine_yuan) for o in
           extract_outcomes(result)]  # fmt: skip
    assert got == [
        ("甲某", "有期徒刑", 72, None, 650000.0),
        ("乙某", "有期徒刑", 19, 24, 100000.0),
        ("丙某", "死刑缓期二年执行", None, None, None),
        ("丁某", "拘役", 2, None, 2000.0),
        ("戊某", "单处罚金", None, None, 3000.0),
        ("己某", "免予刑事处罚", None, None, None),
        ("庚某", "无期徒刑", None, None, None),
    ]
    assert extract_outcomes("驳回上诉，维持原判。") == []


def test_cail_bracketed_selective_charges_normalise_to_the_official_name() -> None:
    from corpus.charges import normalise_charge

    assert normalise_charge("[走私、贩卖、运输、制造]毒品") == "走私、贩卖、运输、制造毒品"
    assert normalise_charge("[窝藏、包庇]") == "窝藏、包庇"
