"""The records every part of Leian exchanges: a raw record as read, and a parsed judgment."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["AUTHORITY_KINDS", "Judgment", "Outcome", "RawRecord", "Statute"]

#: Where a document sits in the search order of 法发〔2020〕24号 art 4 ("judgment" = an ordinary decision).
AUTHORITY_KINDS = ("spc_guiding", "spc_gazette", "spp_guiding", "judgment")


@dataclass(frozen=True)
class RawRecord:
    """One record as a reader found it, before parsing.

    ``text`` is the full judgment when the source has one; ``fields`` keeps the source's own structured
    fields (LeCaRD ``ajjbqk``/``cpfxgc``/``pjjg``, CAIL2018 ``meta``, interchange ``charges`` …) so the
    parser can prefer them over re-parsing the text. ``source`` is ``path:line`` (or ``path``) for provenance.
    """

    id: str
    text: str
    source: str
    format: str
    fields: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Statute:
    """A cited provision: law name, article and (optionally) paragraph, e.g. (中华人民共和国刑法, 264, None)."""

    law: str
    article: int
    paragraph: int | None = None


@dataclass
class Outcome:
    """The sentence of one defendant (criminal) in comparable units.

    ``imprisonment_months`` holds fixed-term imprisonment, 拘役 or 管制 in months (``penalty`` says which);
    life and death are flags rather than sentinel months.
    """

    defendant: str | None = None
    penalty: str | None = None  # 有期徒刑 / 拘役 / 管制 / 无期徒刑 / 死刑 / 免予刑事处罚 / 单处罚金
    imprisonment_months: int | None = None
    life: bool = False
    death: bool = False
    probation_months: int | None = None
    fine_yuan: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Judgment:
    """A parsed, enriched judgment (or authoritative case) as stored and indexed."""

    id: str
    text: str
    source: str = ""
    title: str = ""
    doc_type: str = ""  # 刑事判决书 / 民事判决书 / 刑事裁定书 / 指导性案例 …
    domain: str = ""  # criminal / civil / administrative / ""
    authority: str = "judgment"  # one of AUTHORITY_KINDS
    court: str = ""
    court_level: str = ""  # 基层 / 中级 / 高级 / 最高
    province: str = ""
    case_number: str = ""  # 案号
    date: str = ""  # ISO yyyy-mm-dd of the decision, "" when unknown
    trial_level: str = ""  # 一审 / 二审 / 再审 / 审判监督 …
    procedure: str = ""  # 简易程序 / 普通程序 / 速裁程序 …
    sections: dict[str, str] = field(default_factory=dict)  # parties, claims, facts, reasoning, result, judges
    charges: list[str] = field(default_factory=list)  # 罪名 (without 罪) or 案由
    statutes: list[Statute] = field(default_factory=list)
    circumstances: list[str] = field(default_factory=list)
    amounts: list[float] = field(default_factory=list)  # yuan
    outcomes: list[Outcome] = field(default_factory=list)
    holding: str = ""  # 裁判要点 of an authoritative case, or the core of 本院认为
    effective: bool = True  # 生效: first-instance judgments in the corpus are taken as effective unless known otherwise
    #: Names of parties, victims and witnesses, found when the judgment was indexed so that masking a search result
    #: does not read the whole text again; None for free text and for judgments stored before they were recorded.
    persons: list[str] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def articles(self) -> list[int]:
        """Criminal Law article numbers cited, sorted and unique."""
        return sorted({s.article for s in self.statutes if s.law == "中华人民共和国刑法"})

    @property
    def facts(self) -> str:
        """The facts as found, falling back to the full text when no section was recognised."""
        return self.sections.get("facts") or self.text

    @property
    def outcome(self) -> Outcome | None:
        """The outcome of the first defendant, the one the case is usually named after."""
        return self.outcomes[0] if self.outcomes else None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["articles"] = self.articles
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Judgment:
        data = dict(data)
        data.pop("articles", None)
        data["statutes"] = [Statute(**s) for s in data.get("statutes", [])]
        data["outcomes"] = [Outcome(**o) for o in data.get("outcomes", [])]
        return cls(**data)
