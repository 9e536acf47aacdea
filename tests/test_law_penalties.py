"""The penalty knowledge base on the real statute files: every quote is in its source, every charge the product
uses has its tiers, the tiers are lawful ranges, and spot checks written from the statute text itself."""

from __future__ import annotations

import itertools
import json
import random
from pathlib import Path

import pytest

from corpus.charges import charge_names
from law.penalties import (
    DETENTION_MONTHS,
    FineRule,
    MonthRange,
    PenaltyLaw,
    UnknownChargeError,
    UnknownFactError,
    combined_sentence,
    combined_term,
)
from law.statute import normalise_space, statute_text, statutes_dir
from law.transcribe import DATA_DIR, transcribe, verify_quotes
from leian.errors import InputError

# The charges the brief names as common: each must have tiers and numeric thresholds where the sources give them.
COMMON_WITH_THRESHOLDS = [
    "盗窃", "诈骗", "抢劫", "抢夺", "故意伤害", "交通肇事", "走私、贩卖、运输、制造毒品",
    "非法持有毒品", "寻衅滋事", "敲诈勒索", "职务侵占", "贪污", "受贿", "行贿", "信用卡诈骗",
    "掩饰、隐瞒犯罪所得、犯罪所得收益", "赌博", "非法拘禁", "强奸", "非法吸收公众存款", "集资诈骗", "非法经营",
    "滥伐林木", "盗伐林木", "非法狩猎", "污染环境", "非法持有、私藏枪支、弹药", "帮助信息网络犯罪活动",
    "虚开增值税专用发票、用于骗取出口退税、抵扣税款发票", "生产、销售有毒、有害食品",
]  # fmt: skip
# Common charges whose sources fix no figure (see law/README.md): tiers only.
COMMON_WITHOUT_THRESHOLDS = [
    "故意杀人", "危险驾驶", "容留他人吸毒", "聚众斗殴", "合同诈骗", "开设赌场", "妨害公务", "故意毁坏财物",
    "拒不执行判决、裁定", "非法侵入住宅", "组织、领导传销活动",
]  # fmt: skip
# Names in charges.txt that are CAIL categories, not 罪名, so no article defines them.
NOT_CHARGES = {"制造、贩卖、传播淫秽物品", "组织、强迫、引诱、容留、介绍卖淫", "经济犯", "走私"}
# 罪名 with no article in the Criminal Law as it stands: 骗购外汇 is defined by the NPC Standing Committee's 1998
# 决定 (第一条), and 嫖宿幼女's paragraph (第三百六十条第二款) was repealed by 刑法修正案（九）.
NO_ARTICLE_IN_FORCE = {"骗购外汇", "嫖宿幼女"}


@pytest.fixture(scope="module")
def statutes() -> Path:
    root = statutes_dir()
    if not (root / "刑法" / "刑法.md").exists():
        pytest.fail(f"the statute files are missing at {root}; set LEIAN_DATA")
    return root


@pytest.fixture(scope="module")
def law(statutes: Path) -> PenaltyLaw:
    return PenaltyLaw.load()


@pytest.fixture(scope="module")
def document() -> dict:
    return json.loads((DATA_DIR / "penalties.json").read_text(encoding="utf-8"))


def test_every_quote_is_verbatim_in_the_file_it_cites(document: dict, statutes: Path) -> None:
    assert verify_quotes(document, statutes) == []


def test_conditions_and_items_are_verbatim_too(law: PenaltyLaw, statutes: Path) -> None:
    text = normalise_space(statute_text("刑法/刑法.md", statutes))
    missing = [
        (name, t.level, piece[:30])
        for name in law.charges
        for t in law.tiers(name)
        for piece in (t.condition, *t.items)
        if normalise_space(piece) not in text
    ]
    assert missing == []


def test_the_data_file_is_what_the_sources_give(statutes: Path) -> None:
    """``python -m law.transcribe`` would write the same file: nothing in it was edited by hand."""
    on_disk = json.loads((DATA_DIR / "penalties.json").read_text(encoding="utf-8"))
    assert transcribe(statutes) == on_disk


def test_every_source_is_listed_with_its_title(document: dict, statutes: Path) -> None:
    files = {s["file"] for s in document["sources"]}
    cited = {t["source"] for c in document["charges"].values() for t in c["tiers"]}
    cited |= {th["source"] for c in document["charges"].values() for t in c["tiers"] for th in t.get("thresholds", [])}
    assert cited <= files
    assert all((statutes / s["file"]).exists() and s["title"] for s in document["sources"])


