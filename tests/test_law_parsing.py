"""How the law package reads the statute files: article numbers, penalty clauses, and the 罪名 lists."""

from __future__ import annotations

import pytest

from law.charge_articles import ArticleRef, charge_articles
from law.penalties import ConfiscationRule, FineRule, MonthRange
from law.penalty_text import find_penalty_clauses, find_references, parse_penalty
from law.statute import ArticleNo, article_label, criminal_law, int_to_cn, parse_article_no, statutes_dir


@pytest.fixture(scope="module", autouse=True)
def _statutes() -> None:
    if not (statutes_dir() / "刑法" / "刑法.md").exists():
        pytest.fail(f"the statute files are missing at {statutes_dir()}; set LEIAN_DATA")


@pytest.mark.parametrize(
    ("n", "cn"),
    [(1, "一"), (10, "十"), (15, "十五"), (20, "二十"), (105, "一百零五"), (110, "一百一十"), (264, "二百六十四")],
)
def test_article_numerals(n: int, cn: str) -> None:
    assert int_to_cn(n) == cn
    assert parse_article_no(f"第{cn}条") == ArticleNo(n)


def test_article_labels() -> None:
    assert parse_article_no("第一百三十三条之一") == ArticleNo(133, 1)
    assert parse_article_no("第133条之一") == ArticleNo(133, 1)
    assert article_label(ArticleNo(234), 2) == "刑法第二百三十四条第二款"
    assert article_label(ArticleNo(287, 2)) == "刑法第二百八十七条之二"
    with pytest.raises(ValueError):
        parse_article_no("第X条")


def test_the_criminal_law_is_read_article_by_article() -> None:
    law = criminal_law()
    assert {no.number for no in law} == set(range(1, 453))
    drunk = law[ArticleNo(133, 1)]
    assert len(drunk.paragraphs) == 3  # items (项) stay with their paragraph (款)
    assert drunk.paragraphs[0].count("\n（") == 4


@pytest.mark.parametrize(
    ("principal", "supplement", "term", "detention", "surveillance", "fine"),
    [
        ("三年以下有期徒刑、拘役或者管制", "，并处或者单处罚金", MonthRange(6, 36), True, True,
         FineRule.MANDATORY_OR_SOLE),
        ("三年以上十年以下有期徒刑", "，并处罚金", MonthRange(36, 120), False, False, FineRule.MANDATORY),
        ("七年以上有期徒刑", "", MonthRange(84, 180), False, False, None),
        ("十五年有期徒刑、无期徒刑或者死刑", "，并处没收财产", MonthRange(180, 180), False, False, None),
        ("二年以下有期徒刑、拘役或者罚金", "", MonthRange(6, 24), True, False, FineRule.SOLE),
        ("拘役", "，并处罚金", None, True, False, FineRule.MANDATORY),
        ("三年以下有期徒刑", "，可以并处罚金", MonthRange(6, 36), False, False, FineRule.OPTIONAL),
        ("十年以上有期徒刑或者无期徒刑", "，并处罚金或者没收财产", MonthRange(120, 180), False, False,
         FineRule.MANDATORY_OR_CONFISCATION),
    ],
)  # fmt: skip
def test_parse_penalty(
    principal: str, supplement: str, term: MonthRange | None, detention: bool, surveillance: bool, fine: FineRule | None
) -> None:
    p = parse_penalty(principal, supplement)
    assert (p.fixed_term, p.detention, p.surveillance, p.fine) == (term, detention, surveillance, fine)
    assert p.text == principal + supplement


def test_confiscation_and_exemption() -> None:
    top = parse_penalty("十五年有期徒刑、无期徒刑或者死刑", "，并处没收财产")
    assert top.confiscation is ConfiscationRule.MANDATORY and top.death and not top.exemption
    assert parse_penalty("五年以下有期徒刑").exemption  # 刑法第三十七条 where the tier starts at the bottom
    assert not parse_penalty("三年以上七年以下有期徒刑").exemption


def test_clauses_and_their_items() -> None:
    law = criminal_law()
    fraud_by_card = find_penalty_clauses(law[ArticleNo(196)].paragraphs[0])
    assert [c.penalty.fixed_term for c in fraud_by_card] == [
        MonthRange(6, 60),
        MonthRange(60, 120),
        MonthRange(120, 180),
    ]
    assert fraud_by_card[0].items and not fraud_by_card[1].items  # 有下列情形之一 sits in the first clause
    robbery = find_penalty_clauses(law[ArticleNo(263)].paragraphs[0])
    assert len(robbery[1].items) == 8 and not robbery[0].items  # here in the last
    embezzlement = find_penalty_clauses(law[ArticleNo(383)].paragraphs[0])
    assert len(embezzlement) == 4  # each item is a tier of its own
    unit = find_penalty_clauses(law[ArticleNo(153)].paragraphs[1])  # 单位犯前款罪的 … 情节严重的 … 情节特别严重的
    assert len(unit) == 3 and all(c.unit for c in unit)


def test_references_to_other_provisions() -> None:
    law = criminal_law()
    (bribery,) = find_references(law[ArticleNo(386)].paragraphs[0], 1)
    assert bribery.article == 383 and bribery.paragraphs == ()
    (minors,) = find_references(law[ArticleNo(301)].paragraphs[1], 2)
    assert minors.paragraphs == (1,) and minors.heavier
    assert (
        find_references("聚众斗殴，致人重伤、死亡的，依照本法第二百三十四条、第二百三十二条的规定定罪处罚。", 2) == []
    )


def test_charge_lists() -> None:
    lists = charge_articles()
    assert lists["盗窃"].refs == (ArticleRef(ArticleNo(264)),)
    assert lists["袭警"].refs == (ArticleRef(ArticleNo(277), 5),)
    assert lists["危险驾驶"].refs == (ArticleRef(ArticleNo(133, 1)),)
    assert lists["投毒"].replaced_by == "投放危险物质"
    assert lists["走私固体废物"].replaced_by == "走私废物"  # "取消刑法原第155条第3项走私固体废物罪罪名"
    assert lists["非法生产、买卖、运输制毒物品、走私制毒物品"].refs == (ArticleRef(ArticleNo(350)),)
    assert "拒绝提供间谍犯罪、恐怖主义犯罪、极端主义犯罪证据" in lists  # a 罪 inside a name does not end it
    assert lists["为境外窃取、刺探、收买、非法提供军事秘密"].refs == (ArticleRef(ArticleNo(431), 2),)
    assert lists["协助组织卖淫"].refs == (ArticleRef(ArticleNo(358), 4),)  # renumbered since the 1997 list
    assert lists["徇私舞弊低价折股、出售公司、企业资产"].refs == (ArticleRef(ArticleNo(169)),)  # 补充规定（八）
