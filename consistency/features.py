"""Outcome drivers extracted from a judgment: the quantities sentencing rules condition on.

The corpus layer gives charges, statutes, circumstances and money amounts; sentencing also turns on drug
quantities (毒品数量), injury grades (伤情等级), blood alcohol (血液酒精含量), how many animals or plants and how much
timber a wildlife or forestry crime took (只/株, 立方米), how often the act was repeated and
the statutory severity bands the court names (数额巨大, 情节严重 …). Each is extracted here from the court's own
text, with negated mentions (未构成轻微伤) skipped, into one flat, numeric :class:`Drivers` record.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field

from corpus.model import Judgment
from corpus.numerals import cn_to_number

__all__ = ["INJURY_GRADES", "SEVERITY_BANDS", "Drivers", "driver_text", "extract_drivers"]

_NUM = r"[0-9０-９]+(?:[.．][0-9０-９]+)?|[零〇一二两三四五六七八九十百千万]+"
_DRUGS = r"海洛因|甲基苯丙胺|冰毒|麻古|麻果|氯胺酮|K粉|大麻|可卡因|吗啡|鸦片|摇头丸|MDMA|毒品|片剂"
# A weight within a short window after a drug name, or a drug net weight stated as 净重: the window keeps
# 500克 of tea or gold out of the drug total.
_DRUG_WEIGHT_RE = re.compile(
    rf"(?:{_DRUGS})[^。；]{{0,24}}?({_NUM})\s*(千克|公斤|克|g)(?![a-z])|净重\s*({_NUM})\s*(千克|公斤|克)"
)
_ALCOHOL_RE = re.compile(rf"({_NUM})\s*(?:mg|毫克)\s*/\s*100\s*(?:ml|毫升|mL|ML)")
_TIMES_RE = re.compile(rf"(?:先后|共计?|累计|连续)?({_NUM})\s*次")
# Wildlife and plant crimes are tiered by how many animals or plants (只/头/株) and how much timber (立方米)
_HEADS_RE = re.compile(rf"({_NUM})\s*(?:只|头|株|棵|羽)")
_VOLUME_RE = re.compile(rf"({_NUM})\s*(?:立方米|立方|m³)")
_NEGATED_RE = re.compile(r"(?:未|不|尚未|没有)(?:构成|达到|达)[^，。；]{0,3}$")

#: Injury grade → ordinal severity (0 = none). 轻伤/重伤 without a sub-grade counts as the milder sub-grade.
INJURY_GRADES: dict[str, int] = {
    "轻微伤": 1,
    "轻伤二级": 2,
    "轻伤": 2,
    "轻伤一级": 3,
    "重伤二级": 4,
    "重伤": 4,
    "重伤一级": 5,
    "死亡": 6,
}
_INJURY_RE = re.compile(
    r"轻微伤|轻伤[一二]级|轻伤|重伤[一二]级|重伤|(?:致|造成)[^，。；]{0,8}死亡|抢救无效死亡|当场死亡"
)

#: Statutory severity bands the court names in its findings and reasoning.
SEVERITY_BANDS: dict[str, str] = {
    "数额较大": r"数额较大",
    "数额巨大": r"数额巨大",
    "数额特别巨大": r"数额特别巨大",
    "情节严重": r"情节严重",
    "情节特别严重": r"情节特别严重|情节特别恶劣",
    "情节恶劣": r"情节恶劣",
    "多次": r"多次",
    "入户": r"入户",
    "持械": r"持刀|持械|凶器|砍刀|匕首|枪支",
    "逃逸": r"逃逸",
    "致人死亡": r"致人死亡|致[^，。；]{0,6}死亡",
    "致人重伤": r"致人重伤",
    "未成年被害人": r"幼女|儿童|未成年被害人|不满十四周岁",
    "共同犯罪": r"共同犯罪|伙同|结伙",
}
_BANDS = [(name, re.compile(p)) for name, p in SEVERITY_BANDS.items()]


@dataclass
class Drivers:
    """Numeric outcome drivers of one case; zero means "not stated"."""

    amount_max: float = 0.0  # yuan
    amount_total: float = 0.0
    amounts: int = 0
    drug_grams: float = 0.0
    drug_mentions: int = 0
    alcohol_mg: float = 0.0  # mg/100ml, the highest stated
    injury: int = 0  # worst grade, see INJURY_GRADES
    injuries: int = 0  # how many injury findings
    times: int = 0  # largest 共N次 / 先后N次
    heads: float = 0.0  # the largest number of animals or plants stated (只/头/株/棵/羽)
    volume_m3: float = 0.0  # the largest volume of timber stated (立方米)
    charges: int = 0
    text_chars: int = 0
    bands: dict[str, int] = field(default_factory=dict)

    def vector(self) -> dict[str, float]:
        """The drivers as model features (money and quantities on a log scale)."""
        out = {k: float(v) for k, v in asdict(self).items() if k != "bands"}
        for key in ("amount_max", "amount_total", "drug_grams", "alcohol_mg", "text_chars", "heads", "volume_m3"):
            out[key] = math.log1p(out[key])
        for name in SEVERITY_BANDS:
            out[f"band:{name}"] = float(self.bands.get(name, 0))
        return out


def driver_text(doc: Judgment) -> str:
    """The facts as found: all a pending case (or a CAIL2018 fact paragraph) offers.

    The reasoning restates the court's findings in sentencing terms (数额巨大, 自首 …) and the result states the
    sentence itself; drivers read from them would exist when training on judgments but not when auditing facts.
    """
    return doc.facts


def _number(raw: str) -> float | None:
    value = cn_to_number(raw.replace("．", "."))
    return float(value) if value is not None else None


def _drug_grams(text: str) -> tuple[float, int]:
    seen: dict[float, None] = {}
    for m in _DRUG_WEIGHT_RE.finditer(text):
        raw, unit = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        value = _number(raw)
        if value is None:
            continue
        if unit in ("千克", "公斤"):
            value *= 1000
        seen.setdefault(value, None)  # the same weight restated (总计 … 净重) counts once
    return sum(seen), len(seen)


def _injuries(text: str) -> tuple[int, int]:
    worst, count = 0, 0
    for m in _INJURY_RE.finditer(text):
        if _NEGATED_RE.search(text[max(0, m.start() - 8) : m.start()]):
            continue
        word = m.group(0)
        grade = INJURY_GRADES.get(word, INJURY_GRADES["死亡"] if word.endswith("死亡") else 0)
        worst, count = max(worst, grade), count + 1
    return worst, count


def extract_drivers(doc: Judgment, text: str | None = None) -> Drivers:
    """The drivers of ``doc`` from ``text`` (default: :func:`driver_text`)."""
    text = driver_text(doc) if text is None else text
    amounts = [a for a in doc.amounts if a > 0]
    grams, mentions = _drug_grams(text)
    alcohol = [v for m in _ALCOHOL_RE.finditer(text) if (v := _number(m.group(1))) is not None and v < 1000]
    times = [v for m in _TIMES_RE.finditer(text) if (v := _number(m.group(1))) is not None and v < 1000]
    injury, injuries = _injuries(text)
    heads = [v for m in _HEADS_RE.finditer(text) if (v := _number(m.group(1))) is not None]
    volumes = [v for m in _VOLUME_RE.finditer(text) if (v := _number(m.group(1))) is not None]
    return Drivers(
        amount_max=max(amounts, default=0.0),
        amount_total=sum(amounts),
        amounts=len(amounts),
        drug_grams=grams,
        drug_mentions=mentions,
        alcohol_mg=max(alcohol, default=0.0),
        injury=injury,
        injuries=injuries,
        times=int(max(times, default=0)),
        heads=max(heads, default=0.0),
        volume_m3=max(volumes, default=0.0),
        charges=len(doc.charges),
        text_chars=len(text),
        bands={name: 1 for name, rx in _BANDS if rx.search(text)},
    )
