"""The design matrix: one row of legal elements per case, in a fixed column order learnt from the training cases.

Columns: the primary charge (categorical), how the charge's cases and the cited specific provisions' cases were
sentenced (median, spread, count), the statutory penalty range of the cited provisions, the term and the chance of
no term the facts' wording predicts (:mod:`consistency.fact_text`, out-of-fold on the training cases), the drivers of
:mod:`consistency.features`, one column per sentencing circumstance, the statutory articles most cited, court level
and province (categorical: courts and regions explain much of the variation).
"""

from __future__ import annotations

import bisect
import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from consistency.fact_text import FACT_CHARS, TEXT_FEATURES, FactTextModel, TextStack
from consistency.features import Drivers, driver_text, extract_drivers
from consistency.legal_frame import LegalFrame, guideline_calculation, legal_frame
from consistency.statutory import PENALTY_FEATURES, Penalty, statutory_features
from consistency.targets import canonical_charge, primary_charge
from corpus.circumstances import CIRCUMSTANCES, extract_circumstances
from corpus.model import Judgment

__all__ = [
    "FRAME_FEATURES",
    "GUIDELINE_FEATURES",
    "CaseElements",
    "DesignSpace",
    "case_elements",
    "code_section",
    "frame_features",
    "guideline_features",
]

#: HistGradientBoosting takes at most 255 categories per feature; the rest share the last code.
_MAX_CATEGORIES = 254
_TOP_ARTICLES = 60
_LEVELS = ("基层", "中级", "高级", "最高")
_MIN_ARTICLE_CASES = 5
_FIXED = 12  # categorical codes, then the charge's, the cited provisions' and their Code section's statistics
#: The first article of each chapter (章) and, in chapters 3 and 6, each section (节) of the Criminal Law's specific
#: part: a charge the corpus barely knows is sentenced like its neighbours in the Code (渎职 like 渎职).
_CODE_SECTIONS = (102, 114, 140, 151, 158, 170, 192, 201, 213, 221, 232, 263, 277, 305, 318, 324, 330, 338, 347,
                  358, 363, 368, 382, 397, 420, 452)  # fmt: skip


@dataclass
class CaseElements:
    """The elements of one case the model reads (cheap to keep for a whole corpus)."""

    id: str
    charge: str
    charges: list[str]
    articles: list[int]
    circumstances: list[str]
    court: str
    court_level: str
    province: str
    drivers: Drivers = field(default_factory=Drivers)
    #: Per charge, the tier the facts select and the lawful range (None for a charge the penalty data lacks).
    frames: dict[str, LegalFrame | None] = field(default_factory=dict)
    facts: str = ""  # the beginning of the facts (:data:`consistency.fact_text.FACT_CHARS`), for the text features

    @property
    def frame(self) -> LegalFrame | None:
        """The frame of the primary charge."""
        return self.frames.get(self.charge)


def frame_of(charge: str, drivers: Drivers, circumstances: Sequence[str], facts: str) -> LegalFrame | None:
    """The statutory frame of a case, or ``None`` for a charge the penalty data does not know."""
    return legal_frame(charge, drivers, circumstances, facts) if charge else None


def case_elements(doc: Judgment, text: str | None = None) -> CaseElements:
    """The elements of ``doc``; ``text`` overrides the facts the drivers and circumstances are read from."""
    facts = driver_text(doc) if text is None else text
    charge, circumstances, drivers = primary_charge(doc), extract_circumstances(facts), extract_drivers(doc, facts)
    charges = [canonical_charge(c) for c in doc.charges]
    return CaseElements(
        id=doc.id,
        charge=charge,
        charges=charges,
        articles=doc.articles,
        circumstances=circumstances,
        court=doc.court,
        court_level=doc.court_level,
        province=doc.province,
        drivers=drivers,
        frames={c: frame_of(c, drivers, circumstances, facts) for c in dict.fromkeys([charge, *charges])},
        facts=facts[:FACT_CHARS],
    )


