"""Per-case comparison on the three dimensions of 法发〔2020〕24号 art 1, and Leian's proposal to accept or exclude.

Built on the search explanation (:mod:`retrieval.explain`): basic facts (shared rare words, sentencing
circumstances, amounts), dispute focus (the pending case's points against the case's 本院认为) and legal
application (charges or cause, cited articles). Differences that decide a case's outcome — a circumstance only one
side has that the sentencing guidelines weigh heavily, a different charge, an amount in another bracket — are
listed as decisive. The proposal is only a proposal: the judge's decision (art 6) replaces it, with the reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from corpus.lending import LendingElements, element_agreements, extract_lending
from corpus.model import Judgment
from corpus.parse import core_holding
from corpus.pseudonymise import person_names, pseudonymise
from indexing.tokenizer import Tokenizer
from reports.authority import kind_of
from reports.model import Decision
from retrieval.searcher import SearchHit

__all__ = [
    "PendingView",
    "category_of",
    "compare_case",
    "describe_outcome",
    "display_names",
    "holding_of",
    "pending_lending",
    "propose",
]

#: Circumstances whose presence on one side only can change the sentence bracket (量刑指导意见: 应当/可以 减轻 or 从重).
_DECISIVE_CIRCUMSTANCES = (
    "自首", "立功", "累犯", "毒品再犯", "未遂", "中止", "预备", "从犯", "胁从犯", "未成年", "老年人",
    "限制刑事责任能力", "正当防卫", "防卫过当", "紧急避险", "认罪认罚",
)  # fmt: skip
#: Amounts further apart than this factor usually fall in different statutory brackets (较大/巨大/特别巨大).
_AMOUNT_FACTOR = 3.0
#: Basic facts count as similar with this many shared rare words (or a shared circumstance and half as many).
_MIN_SHARED_TERMS = 4
_FOCUS_MATCH = 0.3


@dataclass(frozen=True)
class PendingView:
    """What the comparison needs of the pending case."""

    judgment: Judgment
    charges: tuple[str, ...]
    dispute_focus: tuple[str, ...]
    tokenizer: Tokenizer


def display_names(doc: Judgment) -> list[str]:
    """The person names of ``doc`` to mask in everything the report shows of it."""
    return person_names(doc)


def holding_of(doc: Judgment, names: Sequence[str]) -> tuple[str, str]:
    """The holding shown for ``doc`` and where it comes from (裁判要点 of authoritative cases, else 本院认为)."""
    if doc.authority != "judgment" and doc.holding:
        return pseudonymise(doc.holding, list(names)), "权威案例发布的裁判要点（要旨）"
    reasoning = doc.sections.get("reasoning", "")
    holding = doc.holding or (core_holding(reasoning) if reasoning else "")
    if holding:
        return pseudonymise(holding, list(names)), "本院认为（核心段落摘录）"
    return "", "未执行：该文书未载明“本院认为”部分（仅有事实段落），无法提取裁判要点"


def describe_outcome(outcome: dict[str, Any]) -> str:
    """A sentence in words (有期徒刑36个月，缓刑48个月，罚金5000元); "" when none is known."""
    if not outcome or not outcome.get("penalty"):
        return ""
    parts = [str(outcome["penalty"])]
    if outcome.get("imprisonment_months") is not None and not outcome.get("life") and not outcome.get("death"):
        parts[0] += f"{outcome['imprisonment_months']}个月"
    if outcome.get("probation_months"):
        parts.append(f"缓刑{outcome['probation_months']}个月")
    if outcome.get("fine_yuan"):
        parts.append(f"罚金{outcome['fine_yuan']:.0f}元")
    return "，".join(parts)


def pending_lending(judgment: Judgment) -> LendingElements | None:
    """The loan elements of a pending private-lending case (None for a criminal case or no loan)."""
    return extract_lending(judgment.facts) if judgment.domain != "criminal" else None


def _lending_differences(pending: Judgment, doc: Judgment) -> list[str]:
    """Differences in the loan elements that decide a private-lending case: whether interest was agreed, and
    whether the agreed rate exceeds the legal cap."""
    mine, stored = pending_lending(pending), doc.extra.get("lending")
    if mine is None or not stored:
        return []
    agreement = element_agreements(mine, LendingElements.from_dict(stored))
    out = []
    if agreement["interest"] == 0:
        out.append("借贷双方是否约定利息不同")
    if agreement["cap"] == 0:
        out.append("约定利率是否超过法定上限不同，适用的利息保护规则不同")
    return out


def compare_case(pending: PendingView, hit: SearchHit, doc: Judgment, names: Sequence[str]) -> dict[str, Any]:
    """The three-dimension comparison of ``doc`` (a read hit) with the pending case."""
    mask = list(names)
    explanation = hit.explanation or {}
    facts = explanation.get("basic_facts", {})
    law = explanation.get("legal_application", {})
    q = pending.judgment
    only_pending = sorted(set(q.circumstances) - set(doc.circumstances))
    only_case = sorted(set(doc.circumstances) - set(q.circumstances))
    shared_circumstances = sorted(set(q.circumstances) & set(doc.circumstances))
    shared_terms = list(facts.get("shared_terms", []))
    similar_facts = len(shared_terms) >= _MIN_SHARED_TERMS or (
        shared_circumstances and len(shared_terms) >= _MIN_SHARED_TERMS // 2
    )
    decisive = [f"量刑情节“{c}”仅见于待决案件" for c in only_pending if c in _DECISIVE_CIRCUMSTANCES]
    decisive += [f"量刑情节“{c}”仅见于该案" for c in only_case if c in _DECISIVE_CIRCUMSTANCES]
    q_amount, d_amount = max(q.amounts, default=None), max(doc.amounts, default=None)
    if q_amount and d_amount and max(q_amount, d_amount) / min(q_amount, d_amount) >= _AMOUNT_FACTOR:
        decisive.append(f"涉案金额差距较大（待决案件{q_amount:.2f}元，该案{d_amount:.2f}元），可能分属不同量刑档次")
    lending = list(law.get("lending", []))
    decisive += _lending_differences(pending.judgment, doc)
    same_charges = sorted(set(pending.charges) & set(doc.charges))
    if pending.charges and doc.charges and not same_charges:
        decisive.append(f"罪名/案由不同（待决案件：{'、'.join(pending.charges)}；该案：{'、'.join(doc.charges)}）")
    return {
        "basic_facts": {
            "assessment": "相似" if similar_facts else "相似度不足",
            "shared_terms": shared_terms,
            "shared_circumstances": shared_circumstances,
            "circumstances_only_pending": only_pending,
            "circumstances_only_case": only_case,
            "amounts": {"pending": q_amount, "case": d_amount},
            "lending": lending,
            "passage": pseudonymise(facts.get("passage", ""), mask),
        },
        "dispute_focus": _focus(pending, doc, explanation, mask),
        "legal_application": {
            "assessment": _law_assessment(pending.charges, doc.charges, same_charges),
            "pending_charges": list(pending.charges),
            "case_charges": list(doc.charges),
            "same_charges": same_charges,
            "shared_articles": list(law.get("shared_articles", [])),
            "articles_only_pending": sorted(set(q.articles) - set(doc.articles)),
            "articles_only_case": sorted(set(doc.articles) - set(q.articles)),
        },
        "decisive_differences": decisive,
        "similarity": {"score": hit.score, "components": dict(sorted(hit.components.items()))},
    }


def _law_assessment(pending: Sequence[str], case: Sequence[str], same: Sequence[str]) -> str:
    if not pending:
        return "待决案件罪名/案由未确定，未比对"
    if not case:
        return "该案罪名/案由未能识别"
    return "相同" if same else "不同"


def _focus(pending: PendingView, doc: Judgment, explanation: dict[str, Any], mask: list[str]) -> dict[str, Any]:
    passage = pseudonymise(explanation.get("dispute_focus", {}).get("passage", ""), mask)
    if not pending.dispute_focus:
        return {"assessment": "未比对：待决案件争议焦点未确定", "matched_terms": [], "case_passage": passage}
    reasoning = doc.sections.get("reasoning", "")
    if not reasoning:
        return {"assessment": "未比对：该文书未载明“本院认为”部分", "matched_terms": [], "case_passage": passage}
    terms = sorted({t for f in pending.dispute_focus for t in pending.tokenizer.tokenize(f) if len(t) > 1})
    matched = [t for t in terms if t in reasoning]
    share = len(matched) / len(terms) if terms else 0.0
    assessment = "相同或相近" if share >= _FOCUS_MATCH else "部分相关" if matched else "该案未见对应论述"
    return {"assessment": assessment, "matched_terms": matched, "case_passage": passage}


def propose(comparison: dict[str, Any], doc: Judgment, withdrawn: bool = False) -> Decision:
    """Leian's proposal for a read case (accept as similar or exclude), with the reason in words."""
    if not doc.effective:
        return Decision(False, "该裁判尚未生效（法发〔2020〕24号第一条要求类案为已生效裁判）")
    if withdrawn:
        return Decision(False, "该指导性案例已被宣布不再参照（第九条例外情形）")
    law = comparison["legal_application"]
    facts = comparison["basic_facts"]
    if law["assessment"] == "不同":
        return Decision(False, f"法律适用不同：罪名/案由不同（该案：{'、'.join(law['case_charges'])}）")
    if facts["assessment"] != "相似":
        return Decision(False, f"基本事实共同要素不足（共有关键事实{len(facts['shared_terms'])}项）")
    reasons = [f"基本事实相似（共有关键事实：{'、'.join(facts['shared_terms'][:5])}）"]
    if law["same_charges"]:
        reasons.append(f"罪名/案由相同（{'、'.join(law['same_charges'])}）")
    if comparison["dispute_focus"]["assessment"] == "相同或相近":
        reasons.append("争议焦点相近")
    if comparison["decisive_differences"]:
        reasons.append("但存在需注意的差异：" + "；".join(comparison["decisive_differences"]))
    return Decision(True, "；".join(reasons))


def category_of(doc: Judgment) -> str:
    """Category shown in the case list: authority, trial level and document type."""
    label = kind_of(doc.authority).label
    extra = " ".join(x for x in (doc.trial_level, doc.doc_type) if x and x not in label)
    return label + (f"（{extra}）" if extra else "")
