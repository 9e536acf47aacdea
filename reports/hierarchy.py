"""Where a court sits in the hierarchy: its province, level, provincial high court and next-higher court.

Tiers 3 and 4 of the search order (法发〔2020〕24号 art 4) name courts relative to the court hearing the case.
:func:`corpus.courts.court_info` reads province, level and city from a name; this module adds what a name alone
cannot tell — which intermediate court sits above a basic court — learned from the court names in the index
(江西省宜春市中级人民法院 is the intermediate court of 宜春市) and, failing that, from the naming rule
(``{province}{city}中级人民法院``), which is then marked as inferred so the report can say so.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from corpus.courts import court_info

__all__ = ["SUPREME_COURT", "CourtHierarchy", "CourtPosition"]

SUPREME_COURT = "最高人民法院"
#: Intermediate courts with a special jurisdiction are never the ordinary appeal court of a basic court.
_SPECIAL = re.compile(r"铁路运输|海事|知识产权|金融|军事|林区|农垦|矿区")
_MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")

BASIS_CORPUS = "索引中的法院名称"
BASIS_RULE = "法院命名规则推定，需人工核实"
BASIS_LEVEL = "法院层级（高级人民法院均以“省级行政区名+高级人民法院”命名）"


@dataclass(frozen=True)
class CourtPosition:
    """A court and the courts above it; ``higher_basis`` says how the next-higher court was determined."""

    name: str
    province: str = ""
    level: str = ""
    city: str = ""
    high_court: str = ""
    higher_court: str = ""
    higher_basis: str = ""
    note: str = ""

    @property
    def known(self) -> bool:
        """True when the court and its level are known."""
        return bool(self.name and self.level)


class CourtHierarchy:
    """Court relations learned from a collection of court names (normally every court in the index)."""

    def __init__(self, court_names: Iterable[str]) -> None:
        self._high: dict[str, str] = {}
        intermediate: dict[tuple[str, str], set[str]] = defaultdict(set)
        for name in sorted(set(court_names)):
            info = court_info(name)
            if info.level == "高级" and info.province:
                self._high.setdefault(info.province, info.name)
            elif info.level == "中级" and info.city and not _SPECIAL.search(info.name):
                intermediate[(info.province, info.city)].add(info.name)
        self._intermediate = {key: sorted(names) for key, names in intermediate.items()}

    def position(self, court_name: str) -> CourtPosition:
        """The position of ``court_name``; unknown parts stay "" and ``note`` says why."""
        info = court_info(court_name)
        if not info.name:
            return CourtPosition(name="", note="未能确定审理法院")
        if not info.level:
            return CourtPosition(name=info.name, province=info.province, note="未能从法院名称判断审级")
        if info.level == "最高":
            return CourtPosition(info.name, level="最高", note="最高人民法院之上无上级法院")
        high = self._high.get(info.province, f"{info.province}高级人民法院" if info.province else "")
        base = CourtPosition(info.name, info.province, info.level, info.city, high_court=high)
        if info.level == "高级":
            return _with_higher(base, SUPREME_COURT, BASIS_LEVEL)
        if info.level == "中级":
            if not high:
                return _with_higher(base, "", "", "未能判断所在省份，无法确定高级人民法院")
            return _with_higher(base, high, BASIS_LEVEL)
        return self._above_basic(base)

    def _above_basic(self, base: CourtPosition) -> CourtPosition:
        if not base.province or not base.city:
            return _with_higher(base, "", "", "未能从法院名称判断所在地级市，无法确定上一级人民法院")
        if base.city in _MUNICIPALITIES:
            return _with_higher(base, "", "", f"{base.city}设多个中级人民法院，需人工确定上一级人民法院")
        known = self._intermediate.get((base.province, base.city), [])
        if len(known) == 1:
            return _with_higher(base, known[0], BASIS_CORPUS)
        if len(known) > 1:
            return _with_higher(base, "", "", f"{base.city}有多个中级人民法院（{'、'.join(known)}），需人工确定")
        return _with_higher(base, f"{base.province}{base.city}中级人民法院", BASIS_RULE)


def _with_higher(base: CourtPosition, higher: str, basis: str, note: str = "") -> CourtPosition:
    return CourtPosition(
        base.name, base.province, base.level, base.city, base.high_court, higher, basis if higher else "", note
    )