def test_charges_txt_coverage(law: PenaltyLaw) -> None:
    names = charge_names()
    listed = {n for n in names if n not in NOT_CHARGES}
    with_article = listed - NO_ARTICLE_IN_FORCE
    with_tiers = {n for n in with_article if _known(law, n) and law.tiers(n)}
    print(
        f"\ncharges.txt: {len(names)} names, {len(listed)} 罪名 in the official lists, {len(with_article)} with an "
        f"article in force, {len(with_tiers)} of them with tiers ({len(with_tiers) / len(with_article):.1%})"
    )
    assert all(_known(law, n) for n in listed)
    assert with_tiers == with_article
    assert not any(law.tiers(n) for n in NO_ARTICLE_IN_FORCE & names)


def _known(law: PenaltyLaw, name: str) -> bool:
    try:
        law.charge(name)
    except UnknownChargeError:
        return False
    return True


@pytest.mark.parametrize("name", COMMON_WITH_THRESHOLDS)
def test_common_charges_have_tiers_and_thresholds(law: PenaltyLaw, name: str) -> None:
    tiers = law.tiers(name)
    assert tiers, name
    assert any(t.thresholds for t in tiers), name


@pytest.mark.parametrize("name", COMMON_WITHOUT_THRESHOLDS)
def test_common_charges_without_figures_still_have_tiers(law: PenaltyLaw, name: str) -> None:
    assert law.tiers(name)


def test_tier_ranges_are_lawful(law: PenaltyLaw) -> None:
    for name in law.charges:
        tiers = law.tiers(name)
        assert [t.level for t in tiers] == list(range(1, len(tiers) + 1)), name
        for t in tiers:
            p = t.penalty
            assert p.surveillance or p.detention or p.fixed_term or p.life or p.death or p.fine_alone, (name, t.level)
            if p.fixed_term:  # 刑法第四十五条: six months to fifteen years, the statute saying nothing otherwise
                assert 6 <= p.fixed_term.min_months <= p.fixed_term.max_months <= 180, (name, t.level)
            b = law.bounds(name, t)
            if b.min_months is not None:
                assert b.max_months is not None and 1 <= b.min_months <= b.max_months <= 180
            if p.detention and not p.fixed_term:
                assert b.max_months == 6  # 刑法第四十二条
        for ladder in {t.ladder for t in tiers}:
            # A ladder climbs; texts joined into one ladder never overlap, though one text may (第三百八十四条:
            # 情节严重的，处五年以上有期徒刑 and 数额巨大不退还的，处十年以上有期徒刑或者无期徒刑).
            steps = [t for t in tiers if t.ladder == ladder]
            for lower, upper in itertools.pairwise(steps):
                assert lower.penalty.lowest_rank <= upper.penalty.lowest_rank, (name, lower.level)
                same_text = lower.article == upper.article
                assert same_text or lower.penalty.highest_rank <= upper.penalty.lowest_rank, (name, lower.level)


def test_clamp_never_leaves_the_tier(law: PenaltyLaw) -> None:
    rng = random.Random(20261206)
    for name in law.charges:
        for t in law.tiers(name):
            b = law.bounds(name, t)
            if b.min_months is None and not (b.non_custodial or b.exemption):
                continue  # 无期徒刑或者死刑 only: nothing on the month scale
            for months in [rng.uniform(-10, 400) for _ in range(5)] + [0, 0.5, 3, 7, 36, 181]:
                got = law.clamp(name, months, t)
                on_zero = got == 0 and (b.non_custodial or b.exemption)
                in_detention = b.detention and 1 <= got <= 6
                in_term = b.fixed_term is not None and b.fixed_term.min_months <= got <= b.fixed_term.max_months
                assert on_zero or in_detention or in_term, (name, t.level, months, got)


def test_dangerous_driving_is_detention_only_with_a_fine(law: PenaltyLaw) -> None:
    (tier,) = law.tiers("危险驾驶")
    p = tier.penalty
    assert (p.detention, p.fixed_term, p.surveillance, p.life, p.death) == (True, None, False, False, False)
    assert p.fine is FineRule.MANDATORY and p.fine_required
    assert law.bounds("危险驾驶").max_months == 6
    assert law.clamp("危险驾驶", 12) == 6
    assert tier.article == "刑法第一百三十三条之一第一款"
    assert "（二）醉酒驾驶机动车的；" in tier.items


def test_theft_tiers(law: PenaltyLaw) -> None:
    first, second, third = law.tiers("盗窃")
    assert first.penalty.fixed_term == MonthRange(6, 36)
    assert first.penalty.detention and first.penalty.surveillance and first.penalty.exemption
    assert first.penalty.fine is FineRule.MANDATORY_OR_SOLE and first.penalty.fine_alone
    assert second.penalty.fixed_term == MonthRange(36, 120) and second.penalty.fine is FineRule.MANDATORY
    assert third.penalty.fixed_term == MonthRange(120, 180) and third.penalty.life and not third.penalty.death
    assert third.penalty.fine is FineRule.MANDATORY_OR_CONFISCATION
    assert law.bounds("盗窃", 1).max_months == 36
    assert first.citation.article == "刑法第二百六十四条"