@dataclass
class DesignSpace:
    """Column layout and per-charge statistics learnt from the training cases."""

    charges: list[str] = field(default_factory=list)
    provinces: list[str] = field(default_factory=list)
    articles: list[int] = field(default_factory=list)
    penalties: dict[int, Penalty] = field(default_factory=dict)
    charge_stats: dict[str, tuple[float, float, float]] = field(default_factory=dict)  # median, IQR, log count
    article_stats: dict[int, tuple[float, float, float]] = field(default_factory=dict)
    section_stats: dict[int, tuple[float, float, float]] = field(default_factory=dict)
    prior: tuple[float, float, float] = (0.0, 0.0, 0.0)
    columns: list[str] = field(default_factory=list)
    text: FactTextModel | None = None

    def fit_transform(
        self, cases: Sequence[CaseElements], log_months: np.ndarray, no_term: np.ndarray
    ) -> tuple[np.ndarray, TextStack]:
        """Learn the layout, the statistics and the text model; the training cases' design matrix, whose text
        features are out-of-fold, and the stack that refits them on subsets (``log_months`` = log1p of the term,
        NaN for life or death; ``no_term``: no prison term at all)."""
        self.fit(cases, np.where(no_term, np.nan, log_months))
        stack = TextStack([c.facts for c in cases], log_months, no_term)
        self.text = None  # the training rows take out-of-fold text features, not the full fit's
        x = self.transform(cases)
        x[:, self.text_columns] = stack.out_of_fold(np.arange(len(cases)))
        self.text = stack.model()
        return x, stack

    @property
    def text_columns(self) -> slice:
        """Where the :data:`~consistency.fact_text.TEXT_FEATURES` are in a row."""
        start = self.columns.index(TEXT_FEATURES[0])
        return slice(start, start + len(TEXT_FEATURES))

    def fit(self, cases: Sequence[CaseElements], log_months: np.ndarray) -> DesignSpace:
        """Learn the categories and the per-charge sentencing statistics (``log_months`` = log1p of terms)."""
        counts = Counter(c.charge for c in cases)
        self.charges = [c for c, _ in counts.most_common(_MAX_CATEGORIES)]
        self.provinces = [p for p, _ in Counter(c.province for c in cases if c.province).most_common(_MAX_CATEGORIES)]
        articles = Counter(a for c in cases for a in c.articles)
        self.articles = sorted(a for a, _ in articles.most_common(_TOP_ARTICLES))
        by_charge: dict[str, list[float]] = defaultdict(list)
        for c, y in zip(cases, log_months, strict=True):
            if np.isfinite(y):
                by_charge[c.charge].append(float(y))
        self.charge_stats = {c: _stats(v) for c, v in by_charge.items()}
        by_article: dict[int, list[float]] = defaultdict(list)
        for c, y in zip(cases, log_months, strict=True):
            for a in c.articles:
                if a in self.penalties and np.isfinite(y):
                    by_article[a].append(float(y))
        self.article_stats = {a: _stats(v) for a, v in by_article.items() if len(v) >= _MIN_ARTICLE_CASES}
        by_section: dict[int, list[float]] = defaultdict(list)
        for c, y in zip(cases, log_months, strict=True):
            if np.isfinite(y) and (section := code_section(c.articles)) is not None:
                by_section[section].append(float(y))
        self.section_stats = {s: _stats(v) for s, v in by_section.items() if len(v) >= _MIN_ARTICLE_CASES}
        self.prior = _stats([float(y) for y in log_months if np.isfinite(y)])
        self.columns = self._columns()
        return self

    def _columns(self) -> list[str]:
        drivers = list(Drivers().vector())
        return (
            ["charge", "court_level", "province", "charge_median", "charge_iqr", "charge_log_count"]
            + ["article_median", "article_iqr", "article_log_count"]
            + ["section_median", "section_iqr", "section_log_count"]
            + list(PENALTY_FEATURES)
            + list(FRAME_FEATURES)
            + list(GUIDELINE_FEATURES)
            + list(TEXT_FEATURES)
            + drivers
            + [f"circ:{c}" for c in CIRCUMSTANCES]
            + [f"art:{a}" for a in self.articles]
        )

    @property
    def categorical(self) -> list[bool]:
        """Which columns are categorical (for HistGradientBoosting's ``categorical_features``)."""
        return [i < 3 for i in range(len(self.columns))]

    def transform(self, cases: Sequence[CaseElements]) -> np.ndarray:
        """The design matrix of ``cases`` (float32, one row per case)."""
        charge_code = {c: i for i, c in enumerate(self.charges)}
        province_code = {p: i for i, p in enumerate(self.provinces)}
        article_col = {a: i for i, a in enumerate(self.articles)}
        circ_col = {c: i for i, c in enumerate(CIRCUMSTANCES)}
        rows = np.zeros((len(cases), len(self.columns)), dtype=np.float32)
        n_drivers = len(Drivers().vector())
        frame0 = _FIXED + len(PENALTY_FEATURES)
        guide0 = frame0 + len(FRAME_FEATURES)
        text0 = guide0 + len(GUIDELINE_FEATURES)
        driver0 = text0 + len(TEXT_FEATURES)
        circ0 = driver0 + n_drivers
        art0 = circ0 + len(CIRCUMSTANCES)
        for r, c in enumerate(cases):
            row = rows[r]
            row[0] = charge_code.get(c.charge, _MAX_CATEGORIES)
            row[1] = _LEVELS.index(c.court_level) if c.court_level in _LEVELS else len(_LEVELS)
            row[2] = province_code.get(c.province, _MAX_CATEGORIES)
            row[3:6] = self.charge_stats.get(c.charge, self.prior)
            specific = [self.article_stats[a] for a in c.articles if a in self.article_stats]
            # the most specific provision is the one with the fewest cases (a charge article, not a shared one)
            row[6:9] = min(specific, key=lambda s: s[2]) if specific else self.prior
            row[9:12] = self.section_stats.get(code_section(c.articles), self.prior)  # type: ignore[arg-type]
            row[_FIXED:frame0] = statutory_features(c.articles, self.penalties)
            row[frame0:guide0] = frame_features(c.frame)
            row[guide0:text0] = guideline_features(c)
            row[driver0:circ0] = list(c.drivers.vector().values())
            for name in c.circumstances:
                if name in circ_col:
                    row[circ0 + circ_col[name]] = 1.0
            for a in c.articles:
                if a in article_col:
                    row[art0 + article_col[a]] = 1.0
        if self.text is not None and len(cases):
            rows[:, text0:driver0] = self.text.features([c.facts for c in cases])
        return rows


