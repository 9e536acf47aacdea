"""Charges (罪名, without the trailing 罪) in criminal text, and causes of action (案由) in civil text."""

from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache
from importlib import resources

__all__ = ["charge_names", "charges_from_title", "extract_causes", "extract_charges", "normalise_charge"]

_MAX_NAME = 40
# What introduces a charge: 犯盗窃罪, 构成盗窃罪, 以盗窃罪, 涉嫌盗窃罪, 认定为盗窃罪, 罪名为…, 改判为…
_CUE_RE = re.compile(r"犯有?|构成|以|涉嫌|成立|认定为?|定性为|罪名为|改判为?|变更为|定")
# Continuations of a charge list: 犯盗窃罪、诈骗罪和抢劫罪.
_CHAIN_RE = re.compile(r"、|和|及|以及|，")
_NEGATION_BEFORE = ("不", "未", "非", "无")
_PRIOR_BEFORE = ("曾", "因")  # 曾因犯盗窃罪被判处… is a previous conviction, not this case's charge
_NEGATION_AFTER_RE = re.compile(r"[^。；]{0,6}?(?:不成立|不能成立|证据不足)")
_PHRASE_RE = re.compile(r"[\u4e00-\u9fff、]{2,30}?(?=罪)")
_TITLE_TAIL_RE = re.compile(r"(?:一案|案|一审.*|二审.*|再审.*|刑事.*|民事.*|行政.*|判决书|裁定书)$")


def _read_list(name: str) -> list[str]:
    text = resources.files("corpus").joinpath(f"data/{name}").read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


@lru_cache(maxsize=1)
def charge_names() -> frozenset[str]:
    """The known charge names (罪名 without 罪), from ``corpus/data/charges.txt``."""
    return frozenset(_read_list("charges.txt"))


@lru_cache(maxsize=1)
def _causes() -> frozenset[str]:
    return frozenset(_read_list("causes.txt"))


@lru_cache(maxsize=1)
def _selective_by_bigram() -> dict[str, tuple[str, ...]]:
    index: dict[str, set[str]] = defaultdict(set)
    for name in charge_names():
        if "、" in name:
            for i in range(len(name) - 1):
                index[name[i : i + 2]].add(name)
    return {k: tuple(sorted(v, key=lambda n: (len(n), n))) for k, v in index.items()}


def _is_subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return all(ch in it for ch in short)


@lru_cache(maxsize=8192)
def normalise_charge(phrase: str) -> str | None:
    """The official (CAIL-style) name for a charge as written, or ``None`` when it is not a charge.

    Exact names pass through; a partial form of a selective charge (选择性罪名) maps to the shortest official
    name that contains it in order: 贩卖毒品 / 贩卖、运输毒品 → 走私、贩卖、运输、制造毒品, 非法持有枪支 →
    非法持有、私藏枪支、弹药, 容留卖淫 → 引诱、容留、介绍卖淫.
    """
    # CAIL2018 brackets the optional verbs of selective charges: [走私、贩卖、运输、制造]毒品
    phrase = phrase.replace("[", "").replace("]", "").strip("、 ")
    if phrase.endswith("罪"):
        phrase = phrase[:-1]
    if phrase in charge_names():
        return phrase
    if len(phrase) < 3:
        return None
    index = _selective_by_bigram()
    for name in index.get(phrase[-2:], ()):
        if phrase[:2] in name and _is_subsequence(phrase, name):
            return name
    return None


def _longest_name_at(text: str, pos: int) -> tuple[str, int] | None:
    """The longest known charge (exact or partial selective form) written at ``pos`` and followed by 罪."""
    names = charge_names()
    window = text[pos : pos + _MAX_NAME + 1].replace("帐", "账")  # 会计帐簿 is the older spelling
    stops = [i for i, ch in enumerate(window) if ch == "罪"]
    # The farthest 罪 first, so that 掩饰、隐瞒犯罪所得、犯罪所得收益罪 wins over a prefix of it.
    for stop in reversed(stops):
        if window[:stop] in names:
            return window[:stop], pos + stop + 1
    if stops:
        m = _PHRASE_RE.match(window)
        if m and m.end() == stops[0]:
            name = normalise_charge(m.group(0))
            if name:
                return name, pos + m.end() + 1
    return None


def extract_charges(text: str) -> list[str]:
    """Charges found in ``text`` (犯故意伤害罪 → 故意伤害), in order of first mention, without duplicates.

    Only mentions introduced by a cue (犯, 构成, 以, 涉嫌, 认定为 …) or continuing such a list count; negated ones
    (不构成…罪, …罪不能成立) and previous convictions (曾因犯…罪) are skipped. When the text names no criminal
    charge, civil causes of action are returned instead (民间借贷纠纷 …), see :func:`extract_causes`.
    """
    found: dict[str, None] = {}
    pos = 0
    n = len(text)
    while pos < n:
        cue = _CUE_RE.search(text, pos)
        if not cue:
            break
        pos = cue.end()
        before = text[max(0, cue.start() - 3) : cue.start()]
        negated = any(ch in before for ch in _NEGATION_BEFORE)
        prior = (cue.group(0).startswith("犯") and before[-1:] in _PRIOR_BEFORE) or before.endswith("曾因")
        hit = _longest_name_at(text, pos)
        while hit:
            name, end = hit
            if not (negated or prior or _NEGATION_AFTER_RE.match(text, end)):
                found.setdefault(name, None)
            pos = end
            chain = _CHAIN_RE.match(text, pos)
            if not chain:
                break
            hit = _longest_name_at(text, chain.end())
    if found:
        return list(found)
    return extract_causes(text)


def extract_causes(text: str) -> list[str]:
    """Civil causes of action (案由) from the known list, e.g. 民间借贷纠纷, in order of first mention."""
    causes = _causes()
    found: dict[str, None] = {}
    for m in re.finditer(r"纠纷|争议|之诉", text):
        end = m.end()
        for start in range(max(0, end - 20), end - 2):
            if text[start:end] in causes:
                found.setdefault(text[start:end], None)
                break
    return list(found)


def charges_from_title(title: str) -> list[str]:
    """Charges named in a case name (吴必定故意伤害一案, 张三贩卖、运输毒品一审刑事判决书) or causes (…纠纷案)."""
    stem = _TITLE_TAIL_RE.sub("", title.strip()).replace("帐", "账")
    stem = re.sub(r"罪(?=、|$|和|及)", "", stem)
    names = charge_names()
    found: dict[str, None] = {}
    i = 0
    while i < len(stem):
        for length in range(min(_MAX_NAME, len(stem) - i), 1, -1):
            if stem[i : i + length] in names:
                found.setdefault(stem[i : i + length], None)
                i += length
                break
        else:
            i += 1
    if not found:
        for start in range(len(stem) - 2):
            name = normalise_charge(stem[start:])
            if name:
                found[name] = None
                break
    return list(found) or extract_causes(title)
