"""The law's distinctions between neighbouring charges: the data is the law's text, and the cues read facts right."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from corpus.charges import charge_names
from retrieval.charge_rules import ChargeRules, strip_charge_names


def _plain(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def statutes(data_dir: Path) -> dict[str, str]:
    """The Criminal Law and every judicial interpretation, white space removed, by file stem."""
    root = data_dir / "statutes"
    files = [*root.glob("刑法/*.md"), *root.glob("司法解释/*.md")]
    return {p.stem: _plain(p.read_text(encoding="utf-8")) for p in files}


def test_every_rule_quotes_the_law_it_encodes(statutes: dict[str, str]) -> None:
    rules = ChargeRules.load()
    assert len(rules.rules) >= 30 and rules.version
    for rule in rules.rules:
        assert any(_plain(rule.quote) in text for text in statutes.values()), f"{rule.id}: quote not in the law"
        assert rule.source.startswith("刑法第") and rule.reason


def test_rules_name_charges_leian_knows() -> None:
    names = charge_names()
    for rule in ChargeRules.load().rules:
        assert rule.charge in names and set(rule.over) <= names, rule.id
        assert (rule.kind == "prefers") == bool(rule.over), rule.id


@pytest.mark.parametrize(
    ("facts", "fires", "silent"),
    [
        (
            "被告人饮酒后驾驶小型轿车，与电动车相撞，致电动车驾驶人重伤，经认定负事故全部责任。",
            ["traffic-accident-over-dangerous-driving"],
            ["dangerous-driving-acts", "traffic-accident-result"],
        ),
        (  # an accident with only a minor injury is no 交通肇事: the precedence rule stays silent
            "被告人醉酒驾驶机动车，与前车追尾，致对方轻微伤，负事故全部责任。",
            ["traffic-accident-result"],
            ["traffic-accident-over-dangerous-driving"],
        ),
        (
            "被告人携带管制刀具，趁被害人不备夺走其手提包后逃离。",
            ["armed-snatching-is-robbery"],
            ["snatching-act"],
        ),
        (
            "被告人在超市盗窃商品后被保安发现，为抗拒抓捕持刀划伤保安。",
            ["theft-turned-robbery"],
            ["theft-act"],
        ),
        (  # drugs found on someone, with no act of selling, carrying or making them: 持有, not 贩卖
            "民警在被告人租住的房间内查获甲基苯丙胺十二克，系其本人吸食所剩。",
            ["drug-trafficking-acts"],
            ["drug-possession-act"],
        ),
        (
            "被告人为索要赌债，将被害人关在出租屋内两天，限制其人身自由。",
            ["detention-for-debt"],
            ["detention-act"],
        ),
        (
            "被告人与某公司签订购销合同后，收取货款即逃匿，骗取对方货款三十万元。",
            ["contract-fraud-context"],
            ["contract-fraud-requires-contract"],
        ),
    ],
)
def test_cues_read_written_facts(facts: str, fires: list[str], silent: list[str]) -> None:
    rules = ChargeRules.load()
    fired = {rules.rules[n].id for n in rules.fired(facts)}
    assert set(fires) <= fired
    assert not set(silent) & fired


def test_charge_names_are_removed_but_other_words_with_zui_stay() -> None:
    text = "被告人曾因犯盗窃罪被判刑，又涉嫌贩卖毒品罪，明知是犯罪所得而收购，构成掩饰、隐瞒犯罪所得、犯罪所得收益罪。"
    assert strip_charge_names(text) == "被告人曾因犯被判刑，又涉嫌，明知是犯罪所得而收购，构成。"