#: The statutory frame as features: the lawful range (log months), whether life, death, 拘役 or a non-custodial
#: sentence is lawful, whether a mitigating circumstance opens the range below the tier, and the tier's level.
FRAME_FEATURES = ("frame_known", "frame_lower", "frame_upper", "frame_life", "frame_death", "frame_detention",
                  "frame_non_custodial", "frame_reduced", "frame_level")  # fmt: skip


def frame_features(frame: LegalFrame | None) -> list[float]:
    """The :data:`FRAME_FEATURES` of a case (zeros when the charge is unknown to the penalty data)."""
    if frame is None:
        return [0.0] * len(FRAME_FEATURES)
    return [1.0, math.log1p(frame.lower), math.log1p(frame.upper), float(frame.life), float(frame.death),
            float(frame.detention), float(frame.non_custodial), float(frame.reduced),
            float(frame.tier.level if frame.tier else 0)]  # fmt: skip


#: The sentencing guideline's reading of the case (法发〔2021〕21号): the starting point of its tier, the factor its
#: circumstances apply, and the 宣告刑 they give from the starting point (log months).
GUIDELINE_FEATURES = ("guideline_known", "guideline_start", "guideline_factor", "guideline_declared")


def guideline_features(case: CaseElements) -> list[float]:
    """The :data:`GUIDELINE_FEATURES` of a case (zeros for a crime the guideline leaves out)."""
    calculation = guideline_calculation(case.frame, case.circumstances)
    if calculation is None:
        return [0.0] * len(GUIDELINE_FEATURES)
    return [1.0, math.log1p(calculation.starting_point.point), math.log(max(calculation.factor, 0.01)),
            math.log1p(calculation.declared_months)]  # fmt: skip


def code_section(articles: Sequence[int]) -> int | None:
    """The Code section (its first article) of the first specific provision in ``articles``; None when none."""
    specific = [a for a in articles if _CODE_SECTIONS[0] <= a < _CODE_SECTIONS[-1]]
    if not specific:
        return None
    return _CODE_SECTIONS[bisect.bisect_right(_CODE_SECTIONS, specific[0]) - 1]


def _stats(values: list[float]) -> tuple[float, float, float]:
    if not values:
        return (0.0, 0.0, 0.0)
    q1, med, q3 = np.percentile(values, [25, 50, 75])
    return (float(med), float(q3 - q1), float(np.log1p(len(values))))