@pytest.mark.parametrize(
    ("amount", "level"), [(999, None), (1000, 1), (5000, 1), (29_999, 1), (30_000, 2), (50_000, 2), (600_000, 3)]
)
def test_theft_amounts_select_tiers_at_the_national_lower_bounds(law: PenaltyLaw, amount: int, level: int) -> None:
    tier = law.tier_for("盗窃", amount_yuan=amount)
    assert (tier.level if tier else None) == level


def test_theft_thresholds_keep_the_provincial_ranges(law: PenaltyLaw) -> None:
    ranges = [c.range for t in law.tiers("盗窃") for th in t.thresholds for c in th.conditions if c.range]
    assert ranges == [(1000, 3000), (30000, 100000), (300000, 500000)]
    assert law.tier_for("盗窃", theft_form="扒窃").level == 1


def test_intentional_homicide(law: PenaltyLaw) -> None:
    lighter, base = law.tiers("故意杀人")
    assert base.condition == "故意杀人的"
    assert base.penalty.death and base.penalty.life and base.penalty.fixed_term == MonthRange(120, 180)
    assert lighter.condition == "情节较轻的" and lighter.penalty.fixed_term == MonthRange(36, 120)
    assert not (lighter.penalty.detention or lighter.penalty.exemption)


def test_traffic_accident(law: PenaltyLaw) -> None:
    first, second, third = law.tiers("交通肇事")
    assert first.penalty.fixed_term == MonthRange(6, 36) and first.penalty.detention
    assert second.penalty.fixed_term == MonthRange(36, 84) and not second.penalty.detention
    assert third.penalty.fixed_term == MonthRange(84, 180)
    assert law.tier_for("交通肇事", deaths=1, responsibility="全部") == first
    assert law.tier_for("交通肇事", deaths=1, responsibility="主要") == first
    assert law.tier_for("交通肇事", deaths=1, responsibility="同等") is None
    assert law.tier_for("交通肇事", deaths=3, responsibility="同等") == first
    assert law.tier_for("交通肇事", serious_injuries=1, responsibility="主要", drunk_or_drugged=True) == first
    assert law.tier_for("交通肇事", deaths=2, responsibility="主要") == second
    assert law.tier_for("交通肇事", deaths=1, responsibility="主要", fled=True) == second
    assert law.tier_for("交通肇事", serious_injuries=1, responsibility="主要", fled=True) == first  # 第三条
    assert law.tier_for("交通肇事", fled_causing_death=True) == third
    sources = {th.citation.source for th in first.thresholds}
    assert sources == {"司法解释/最高人民法院关于审理交通肇事刑事案件具体应用法律若干问题的解释(2000-11-15).md"}


def test_intentional_injury_by_injury_grade(law: PenaltyLaw) -> None:
    assert law.tier_for("故意伤害", minor_injuries=1).level == 1
    assert law.tier_for("故意伤害", serious_injuries=1).level == 2
    assert law.tier_for("故意伤害", deaths=1).penalty.death


def test_drug_quantities(law: PenaltyLaw) -> None:
    charge = "走私、贩卖、运输、制造毒品"
    assert law.tier_for(charge, drug="海洛因", drug_grams=5).level == 1
    assert law.tier_for(charge, drug="甲基苯丙胺", drug_grams=10).penalty.fixed_term == MonthRange(84, 180)
    top = law.tier_for(charge, drug="海洛因", drug_grams=50)
    assert top.penalty.death and top.penalty.fixed_term == MonthRange(180, 180)  # 十五年有期徒刑
    assert law.tier_for(charge, drug="氯胺酮", drug_grams=499).penalty.fixed_term == MonthRange(84, 180)
    assert law.tier_for(charge, drug="氯胺酮", drug_grams=500) == top
    assert law.tier_for("非法持有毒品", drug="海洛因", drug_grams=9) is None  # below 数量较大: not this offence
    assert law.tier_for("非法持有毒品", drug="海洛因", drug_grams=10).level == 1


