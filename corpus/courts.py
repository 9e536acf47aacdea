"""Court names: level, province and city from Chinese naming rules, and the court named in a judgment header."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

__all__ = ["PROVINCES", "CourtInfo", "court_info", "extract_court", "province_of_place"]

#: Provincial-level divisions, full names.
PROVINCES = (
    "北京市", "天津市", "上海市", "重庆市", "河北省", "山西省", "辽宁省", "吉林省", "黑龙江省", "江苏省", "浙江省",
    "安徽省", "福建省", "江西省", "山东省", "河南省", "湖北省", "湖南省", "广东省", "海南省", "四川省", "贵州省",
    "云南省", "陕西省", "甘肃省", "青海省", "台湾省", "内蒙古自治区", "广西壮族自治区", "西藏自治区",
    "宁夏回族自治区", "新疆维吾尔自治区", "香港特别行政区", "澳门特别行政区",
)  # fmt: skip
# Short forms that open court names without the 省/市/自治区 suffix (内蒙古阿拉善左旗人民法院, 北京铁路运输法院).
_SHORT = {p: re.sub(r"(省|市|壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区)$", "", p) for p in PROVINCES}
_PROVINCE_RE = re.compile("|".join(sorted({*PROVINCES, *_SHORT.values()}, key=len, reverse=True)))
_BY_SHORT = {s: p for p, s in _SHORT.items()}
_CITY_RE = re.compile(r"([\u4e00-\u9fff]{2,10}?(?:自治州|地区|盟|市))")
_COURT_NAME_RE = re.compile(
    r"((?:最高人民法院(?:第[一二三四五六]巡回法庭)?)|[\u4e00-\u9fff（）()]{2,40}?"
    r"(?:人民法院|铁路运输法院|海事法院|知识产权法院|互联网法院|金融法院|军事法院|铁路运输中级法院|法院))"
)
_CUT_LEFT_RE = re.compile(r".*[书罪案：:。，]")


@dataclass(frozen=True)
class CourtInfo:
    """What a court's name tells: its province, level (基层/中级/高级/最高 or "") and city."""

    name: str
    province: str = ""
    level: str = ""
    city: str = ""


@lru_cache(maxsize=1)
def _places() -> dict[str, str]:
    table: dict[str, str] = {}
    text = resources.files("corpus").joinpath("data/places.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        place, province = line.split("\t")
        table[place] = province
        stem = re.sub(r"(市|县|区|旗)$", "", place)
        if len(stem) >= 2 and place.endswith("市"):
            table.setdefault(stem, province)  # 徐州铁路运输法院, 宜春中院
    return table


def province_of_place(name: str) -> str:
    """The province of a name that opens with a province, a known city or a known county; "" when unknown."""
    m = _PROVINCE_RE.match(name)
    if m:
        return _BY_SHORT.get(m.group(0), m.group(0))
    places = _places()
    for end in range(min(len(name), 10), 1, -1):
        hit = places.get(name[:end])
        if hit:
            return hit
    return ""


@lru_cache(maxsize=4096)
def court_info(court_name: str) -> CourtInfo:
    """Level, province and city of a court from its name.

    最高人民法院 (and its circuit courts) → 最高; …高级人民法院 → 高级; …中级人民法院, 铁路运输中级法院, and the
    specialised courts at intermediate level (知识产权法院, 海事法院, 金融法院) → 中级; every other …人民法院 (县/区/
    县级市, 铁路运输法院, 互联网法院, 基层军事法院 …) → 基层.
    """
    name = re.sub(r"\s+", "", court_name or "")
    if not name:
        return CourtInfo(name="")
    if name.startswith("最高人民法院"):
        return CourtInfo(name=name, level="最高")
    if "高级人民法院" in name and "分院" not in name:
        level = "高级"
    elif re.search(r"中级人民法院|中级法院|知识产权法院|海事法院|金融法院|高级人民法院.*分院", name):
        level = "中级"
    elif re.search(r"法院$", name):
        level = "基层"
    else:
        level = ""
    province = province_of_place(name)
    rest = name
    pm = _PROVINCE_RE.match(name)
    if pm:
        rest = name[pm.end() :]
    city = ""
    if pm and pm.group(0) in ("北京市", "天津市", "上海市", "重庆市", "北京", "天津", "上海", "重庆"):
        city = _BY_SHORT.get(pm.group(0), pm.group(0))
    else:
        cm = _CITY_RE.match(rest)
        if cm and not re.search(r"人民|法院|第", cm.group(1)):
            city = cm.group(1)
    return CourtInfo(name=name, province=province, level=level, city=city)


def extract_court(text: str) -> str:
    """The name of the deciding court from the header of a judgment ("" when none is found).

    Looks at the opening of the text only; a title run into the header (…刑事判决书海南省第二中级人民法院刑事判决书)
    is cut off at its last 书/罪/案 before the court name.
    """
    head = text[:300]
    m = _COURT_NAME_RE.search(head)
    if not m:
        return ""
    name = m.group(1)
    cut = _CUT_LEFT_RE.match(name)
    if cut:
        name = name[cut.end() :]
    name = re.sub(r"^[（(）)]+", "", name)
    return name if len(name) >= 4 else ""
