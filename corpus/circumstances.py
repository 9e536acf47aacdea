"""Sentencing circumstances (量刑情节) from a fixed vocabulary, skipping negated mentions."""

from __future__ import annotations

import re

__all__ = ["CIRCUMSTANCES", "extract_circumstances"]

#: canonical name → pattern. The list follows the circumstances that sentencing guidelines (最高人民法院《关于常见犯罪的
#: 量刑指导意见》) and court deviation-warning systems condition on.
CIRCUMSTANCES: dict[str, str] = {
    "自首": r"自首",
    "坦白": r"坦白|如实供述",
    "立功": r"立功",
    "累犯": r"累犯",
    "毒品再犯": r"毒品再犯",
    "前科": r"前科|曾因[^。；]{0,30}?被判处",
    "认罪认罚": r"认罪认罚",
    "当庭认罪": r"当庭(?:自愿)?认罪|庭审中(?:自愿)?认罪|自愿认罪",
    "退赃退赔": r"退赃|退赔|退缴|退还[^。；，]{0,8}赃",
    "赔偿": r"(?:积极|已|主动|已经)?赔偿(?:了)?(?:被害人|被害方|对方|经济损失|损失)",
    "谅解": r"谅解",
    "未遂": r"未遂|未得逞",
    "中止": r"犯罪中止|中止犯罪|中止犯",
    "预备": r"犯罪预备",
    "主犯": r"(?<!从)主犯",
    "从犯": r"从犯|次要作用|辅助作用",
    "胁从犯": r"胁从",
    "教唆犯": r"教唆犯|教唆他人",
    "初犯": r"初犯",
    "偶犯": r"偶犯",
    "未成年": r"未成年人犯罪|(?:犯罪|作案)时[^。；，]{0,12}(?:不满|未满)十八周岁|被告人[^，。；]{0,8}系未成年人",
    "老年人": r"已满七十五周岁",
    "限制刑事责任能力": r"限制刑事责任能力|限定刑事责任能力",
    "又聋又哑或盲人": r"又聋又哑|盲人",
    "正当防卫": r"正当防卫",
    "防卫过当": r"防卫过当",
    "紧急避险": r"紧急避险",
    "被害人过错": r"被害人[^。；，]{0,8}过错",
    "数罪并罚": r"数罪并罚",
}
_PATTERNS = [(name, re.compile(p)) for name, p in CIRCUMSTANCES.items()]
# A mention counts as negated when a negation precedes it closely (不构成自首, 不属于累犯, 无前科, 未取得谅解, 没有立功)
# or a rejection follows it in the same clause (…系自首的辩护意见不能成立, …予以谅解的意见不予采纳).
_NEG_BEFORE_RE = re.compile(r"(?:不|未|无|没有|非|否认|不能认定为?|不应认定为?|不宜认定为?|不予认定)[^，。；、]{0,4}$")
_NEG_AFTER_RE = re.compile(r"^[^。；]{0,20}?(?:不能成立|不成立|不予采纳|不予认定|不符合|不能认定|不予支持|依据不足)")
_PRIOR_NEG_RE = re.compile(r"(?:无|没有)(?:违法)?犯罪前科|无前科")


def extract_circumstances(text: str) -> list[str]:
    """The circumstances of :data:`CIRCUMSTANCES` with at least one non-negated mention, in vocabulary order.

    Meant for the court's own text (facts and 本院认为); the statute appendix (附：相关法律条文) quotes the law and
    should be left out by the caller.
    """
    out = []
    for name, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            before = text[max(0, m.start() - 10) : m.start()]
            after = text[m.end() : m.end() + 24]
            if _NEG_BEFORE_RE.search(before) or _NEG_AFTER_RE.search(after):
                continue
            if name == "前科" and _PRIOR_NEG_RE.search(text[max(0, m.start() - 6) : m.end()]):
                continue
            out.append(name)
            break
    return out