@pytest.mark.parametrize(
    ("charge", "amount", "months"),
    [("贪污", 30_000, (6, 36)), ("受贿", 200_000, (36, 120)), ("受贿", 3_000_000, (120, 180)), ("诈骗", 3000, (6, 36)),
     ("诈骗", 500_000, (120, 180)), ("行贿", 1_000_000, (36, 120)), ("职务侵占", 60_000, (6, 36)),
     ("集资诈骗", 1_000_000, (84, 180)), ("非法吸收公众存款", 1_000_000, (6, 36))],
)  # fmt: skip
def test_amount_thresholds(law: PenaltyLaw, charge: str, amount: int, months: tuple[int, int]) -> None:
    tier = law.tier_for(charge, amount_yuan=amount)
    assert tier is not None and tier.penalty.fixed_term == MonthRange(*months)


def test_bribery_takes_its_penalty_from_article_383(law: PenaltyLaw) -> None:
    for t in law.tiers("受贿"):
        assert t.article == "刑法第三百八十六条"
        assert t.penalty_from is not None and t.penalty_from.article == "刑法第三百八十三条第一款"


def test_variant_paragraphs_get_their_own_ladder(law: PenaltyLaw) -> None:
    tiers = law.tiers("滥用职权")
    assert [t.ladder for t in tiers] == [1, 1, 2, 2]  # 第二款 徇私舞弊 has its own scale
    assert law.reduced_bounds("滥用职权", 4).fixed_term == MonthRange(6, 60)
    assert law.reduced_bounds("盗窃", 3).fixed_term == MonthRange(36, 120)  # 刑法第六十三条: the next lower tier
    below = law.reduced_bounds("抢劫", 1)  # lowest tier 三年以上: below its minimum
    assert below.fixed_term == MonthRange(6, 36) and below.detention


def test_general_provisions(law: PenaltyLaw) -> None:
    g = law.general
    assert (g["拘役"].figures["min_months"], g["拘役"].figures["max_months"]) == (1, 6) == DETENTION_MONTHS
    assert (g["管制"].figures["min_months"], g["管制"].figures["max_months"]) == (3, 24)
    assert (g["有期徒刑"].figures["min_months"], g["有期徒刑"].figures["max_months"]) == (6, 180)
    assert g["缓刑"].figures["有期徒刑_上限"] == 36 and g["缓刑"].citation.article == "刑法第七十二条第一款"
    assert g["数罪并罚_不同刑种"].citation.source == "刑法/刑法修正案（九）.md"
    assert {"免予刑事处罚", "减轻处罚", "缓刑_不适用", "缓刑考验期限"} <= set(g)


@pytest.mark.parametrize(
    ("terms", "expected"),
    [([36, 24], (36, 60)), ([120, 120], (120, 240)), ([180, 120, 100], (180, 240)),
     ([180, 180, 100], (180, 300)), ([180, 180, 60], (180, 300))],
)  # fmt: skip
def test_combined_fixed_terms(terms: list[int], expected: tuple[int, int]) -> None:
    """刑法第六十九条: at least the longest, at most the total, capped at 20 years (total under 35) or 25."""
    assert combined_term(terms) == expected


def test_combined_detention_surveillance_and_mixed_kinds() -> None:
    assert combined_term([6, 5, 4], "拘役") == (6, 12)
    assert combined_term([24, 24], "管制") == (24, 36)
    mixed = combined_sentence(fixed_term=[24], detention=[6], surveillance=[12])
    assert mixed.fixed_term == (24, 24) and mixed.detention is None  # 有期徒刑 absorbs 拘役
    assert mixed.surveillance == (12, 12)  # 管制 is still executed afterwards
    assert combined_sentence(detention=[3, 4]).detention == (4, 7)
    with pytest.raises(InputError):
        combined_term([])
    with pytest.raises(InputError):
        combined_term([12], "死刑")


def test_unknown_names_fail_clearly(law: PenaltyLaw) -> None:
    with pytest.raises(KeyError) as excinfo:
        law.tiers("盗切")
    assert isinstance(excinfo.value, UnknownChargeError)
    assert "盗切" in str(excinfo.value) and "盗窃" in str(excinfo.value)
    with pytest.raises(UnknownFactError, match="weight_kg"):
        law.tier_for("盗窃", weight_kg=3)
    assert law.tiers("盗窃罪") == law.tiers("盗窃")


def test_retired_names_and_spelling_variants_resolve(law: PenaltyLaw) -> None:
    assert law.charge("投毒").replaced_by == "投放危险物质"
    assert law.tiers("投毒") == law.tiers("投放危险物质")
    variant = law.charge("隐匿、故意销毁会计凭证、会计帐簿、财务会计报告")
    assert variant.name == "隐匿、故意销毁会计凭证、会计账簿、财务会计报告"


def test_sources_cite_statute_and_interpretation(law: PenaltyLaw) -> None:
    cites = law.source("诈骗")
    assert cites[0].article == "刑法第二百六十六条"
    assert any(c.source.endswith("诈骗刑事案件具体应用法律若干问题的解释(2011-03-01).md") for c in cites)
