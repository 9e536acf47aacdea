"""Statute citations: 《中华人民共和国刑法》第二百六十四条、第六十七条第三款 → :class:`Statute` records."""

from __future__ import annotations

import re

from corpus.model import Statute
from corpus.numerals import cn_to_int

__all__ = ["CRIMINAL_LAW", "extract_statutes", "normalise_law_name"]

CRIMINAL_LAW = "中华人民共和国刑法"

_N = "零〇一二两三四五六七八九十百千0-9０-９"
# A law named in 《》, or a bare 刑法/刑事诉讼法 that judgments often write without brackets.
_LAW_RE = re.compile(
    rf"《([^《》\n]{{1,80}})》|(?<![《\w])((?:中华人民共和国)?(?:刑法|刑事诉讼法|民法典|合同法|民事诉讼法))(?=\s*第[{_N}]+条)"
)
_ITEM = rf"(?:第?[（(][{_N}]+[)）]项?|第[{_N}]+项)"
_PARAS = rf"第?(?P<paras>[{_N}]+(?:[、和及]第?[{_N}]+)*)款"
_ARTICLE_RE = re.compile(
    r"\s*(?:[0-9]{1,2}[、.．]\s*)?"  # a list number in a statute appendix: 1、第三百四十七条
    rf"(?:第(?P<arts>[{_N}]+(?:、第?[{_N}]+)*)|(?P<art>[{_N}]+))条(?:之[一二三四五六七八九十]+)?"
    rf"(?:\s*{_PARAS})?"
    rf"(?:\s*{_ITEM}(?:[、和及]{_ITEM})*)?"
    r"(?:[（(［\[【][^（）()［］\[\]【】\n]{1,20}[)）］\]】])?"  # an annotation such as （非法侵入住宅罪） or （坦白）
)
_PARA_ONLY_RE = re.compile(rf"\s*{_PARAS}(?:\s*{_ITEM}(?:[、和及]{_ITEM})*)?")
# What may separate two citations of the same law; a new 《》 or anything else ends the chain.
_SEP_RE = re.compile(r"\s*(?:、|，|,|和|及|以及|与|或者|并|；)\s*(?:《[^《》]{0,40}》)?")
_PARA_SPLIT_RE = re.compile(r"[、和及]第?")  # also splits 第二十五、二十六条
_LAW_ALIASES = {
    "刑法": CRIMINAL_LAW,
    "中国刑法": CRIMINAL_LAW,
    "中华人民共和国刑法": CRIMINAL_LAW,
    "1997年中华人民共和国刑法": CRIMINAL_LAW,
    "刑事诉讼法": "中华人民共和国刑事诉讼法",
    "民事诉讼法": "中华人民共和国民事诉讼法",
    "合同法": "中华人民共和国合同法",
    "民法典": "中华人民共和国民法典",
    "民法通则": "中华人民共和国民法通则",
    "侵权责任法": "中华人民共和国侵权责任法",
    "婚姻法": "中华人民共和国婚姻法",
    "担保法": "中华人民共和国担保法",
    "物权法": "中华人民共和国物权法",
    "行政诉讼法": "中华人民共和国行政诉讼法",
    "劳动合同法": "中华人民共和国劳动合同法",
    "道路交通安全法": "中华人民共和国道路交通安全法",
}


def normalise_law_name(name: str) -> str:
    """The canonical name of a law: ``刑法``/``《中华人民共和国刑法》`` → ``中华人民共和国刑法``."""
    clean = re.sub(r"[\s《》〈〉<>]", "", name)
    return _LAW_ALIASES.get(clean, clean)


def extract_statutes(text: str) -> list[Statute]:
    """Every statute provision cited in ``text``, in order of first citation, without duplicates.

    Handles chains that continue the same law (``第二百六十四条、第六十七条第三款和第五十二条``), paragraphs
    (``第一、三款``), ``之一`` articles (reported under the base article: 第一百三十三条之一 → 133) and bare
    ``刑法第X条``. A citation that names the 1979 Criminal Law (1979年《中华人民共和国刑法》) is kept under its
    own name ``1979年中华人民共和国刑法`` so that it does not count as an article of the current law.
    """
    found: dict[Statute, None] = {}
    for m in _LAW_RE.finditer(text):
        law = normalise_law_name(m.group(1) or m.group(2))
        if text[max(0, m.start() - 5) : m.start()].endswith("1979年"):
            law = "1979年" + law
        pos = m.end()
        article: int | None = None
        while True:
            am = _ARTICLE_RE.match(text, pos)
            if am:
                articles = _paragraphs(am.group("arts") or am.group("art"))
                if not articles:
                    break
                paragraphs = _paragraphs(am.group("paras"))
                for article in articles:
                    for p in paragraphs or [None]:
                        found.setdefault(Statute(law, article, p), None)
                pos = am.end()
            elif article is not None and (pm := _PARA_ONLY_RE.match(text, pos)):
                for p in _paragraphs(pm.group("paras")):
                    found.setdefault(Statute(law, article, p), None)
                pos = pm.end()
            else:
                break
            sm = _SEP_RE.match(text, pos)
            if not sm or "《" in sm.group(0):
                break
            pos = sm.end()
    return list(found)


def _paragraphs(group: str | None) -> list[int]:
    """Numbers of a list such as ``一、三`` or ``第一和第三`` (paragraphs, or articles before 条)."""
    if not group:
        return []
    out = []
    for part in _PARA_SPLIT_RE.split(group):
        n = cn_to_int(part)
        if n is not None:
            out.append(n)
    return out
