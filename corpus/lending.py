"""Legal elements of a private-lending case (民间借贷) from its fact text, and similarity built on them.

What judges compare when they call two loan cases similar (the annotators of CAIL2019-SCM did the same): the
loan itself (principal, how many loans, who lent to whom), the interest (agreed or not, the rate, whether it
exceeds the legal cap for the contract's date), the evidence (借条/借款合同/收条, how the money was handed over and
whether that is disputed), security (保证/抵押/质押, joint or general suretyship), what has been repaid, whether the
spouse is drawn in (夫妻共同债务), company parties, what is claimed and what is pleaded against it.

:func:`extract_lending` reads these from the 原告诉称 / 经审理查明 part of a civil judgment or a bare fact
description and returns ``None`` when the text is not about a loan. :func:`interest_cap` applies the caps of the
SPC's private-lending provisions by contract date (the caps and the quoted articles live in
``corpus/data/lending_caps.json``). :func:`lending_similarity` and :func:`lending_comparison` compare two cases
element by element, for ranking and for the "why similar" lines shown to judges.

Everything is regular expressions over the text: the comments next to each pattern say what wording it is for and
what it must not catch. Rates are annual percentages; amounts are yuan.
"""

from __future__ import annotations

import dataclasses
import html
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Any

from corpus.amounts import AMOUNT_RE, parse_amount
from corpus.numerals import cn_to_int, cn_to_number

__all__ = [
    "CAP_STATUSES",
    "CLAIMS",
    "DEFENCES",
    "DOCUMENTS",
    "ELEMENT_WEIGHTS",
    "GUARANTEES",
    "LENDER_KINDS",
    "PAYMENTS",
    "CapCheck",
    "CapRule",
    "LendingElements",
    "cap_rules",
    "describe_lending",
    "element_agreements",
    "extract_lending",
    "interest_cap",
    "lending_comparison",
    "lending_similarity",
    "lpr_on",
]

# --------------------------------------------------------------------------------------------------------------
# Vocabularies
# --------------------------------------------------------------------------------------------------------------

#: Written evidence of the loan, normalised: 借据 counts as 借条, 欠据/欠单 as 欠条, 收据 as 收条.
DOCUMENTS = ("借款合同", "借条", "欠条", "收条")
#: How the money was handed over.
PAYMENTS = ("银行转账", "现金", "微信", "支付宝")
#: Kinds of security.
GUARANTEES = ("保证", "抵押", "质押")
#: What the lender asks the court for (litigation costs, asked for in every case, are left out).
CLAIMS = ("归还本金", "支付利息", "逾期利息", "违约金", "律师费", "连带责任")
#: What is pleaded against the claim (or found by the court as a ground of dispute).
DEFENCES = (
    "已归还",
    "借贷关系不成立",
    "未实际交付",
    "超过诉讼时效",
    "赌债",
    "砍头息",
    "利率过高",
    "非夫妻共同债务",
    "真实性异议",
    "不承担保证责任",
)
#: Outcomes of :func:`interest_cap`. ``above_cap``: above the protected rate (2015 rule: 24–36%, a natural
#: obligation; 2020 rule: above four times the LPR); ``above_36``: 2015 rule, the excess over 36% is void.
CAP_STATUSES = ("within", "above_cap", "above_36", "unknown", "not_applicable")

#: Kinds of lender and borrower. "company" is any organisation that is not a financial institution (a company, an
#: enterprise, an association, a government office); financial institutions include the local financial
#: organisations (小额贷款公司, 典当行 …) of the 2020 reply.
LENDER_KINDS = ("natural_person", "company", "financial_institution")

# --------------------------------------------------------------------------------------------------------------
# The caps (data file) and the rule by contract date
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CapRule:
    """One provision on interest: which document and article, its wording, and the numbers read from it."""

    id: str
    document: str
    issue: str
    article: str
    quote: str
    source: str
    protected_rate: float | None = None
    void_above_rate: float | None = None
    lpr_multiple: float | None = None
    contracts_before: str | None = None
    contracts_from: str | None = None
    caveat: str | None = None

    @property
    def citation(self) -> str:
        """``《document》article`` — how a report cites it."""
        return f"《{self.document}》{self.article}"


@dataclass(frozen=True)
class CapCheck:
    """Whether an agreed annual rate exceeds the legal cap for the contract date, and under which rule."""

    status: str
    rate: float | None
    cap: float | None
    rule: str | None
    note: str

    @property
    def exceeds(self) -> bool | None:
        """``True`` above the cap, ``False`` within it, ``None`` when unknown or not applicable."""
        if self.status in ("above_cap", "above_36"):
            return True
        return False if self.status == "within" else None


@lru_cache(maxsize=1)
def _caps_data() -> dict[str, Any]:
    text = resources.files("corpus").joinpath("data/lending_caps.json").read_text(encoding="utf-8")
    return json.loads(text)


@lru_cache(maxsize=1)
def cap_rules() -> dict[str, CapRule]:
    """The provisions of ``corpus/data/lending_caps.json`` by id (``spc-2015-art26``, ``spc-2020-art25`` …)."""
    keys = set(CapRule.__dataclass_fields__)
    return {r["id"]: CapRule(**{k: v for k, v in r.items() if k in keys}) for r in _caps_data()["rules"]}


def lpr_on(day: date) -> float | None:
    """The one-year LPR (percent) in force on ``day``; ``None`` before 2019-08-20 or after the table's end."""
    table = _caps_data()["lpr_1y"]
    if day > date.fromisoformat(table["known_until"]):
        return None
    current = None
    for start, value in table["values"]:
        if date.fromisoformat(start) <= day:
            current = float(value)
    return current


def _lowest_possible_cap() -> float:
    """The lowest cap any rule in the table has set: below it a rate is within the cap whatever the date."""
    rules = cap_rules()
    lprs = [float(v) for _, v in _caps_data()["lpr_1y"]["values"]]
    multiple = rules["spc-2020-art25"].lpr_multiple or 4
    return min(rules["spc-2015-art26"].protected_rate or 24.0, multiple * min(lprs))


def interest_cap(
    annual_rate: float | None, contract_date: date | None, lender_kind: str | None = None
) -> CapCheck | None:
    """The cap for a loan formed on ``contract_date`` and whether ``annual_rate`` (percent) exceeds it.

    Contracts formed before 2020-08-20: 2015 provisions art 26 (24% protected, the excess over 36% void).
    From 2020-08-20: 2020 revision art 25, four times the one-year LPR at contract formation. A financial
    institution's loan is outside both (art 1 para 2; the 2020 reply for local financial organisations). With no
    date the answer is ``unknown`` unless every rule gives the same answer (at most the lowest cap ever set, or
    above 36%). ``None`` when there is no rate.
    """
    if annual_rate is None:
        return None
    rules = cap_rules()
    if lender_kind == "financial_institution":
        art1 = rules["spc-2020-art1"]
        note = f"出借人为金融机构，不适用民间借贷利率上限（{art1.citation}）"
        return CapCheck("not_applicable", annual_rate, None, art1.id, note)
    old, new = rules["spc-2015-art26"], rules["spc-2020-art25"]
    protected, void_above = old.protected_rate or 24.0, old.void_above_rate or 36.0
    if contract_date is None:
        floor = _lowest_possible_cap()
        if annual_rate <= floor:
            note = f"合同日期不明，但年利率{_pct(annual_rate)}不超过任何时期的上限"
            return CapCheck("within", annual_rate, floor, None, note)
        if annual_rate > void_above:
            note = f"合同日期不明，但年利率{_pct(annual_rate)}超过任何时期的上限"
            return CapCheck("above_cap", annual_rate, None, None, note)
        note = "合同成立日期不明，无法确定适用2015年规定还是2020年修正后的规定"
        return CapCheck("unknown", annual_rate, None, None, note)
    if contract_date < date.fromisoformat(new.contracts_from or "2020-08-20"):
        if annual_rate <= protected:
            status, note = "within", f"未超过年利率{_pct(protected)}"
        elif annual_rate <= void_above:
            status, note = "above_cap", f"超过年利率{_pct(protected)}、未超过{_pct(void_above)}（自然债务区间）"
        else:
            status, note = "above_36", f"超过年利率{_pct(void_above)}，超过部分的利息约定无效"
        return CapCheck(status, annual_rate, protected, old.id, f"{note}（{old.citation}，2015年）")
    lpr = lpr_on(contract_date)
    if lpr is None:
        return CapCheck("unknown", annual_rate, None, new.id, "合同成立时的一年期LPR不在数据表内")
    cap = round((new.lpr_multiple or 4) * lpr, 4)
    status = "within" if annual_rate <= cap else "above_cap"
    verb = "未超过" if status == "within" else "超过"
    note = f"{verb}合同成立时一年期LPR（{_pct(lpr)}）的四倍即{_pct(cap)}（{new.citation}）"
    return CapCheck(status, annual_rate, cap, new.id, note)


def _pct(value: float) -> str:
    return f"{value:.4f}".rstrip("0").rstrip(".") + "%"


# --------------------------------------------------------------------------------------------------------------
# The elements
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LendingElements:
    """The legal elements of one loan case; ``None`` / empty where the text does not state them.

    ``principal`` is the amount the contract or IOU states (summed over the loans); when interest was deducted in
    advance (``砍头息`` among ``defences``) the law takes the amount actually handed over (2020 provisions art 26).
    ``annual_rate`` is the agreed in-term rate converted to a year; ``rate_text`` the words it came from.
    """

    principal: float | None = None
    loan_count: int | None = None
    lender_kind: str | None = None
    borrower_kind: str | None = None
    contract_date: date | None = None
    interest: str | None = None  # "agreed" | "none" | None (not stated or 约定不明)
    rate_text: str | None = None
    annual_rate: float | None = None
    cap: CapCheck | None = None
    overdue_terms: bool = False
    documents: tuple[str, ...] = ()
    payment: tuple[str, ...] = ()
    delivery_disputed: bool = False
    guarantee: tuple[str, ...] = ()
    guarantee_type: str | None = None  # "连带责任保证" | "一般保证"
    guarantee_period: str | None = None
    guarantor_named: bool = False
    repaid: bool = False
    repaid_amount: float | None = None
    interest_paid: bool = False
    outstanding: float | None = None
    spouse: bool = False
    professional_lending: bool = False
    claims: tuple[str, ...] = ()
    defences: tuple[str, ...] = ()

    @property
    def company_party(self) -> bool:
        """A company (or other organisation that is not a financial institution) lends or borrows."""
        return "company" in (self.lender_kind, self.borrower_kind)

    @property
    def exceeds_cap(self) -> bool | None:
        """Whether the agreed rate exceeds the legal cap (``None``: no rate, date unknown or not applicable)."""
        return self.cap.exceeds if self.cap else None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: dates as ISO strings, the cap check flattened to ``cap_*`` keys."""
        out = asdict(self)
        out["contract_date"] = self.contract_date.isoformat() if self.contract_date else None
        cap = out.pop("cap")
        out["cap_status"] = cap["status"] if cap else None
        out["cap_rate"] = cap["cap"] if cap else None
        out["cap_rule"] = cap["rule"] if cap else None
        out["cap_note"] = cap["note"] if cap else None
        for key in ("documents", "payment", "guarantee", "claims", "defences"):
            out[key] = list(out[key])
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LendingElements:
        """The elements :meth:`to_dict` wrote (as stored with an indexed judgment)."""
        fields = dict(data)
        status = fields.pop("cap_status", None)
        cap = CapCheck(
            status, fields.get("annual_rate"), fields.pop("cap_rate", None), fields.pop("cap_rule", None),
            fields.pop("cap_note", None) or "",
        ) if status else None  # fmt: skip
        day = fields.get("contract_date")
        fields["contract_date"] = date.fromisoformat(day) if day else None
        for key in ("documents", "payment", "guarantee", "claims", "defences"):
            fields[key] = tuple(fields.get(key) or ())
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(cap=cap, **{k: v for k, v in fields.items() if k in known and k != "cap"})


# --------------------------------------------------------------------------------------------------------------
# Text preparation
# --------------------------------------------------------------------------------------------------------------

_FULLWIDTH = str.maketrans("０１２３４５６７８９．％（）", "0123456789.%()")
_SPACE = re.compile(r"[ \t\u3000\xa0]+")
# Half-width punctuation between words (CJRC writes "," and ";") becomes full-width, so that one set of patterns
# serves both; a comma or point between digits (12,000.00) is a number's and stays.
_ASCII_COMMA = re.compile(r"(?<!\d),|,(?!\d)")


def _prepare(text: str) -> str:
    """HTML entities decoded (CJRC has &ldquo; &permil;), digits and punctuation normalised, paragraphs end in 。."""
    t = html.unescape(text).translate(_FULLWIDTH)
    t = _SPACE.sub("", t)
    t = _ASCII_COMMA.sub("，", t).replace(";", "；").replace(":", "：")
    return re.sub(r"\n+", "。", t)


# A clause: the stretch between punctuation marks. CJRC paragraphs lost most full stops, so clauses also run on.
_CLAUSE_END = re.compile(r"[，,。；;！？!?“”]")


def _clause_at(text: str, start: int, end: int) -> str:
    """The clause around ``text[start:end]`` (from the previous to the next punctuation mark)."""
    left = max((m.end() for m in _CLAUSE_END.finditer(text, 0, start)), default=0)
    right_m = _CLAUSE_END.search(text, end)
    return text[left : right_m.start() if right_m else len(text)]


def _sentence_before(text: str, pos: int, width: int) -> str:
    """Up to ``width`` characters before ``pos``, cut at the previous full stop or semicolon."""
    window = text[max(0, pos - width) : pos]
    cut = max(window.rfind("。"), window.rfind("；"), window.rfind(";"))
    return window[cut + 1 :]


# --------------------------------------------------------------------------------------------------------------
# Is it a loan at all?
# --------------------------------------------------------------------------------------------------------------

# Words that name a loan. Not counted: the bank-rate yardsticks (同期贷款利率, 贷款基准利率, LPR) that any money
# judgment uses for interest on late payment, and the names of other cases (民间借贷纠纷一案).
# The last alternative is 借 followed closely by an amount: 借我22万元, 今借某某肆万元.
_LOAN_CUE = re.compile(
    r"借款|借到|借给|出借|借贷|借条|借据|贷款|放贷|放款|借钱|借了|借现金|借人民币|借资"
    r"|借[^，。；条据款贷期]{0,6}?(?:\d+|[一二三四五六七八九十壹贰叁肆伍陆柒捌玖拾]+)[万千]?元"
)
_NOT_LOAN_CUE = re.compile(
    r"(?:同期|同类|同档次|基准|市场报价|银行)[^，。；]{0,6}贷款[^，。；]{0,4}(?:利率|利息)"
    r"|贷款(?:市场报价|基准)?利率|民间借贷纠纷(?:一案|案件|案)|借贷合同纠纷一案"
)
# Other sources of a debt: when these dominate, an IOU (欠条) is for a price or a fee, not for money lent.
_OTHER_DEBT = re.compile(r"货款|工程款|运费|劳务费|租金|服务费|维修费|修理费|仓储费|房款|转让款|赊|理赔|保险金|保费")
# Credit cards are a product of their own (信用卡纠纷), not a loan case.
_CARD = re.compile(r"信用卡|透支")


def _loan_score(t: str) -> tuple[int, int]:
    masked = _NOT_LOAN_CUE.sub("□", t)
    return len(_LOAN_CUE.findall(masked)), len(_OTHER_DEBT.findall(t))


# One loan word is enough when it names an amount lent or a loan document: a judge's one-line description
# ("被告向原告借款伍万元，年息贰分") says it once.
_STRONG_LOAN = re.compile(
    r"借条|借据|借款(?:合同|协议)"
    r"|(?:借款|借到|借给|出借)[^，。；]{0,12}?(?:\d[\d.,]*万?元|[壹贰叁肆伍陆柒捌玖拾一二三四五六七八九十][^，。；]{0,6}元)"
)
# Criminal facts (a fraud "以借款为名", an illegal fund-raising) are not a private-lending case: they have a
# prosecutor and an accused (被告人); a civil judgment may quote one criminal judgment's 被告人 in passing.
_PROSECUTION = re.compile(r"公诉机关|检察院指控|公诉")
_ACCUSED = re.compile(r"被告人")
_FRAUD = re.compile(r"骗取|诈骗|非法占有")


def _is_criminal(t: str) -> bool:
    accused = len(_ACCUSED.findall(t))
    return bool(_PROSECUTION.search(t)) or accused >= 2 or (accused == 1 and bool(_FRAUD.search(t)))


def _is_loan(t: str) -> bool:
    if _is_criminal(t):
        return False
    cues, other = _loan_score(t)
    if len(_CARD.findall(t)) > cues:
        return False
    if cues >= 2:
        return cues >= other or cues >= 4
    return cues == 1 and other == 0 and bool(_STRONG_LOAN.search(_NOT_LOAN_CUE.sub("□", t)))


# --------------------------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------------------------

_CN_DIGITS = "〇○零一二三四五六七八九十"
_DATE = re.compile(
    rf"(?P<y>(?:19|20)\d{{2}}|[{_CN_DIGITS}]{{4}})年(?P<m>\d{{1,2}}|[{_CN_DIGITS}]{{1,2}})月"
    rf"(?:(?P<d>\d{{1,2}}|[{_CN_DIGITS}]{{1,3}})[日号])?"
)
# 2005.6.6 / 2014-7-21 as written in IOUs.
_DOT_DATE = re.compile(r"(?<![\d.])(?P<y>(?:19|20)\d{2})[.\-/](?P<m>\d{1,2})[.\-/](?P<d>\d{1,2})(?![\d])")


def _to_date(y: str, m: str, d: str | None) -> date | None:
    year = int(y) if y.isdigit() else cn_to_int(y)
    month = int(m) if m.isdigit() else cn_to_int(m)
    day = (int(d) if d.isdigit() else cn_to_int(d)) if d else 1
    try:
        return date(year or 0, month or 0, day or 0)
    except ValueError:
        return None


def _dates(t: str) -> list[tuple[int, date]]:
    """Dates in ``t`` by position, leaving out the ends of periods and deadlines (至2016年7月24日, 2014年9月29日前),
    which are never the day a loan was made."""
    out = []
    for rx in (_DATE, _DOT_DATE):
        for m in rx.finditer(t):
            d = _to_date(m.group("y"), m.group("m"), m.group("d"))
            if d is None or not 1980 <= d.year <= 2035:
                continue
            if re.search(r"(?:至|到|止|截止|截至|~|—|-)$", t[max(0, m.start() - 2) : m.start()]):
                continue
            if re.match(r"(?:止|前|之前|以前|到期|届满|还清|归还|归清|付清|还款|偿还|底前)", t[m.end() : m.end() + 3]):
                continue
            out.append((m.start(), d))
    return sorted(out, key=lambda x: x[0])


def _date_before(dates: list[tuple[int, date]], pos: int, width: int = 60) -> date | None:
    best = None
    for at, d in dates:
        if pos - width <= at < pos:
            best = d
    return best


# --------------------------------------------------------------------------------------------------------------
# Principal and number of loans
# --------------------------------------------------------------------------------------------------------------

_AMOUNT = AMOUNT_RE.pattern
# "借款20万" without 元 (a common shorthand); only Arabic numbers, so "借款五万" without 元 is not read as an amount.
_WAN_ONLY = r"(?P<wan>\d+(?:\.\d+)?)万(?![元块\d])"
# The act of lending or borrowing, then the amount within a short stretch of the same clause. The stretch may hold
# the counterparty's name (masked names carry digits: 张x0), 现金, 人民币, 金额为 — but not words that make the
# amount something else: interest, fees, terms, penalties, deposits, insurance sums.
_LOAN_VERB = r"借款|借到|借给|借用|借支|出借|贷款|放款|发放|借(?![条据款贷期])"
_FILLER = r"(?:(?!利|息|费|期|违约|罚|保证金|保险|担保|首付|余额|额度)[^，。；;,:：%％]){0,14}?"
_LOAN_AMOUNT = re.compile(
    rf"(?P<verb>{_LOAN_VERB})(?:金额|本金|数额)?(?:为|是)?[:：]?{_FILLER}(?:(?P<amt>{_AMOUNT})|{_WAN_ONLY})"
)
# A mention is a reference to money already lent, not a new loan, when its clause says so before it: repaid,
# owed, paid out by an insurer or guarantor, received, claimed, a balance "as of" a day, a credit ceiling (最高).
_REFERENCE_BEFORE = re.compile(
    r"偿还|归还|返还|还款|欠|剩余|余欠|未还|理赔|代偿|赔付|代为|垫付|收到|实际|逾期|扣除|确认|清偿|请求|要求|判令|诉请"
    r"|截止|截至|最高|申报|范围"
)
# The text says this is another loan.
_AGAIN = re.compile(r"再次|又|另|第二笔|第三笔|续借|追加|先后|两次|三次")
# An IOU or receipt quoted or described: its amount restates a loan already told.
_RESTATED = re.compile(r"借条|欠条|收条|借据|收据|载明|注明|写明|内容为|内容是|鉴于|上述|该笔|所$")
_LIST_TAIL = re.compile(rf"^(?:[、和及与]|以及)(?:人民币)?(?P<amt>{_AMOUNT})")
# "共计借款X元 / 借款合计X元": a total stated by the text itself.
_TOTAL = re.compile(rf"(?:共计|合计|总计|共)(?:向[^，。；]{{1,12}})?借款(?:本金)?(?:人民币)?(?P<amt>{_AMOUNT})")
# IOUs are the fallback for the amount when no act of lending is stated: 今欠某某人民币叁拾贰万伍仟元整.
_IOU_AMOUNT = re.compile(rf"今欠(?:到)?[^，。；]{{0,10}}?(?P<amt>{_AMOUNT})")
_SAME_LOAN_DAYS = 30


@dataclass(frozen=True)
class _Mention:
    pos: int
    amount: float
    when: date | None
    again: bool
    restated: bool


def _amount_of(m: re.Match[str]) -> float | None:
    if m.groupdict().get("wan"):
        return float(m.group("wan")) * 10_000
    inner = re.match(_AMOUNT, m.group("amt"))
    return parse_amount(inner.group(1), inner.group(2)) if inner else None


def _list_amounts(t: str, end: int) -> list[float]:
    """Amounts continuing a 分别 list after the first: 借款450000元、250000元."""
    out, rest = [], t[end:]
    tail = _LIST_TAIL.match(rest)
    while tail:
        value = _amount_of(tail)
        if value:
            out.append(value)
        rest = rest[tail.end() :]
        tail = _LIST_TAIL.match(rest)
    return out


def _loan_mentions(t: str, dates: list[tuple[int, date]]) -> list[_Mention]:
    out = []
    for m in _LOAN_AMOUNT.finditer(t):
        lead = _sentence_before(t, m.start(), 60)
        clause = lead[-30:]
        clause = clause[max(clause.rfind("，"), clause.rfind(",")) + 1 :]
        if _REFERENCE_BEFORE.search(clause):
            continue
        amount = _amount_of(m)
        if amount is None or amount < 100:
            continue
        again, restated = bool(_AGAIN.search(lead)), bool(_RESTATED.search(lead[-20:]))
        when = _date_before(dates, m.start(), 100)
        amounts = [amount]
        if "分别" in t[max(0, m.start() - 20) : m.end()]:
            amounts += _list_amounts(t, m.end())
        out.extend(_Mention(m.start(), a, when, again or i > 0, restated) for i, a in enumerate(amounts))
    return out


def _another_loan(m: _Mention, loans: Sequence[_Mention]) -> bool:
    """Whether mention ``m`` is a loan not yet counted (see :func:`_principal`)."""
    if any(m.amount == x.amount and m.when == x.when for x in loans):
        return False
    if m.again:
        return True
    if m.when is None or m.restated or any(x.when is None for x in loans):
        return False
    same_amount = [x for x in loans if x.amount == m.amount]
    if same_amount:
        return all(abs((m.when - x.when).days) > _SAME_LOAN_DAYS for x in same_amount)  # type: ignore[operator]
    return all(m.when != x.when for x in loans)


def _principal(t: str, dates: list[tuple[int, date]]) -> tuple[float | None, int | None, date | None]:
    """Sum of the distinct loans, their number, and the date of the first.

    The first mention is the first loan. A later mention is another loan when the text says so (再次, 又, 先后,
    分别 …), or when it is dated on another day with another amount, or with the same amount more than a month
    apart. Undated mentions and amounts quoted from an IOU restate a loan already counted.
    """
    mentions = _loan_mentions(t, dates)
    total = _TOTAL.search(t)
    if not mentions:
        iou = _IOU_AMOUNT.search(t)
        if total or iou:
            return _amount_of(total or iou), 1, None  # type: ignore[arg-type]
        return None, None, None
    loans: list[_Mention] = [mentions[0]]
    for m in mentions[1:]:
        if _another_loan(m, loans):
            loans.append(m)
    principal = sum(x.amount for x in loans)
    if total:
        stated = _amount_of(total)
        if stated and stated >= principal:
            principal = stated
    return principal, len(loans), loans[0].when


def _contract_date(t: str, dates: list[tuple[int, date]], first: date | None) -> date | None:
    if first:
        return first
    # No date next to the amount: a date labelled as the loan's, else the first followed closely by a loan act.
    labelled = re.search(r"(?:借款|出借|放款)(?:时间|日期)[为是:：]?", t)
    if labelled:
        for at, d in dates:
            if 0 <= at - labelled.end() <= 2:
                return d
    for at, d in dates:
        if re.search(r"借款|贷款|出借|借到|签订[^，。；]{0,20}(?:借款|贷款)", t[at : at + 40]):
            return d
    # Last resort: the first date of the facts, which in a fact paragraph is almost always where the loan starts.
    return dates[0][1] if dates else None


# --------------------------------------------------------------------------------------------------------------
# Interest
# --------------------------------------------------------------------------------------------------------------

_CN_NUM = "一二两三四五六七八九十壹贰叁肆伍陆柒捌玖拾"
_NUMBER = rf"(?:\d+(?:\.\d+)?|[{_CN_NUM}]+(?:点[{_CN_NUM}]+)?)"
# The rate wordings met in judgments. The rate noun is required (a bare 月 or 年 before an amount is a date or a
# term, as in "借期4个月并按照…", "2013年元月利息…"); the period comes before the noun or after it:
#   月利率2% / 月息3% / 月利率15‰ / 月利率千分之8.59 / 月息1分5 / 月息2分 / 月利息1000元 / 月息为1.5万元
#   年利率24% / 年息20% / 年息二分 / 年化利率15% / 日利率万分之五 / 月利息回报率2% / 月收益千分之十八
#   利息按每月3%计算 / 利率按月2%计算 / 利息为每月利率3.2%
_PER_WORD = r"(?<![个元正腊])(?P<per>月|年|日)(?:利率|利息回报率|利息|息|利|化利率|化收益率|化|收益率|收益|回报率)"
_PLAIN_WORD = r"(?:借款|贷款|执行|约定|合同)?利率|利息|收益率|回报率"
_RATE_VALUE = (
    rf"(?:(?P<pct>{_NUMBER})\s*%"
    rf"|(?P<permil>{_NUMBER})\s*‰"
    rf"|(?P<frac>千分之|万分之|百分之)(?P<fracn>{_NUMBER})"
    rf"|(?P<fen>{_NUMBER})分(?P<li>[{_CN_NUM}\d])?(?![之钟])"
    rf"|(?P<money>{_AMOUNT}))"
)
# Between the noun and the value: a few words, but no digits (another figure), no 的 ("贷款利率的150%" is relative).
_RATE = re.compile(
    rf"(?:{_PER_WORD}|{_PLAIN_WORD})(?:[^，。；,;\d{_CN_NUM}%‰的]{{0,10}}?)(?:(?P<per2>月|年|日)(?:利率)?)?"
    rf"(?:[为是按:：]|按照|标准|计算|约定|率)*{_RATE_VALUE}"
)
# "按每月3%计算" / "每月利率3.2%": the period stated just before the noun.
_PER_AFTER = re.compile(r"(?:每|按)(?P<per>月|年|日)")
# Benchmark plus a markup computable from the text: 基准利率6%上浮40% → 8.4%.
_BENCHMARK = re.compile(r"基准利率(?P<base>\d+(?:\.\d+)?)%(?:基础上)?上浮(?P<up>\d+(?:\.\d+)?)%")
# Rates that are not the agreed in-term interest: late-payment interest and penalties, fees, insurance premiums,
# the guarantor's own recovery interest, deposit rates, and the benchmark itself.
_NOT_INTEREST = re.compile(
    r"逾期|违约|罚息|罚金|滞纳|复利|加收|上浮|费率|保费|手续费|服务费|管理费|代偿|垫付|存款|资金占用|担保费|基准|同期"
)
_NOT_INTEREST_AFTER = re.compile(r"^[^，。；,;]{0,8}(?:违约金|罚息|滞纳金|逾期|的标准计算的违约金)")
_NO_INTEREST = re.compile(
    r"未约定[^，。；,]{0,8}利息|没有约定[^，。；,]{0,6}利息|未约定利率|无息借|借款无息|不计(?:算)?利息|不要利息|均未约定利息"
)
_UNCLEAR_INTEREST = re.compile(r"利息待定|约定不明|未(?:对|就)?[^，。；]{0,8}利率进行明确约定|未明确约定利[息率]")
# Interest agreed without a figure the text gives: 按银行利息算, 利随本清, 按月付息, 银行同期贷款利率的四倍, 等额本息.
_AGREED_INTEREST = re.compile(
    r"约定[^，。；,]{0,10}(?:利息|利率|月息|年息)|(?<![个元正腊])(?:月|年|日)(?:利率|息|利息)|利率[为按:：]|执行[^，。；,]{0,4}利率"
    r"|浮动利率|固定利率|利息按|按[月季年]?(?:结息|付息|计息)|结息|付息|本息|利随本清|四倍|4倍"
)
# Guarantee and insurance scopes list "本金、利息、罚息…" without any agreement on interest.
_SCOPE = re.compile(r"(?:担保|保证|保险|反担保|抵押)(?:的)?范围[^。；]{0,80}")


def _mask(t: str, rx: re.Pattern[str]) -> str:
    return rx.sub(lambda m: "□" * len(m.group(0)), t)


def _claim_spans(t: str) -> list[tuple[int, int]]:
    spans = []
    for m in _CLAIM_START.finditer(t):
        end = _CLAIM_END.search(t, m.end(), min(len(t), m.end() + _CLAIM_MAX))
        spans.append((m.end(), end.start() if end else min(len(t), m.end() + _CLAIM_MAX)))
    return spans


def _mask_claims(t: str) -> str:
    """``t`` with the claim segments blanked: a rate asked for is not a rate agreed."""
    chars = list(t)
    for start, end in _claim_spans(t):
        chars[start:end] = "□" * (end - start)
    return "".join(chars)


def _number(s: str) -> float | None:
    s = s.replace("点", ".")
    value = cn_to_number(s) if not re.fullmatch(r"\d+(?:\.\d+)?", s) else float(s)
    return value


def _rate_from(m: re.Match[str], period: str | None, principal: float | None) -> float | None:
    """Annual percentage from one :data:`_RATE` match (``None`` when the period or the base is unknown)."""
    g = m.groupdict()
    if g["pct"] is not None:
        value = _number(g["pct"])
    elif g["permil"] is not None:
        value = (_number(g["permil"]) or 0) / 10
    elif g["frac"] is not None:
        n = _number(g["fracn"]) or 0
        value = n * {"千分之": 0.1, "万分之": 0.01, "百分之": 1.0}[g["frac"]]
    elif g["fen"] is not None:
        # 月息2分 = 2% a month; 月息1分5 = 1.5%; 年息2分 = 20% a year (一分 is a tenth of the unit in both).
        whole = _number(g["fen"]) or 0
        tenth = _number(g["li"]) if g["li"] else 0
        value = whole + (tenth or 0) / 10
        if period == "年":
            value *= 10
    elif g["money"] is not None and principal:
        inner = re.match(_AMOUNT, g["money"])
        money = parse_amount(inner.group(1), inner.group(2)) if inner else None
        value = 100 * money / principal if money else None
    else:
        value = None
    if value is None:
        return None
    if period == "月":
        return round(value * 12, 4)
    if period == "日":
        return round(value * 365, 4)
    if period == "年":
        return round(value, 4)
    # No period named: a bare "利率8.61%" is annual when it is too high to be monthly; "利息1%" stays unknown.
    return round(value, 4) if g["pct"] is not None and value > 5 else None


def _first_rate(t: str, principal: float | None) -> tuple[float, str] | None:
    for m in _RATE.finditer(t):
        clause = _clause_at(t, m.start(), m.end())
        before = t[max(0, m.start() - 12) : m.start()] + m.group(0)
        if _NOT_INTEREST.search(before) or _NOT_INTEREST_AFTER.search(t[m.end() :]):
            continue
        if re.search(r"保费|保险费|费率|综合费", clause):
            continue
        period = m.group("per") or m.group("per2")
        if period is None:
            lead = _PER_AFTER.search(t[max(0, m.start() - 3) : m.start() + 2])
            period = lead.group("per") if lead else None
        if period == "日" and not re.search(r"日利率|日息", m.group(0)):
            continue  # daily figures outside a stated 日利率 are penalties
        if m.group("money") is not None and period is None:
            continue  # 利息1000元 for the whole term is not a rate
        rate = _rate_from(m, period, principal)
        if rate is not None and 0 < rate <= 120:
            return rate, m.group(0)
    return None


def _interest(t: str, principal: float | None) -> tuple[str | None, float | None, str | None]:
    """(``agreed``/``none``/``None``, annual rate, the words the rate came from).

    A rate stated anywhere outside the claims wins; then 基准利率X%上浮Y%; then an explicit "no interest"; then
    约定不明 (unclear: ``None``); then wording that shows interest was agreed without a figure.
    """
    body = _mask_claims(t)
    found = _first_rate(body, principal)
    if found:
        return "agreed", found[0], found[1]
    bench = _BENCHMARK.search(body)
    if bench:
        rate = round(float(bench.group("base")) * (1 + float(bench.group("up")) / 100), 4)
        return "agreed", rate, bench.group(0)
    if _NO_INTEREST.search(body):
        return "none", None, None
    if _UNCLEAR_INTEREST.search(body):
        return None, None, None
    if _AGREED_INTEREST.search(_mask(body, _SCOPE)):
        return "agreed", None, None
    return None, None, None


# Late-payment interest or a penalty for the loan.
_OVERDUE = re.compile(
    r"逾期(?:还款)?(?:利息|利率|罚息|违约金)|罚息|罚金|违约金|滞纳金|逾期[^，。；]{0,10}(?:加收|按|计收)"
)

# --------------------------------------------------------------------------------------------------------------
# Parties
# --------------------------------------------------------------------------------------------------------------

# Banks, credit cooperatives, trust companies and the local financial organisations of the 2020 reply. "中国人民银行"
# is the rate-setter, and a bank named as the channel of a transfer (通过…银行转账, 银行卡, 账户) or as the yardstick
# of a rate (银行同期贷款利率) lends nothing.
_INSTITUTION = re.compile(
    r"(?<!人民)(?:银行|支行|分行|贵行|信用社|信用合作社|信用合作联社|信用联社|农商行|农信社|信托"
    r"|小额贷款|小贷(?:公司|中心)|典当|汽车金融)"
)
_CHANNEL_AFTER = re.compile(
    r"^[^，。；,;]{0,10}?(?:转账|转帐|转款|账户|帐户|卡|借记|汇款|汇入|存款|存折|一本通|流水|明细|交易|回单|凭证|取款|取现|存入"
    r"|同期|同类|基准|贷款利率|利率|利息)"
)
_CHANNEL_BEFORE = re.compile(r"(?:通过|经由|从|至|到|往|在|用)[^，。；,;]{0,14}$")
_LENDING_NEAR = re.compile(r"贷款|借款合同|发放|放款|贷款人|债权人|被保险人|借款|当票|当金")
# Bank lending shows in its vocabulary even where the bank's name is masked (原告 for 某银行).
_BANK_CUES = re.compile(
    r"发放(?:了)?(?:小额)?贷款|贷款发放|授信|贷款人|借款借据|借款凭证|罚息利率|基准利率[^，。；,]{0,8}上浮|信托贷款|当票|当金"
    r"|小额贷款|金融借款|流动资金(?:贷款|借款)|个人(?:消费|担保)?(?:贷款|借款)合同|农户贷款|逾期贷款"
)
_PRIVATE_CUES = re.compile(r"今借|借条|欠条|打借条|出具[^，。；,]{0,6}借据|月息|年息")
_COMPANY = r"(?:有限(?:责任)?公司|股份有限公司|公司|企业|厂|联合会|合作社|中心|财政局|管委会|集团|酒店|店)"
# An organisation's name: no punctuation and none of the words that join two parties (向, 与, 和 …).
_ORG = rf"[^，。；、,.;:：“”\"（）()\s向与和及给对由为在把被将]{{1,24}}?{_COMPANY}"
# A name starts after punctuation, a role word (原告, 被告, 第三人, 甲方 …) or a date, never mid-word.
_ORG_START = r"(?:(?<=^)|(?<=[，。；、,.;:：“”\"（）()\s])|(?<=原告)|(?<=被告)|(?<=第三人)|(?<=[甲乙丙丁]方)|(?<=日))"
# A company borrows: "X公司向原告借款", "X公司借王某现金…元", "向X公司发放贷款", "借款人X公司", "X公司(借款方)".
_BORROWER_CO = re.compile(
    rf"{_ORG_START}(?P<o1>{_ORG})[^，。；,;]{{0,14}}?向(?!本院|法院|人民法院)[^，。；,;]{{1,16}}?(?:借款|借到|借用|借|申请贷款|贷款|融资)"
    rf"|{_ORG_START}(?P<o2>{_ORG})借(?:到|用)?[^，。；,;]{{0,10}}\d"
    rf"|向(?P<o3>{_ORG})(?:提供|发放)[^，。；,;]{{0,10}}(?:借款|贷款)"
    rf"|借款(?:人|方)[为是:：（(]?(?P<o4>{_ORG})|(?P<o5>{_ORG})[（(](?:借款人|借款方)"
    rf"|{_ORG_START}(?P<o6>{_ORG})[^，。；,;]{{0,10}}(?:偿还|归还)[^，。；,;]{{0,6}}(?:贷款|借款)"
)
# A company lends: "向X公司借款", "X公司出借/借给", "出借人X公司", "X公司(出借人)".
_LENDER_CO = re.compile(
    rf"向(?P<o1>{_ORG})(?:借款|借到|借用|借)"
    rf"|{_ORG_START}(?P<o2>{_ORG})[^，。；,;]{{0,6}}(?:出借|借给|提供借款)"
    rf"|出借(?:人|方)[为是:：（(]?(?P<o3>{_ORG})|(?P<o4>{_ORG})[（(](?:出借人|出借方|贷款人)"
)


def _financial_lender(t: str) -> bool:
    hits = 0
    for m in _INSTITUTION.finditer(t):
        after, before = t[m.end() : m.end() + 14], t[max(0, m.start() - 16) : m.start()]
        if _CHANNEL_AFTER.search(after) or _CHANNEL_BEFORE.search(before):
            continue
        if _LENDING_NEAR.search(t[max(0, m.start() - 40) : m.end() + 60]):
            hits += 1
    cues = len({m.group(0) for m in _BANK_CUES.finditer(t)})
    private = len(_PRIVATE_CUES.findall(t))
    return (hits >= 1 or cues >= 2) and hits + cues > private


def _is_org(name: str | None) -> bool:
    return bool(name) and not _INSTITUTION.search(name or "") and not re.search(r"担保|保险", name or "")


def _found_org(rx: re.Pattern[str], t: str) -> bool:
    for m in rx.finditer(t):
        name = next((g for g in m.groups() if g), None)
        # "原告向第三人X公司出借…": the organisation is the object, not the subject, when 向/对/给 comes just before.
        as_object = m.group(0).startswith(name or "") and re.search(r"[向对给]", t[max(0, m.start() - 6) : m.start()])
        if _is_org(name) and not as_object:
            return True
    return False


def _parties(t: str) -> tuple[str, str]:
    """Lender and borrower kinds; a party not shown to be an institution or an organisation is a natural person."""
    if _financial_lender(t):
        lender = "financial_institution"
    else:
        lender = "company" if _found_org(_LENDER_CO, t) else "natural_person"
    borrower = "company" if _found_org(_BORROWER_CO, t) else "natural_person"
    return lender, borrower


# --------------------------------------------------------------------------------------------------------------
# Evidence, security, repayment, spouse
# --------------------------------------------------------------------------------------------------------------

# Written evidence. 借款借据 is a bank's drawdown slip (counted with IOUs); 贷款担保合同/保证合同 are not loan
# contracts; 借款合同 in 《个人担保借款合同》 is.
_DOCUMENT_PATTERNS = {
    "借款合同": re.compile(r"(?:借款|贷款|信贷|融资款)(?:及服务|保证)?(?:合同|协议)|借贷合同|抵押借款(?:合同|协议)"),
    "借条": re.compile(r"借条|借据"),
    "欠条": re.compile(r"欠条|欠据|欠单"),
    "收条": re.compile(r"收条|收据"),
}
# How the money reached the borrower. Transfers to repay do not count (the clause must not be about repayment),
# nor does the IOU's stock phrase "今借到现金" — cash counts when a cash handover is described.
_PAYMENT_PATTERNS = {
    "银行转账": re.compile(
        r"转账|转款|汇款|汇入|转入|打入|划款|网银|电汇"
        r"|(?:发放|支付|汇|转|打)(?:至|到|入|进)[^，。；,;]{0,12}(?:账户|帐户|银行卡|卡上|卡内)"
        r"|向[^，。；,;]{0,12}(?:账户|帐户)[^，。；,;]{0,4}(?:发放|转|汇|支付)"
    ),
    "现金": re.compile(
        r"现金(?:方式|交付|支付|给付|形式)|以现金|(?:交付|给付|支付|取出?)[^，。；]{0,8}现金|现金[^，。；]{0,4}交[付给]"
    ),
    "微信": re.compile(r"微信(?:转账|支付|转款)|微信[^，。；]{0,6}转"),
    "支付宝": re.compile(r"支付宝"),
}
# A payment to the lender or described as repayment is the way back, not the handover.
_REPAY_WORD = re.compile(
    r"还|偿|付息|利息|退|赔|代偿|理赔|保费|违约金|给原告|向原告|至原告|入原告|原告(?:的)?(?:银行)?账户"
)
# The money's handover is disputed: not received, only partly received, where the money came from, fictitious loan.
_DELIVERY_DISPUTE = re.compile(
    r"未实际(?:交付|出借|收到|发生)|(?:并)?未收到[^，。；]{0,20}(?:借款|款项|钱)|实际(?:仅|只)收到|实际收到借款|转款(?:只|仅)?是"
    r"|(?:取钱|给付|交付|转款)[^，。；]{0,20}(?:不认可|不予认可|否认)"
    r"|(?:借款|资金|款项)来源|出借能力|是否实际(?:交付|出借|发生)|未提供[^，。；]{0,10}交付|交付[^，。；]{0,6}(?:争议|异议)"
    r"|(?:不认可|否认)[^，。；]{0,30}(?:给付|交付|取钱|转款|借款事实)|真实的借贷关系|借贷关系是否(?:真实|成立)|虚假诉讼|虚构债权|借贷事实是虚假"
)
# Security. 保证保险 (credit insurance), 保证金 (a deposit) and a bare promise (乙方保证按期还款) are not suretyship;
# 抵押担保/质押担保 are real security, not a guarantor.
_SURETY = re.compile(
    r"(?<!抵押)(?<!质押)(?:保证人|担保人|保证合同|保证责任|保证担保|连带(?:责任)?保证|一般保证|担保方(?!式)|连带责任方|连带保证方"
    r"|提供(?:连带)?(?:责任)?担保|作为担保|担保责任|反担保保证|保证书|保证函|担保书|担保承诺|联保"
    r"|由[^，。；,;抵质]{1,16}(?:提供)?担保(?!物|财产))"
)
# Credit insurance, deposits, and security given to the court for a preservation order are not suretyship.
_NOT_SURETY = re.compile(r"保证保险|保证金|保全")
_MORTGAGE = re.compile(r"抵押(?!金)")
_PLEDGE = re.compile(r"质押|出质|质物|质权")
_JOINT = re.compile(
    r"连带(?:责任)?(?:反)?保证|连带(?:责任)?(?:反)?担保|连带清偿责任|连带保证责任|连带还款责任|承担连带责任|无限连带"
)
_GENERAL = re.compile(r"一般保证")
_PERIOD_RE = re.compile(r"(?:保证|担保)(?:期间|期限)(?:为|是|:|：)?(?P<p>[^，。；]{2,30})")
_GUARANTOR = re.compile(
    r"担保人[:：]?[^，。；\d]{1,8}|(?:作为|以)(?:保证人|担保人)|在担保人[^，。；]{0,6}签|担保人[^，。；]{0,3}签"
)
# Repayment: a payment verb and an amount (or interest paid up to a date) in a clause that is a statement of fact,
# not a claim, an obligation, a contract term or a refusal.
_REPAY = re.compile(
    r"(?:归还|偿还|还款|还了|支付|给付|付清|清偿|还清|履行)了?(?![的之日])[^，。；,;]{0,14}?(?:\d[\d,.]*(?:万)?元|[一二三四五六七八九十壹贰叁肆伍陆柒捌玖拾佰仟万]+元)"
    r"|已(?:经)?(?:偿还|归还|支付|还款|给付)了?[^。；;]{0,40}?\d[\d,.]*(?:万)?元"
    r"|(?:利息|本息|借款)[^，。；,;]{0,6}(?:支付|偿还|付|结|清)至|(?:支付|偿还|归还)[^，。；,;]{0,8}(?:本息|利息)至|付息至|结息至|清息"
    r"|履行了\d+期|支付了?(?!的)[^，。；,;]{0,10}利息|(?:偿还|归还)了?[^，。；,;]{0,4}部分"
    r"|收到[^，。；,;]{0,24}?(?:利息|本金|还款)[^，。；,;]{0,4}\d[\d,.]*元"
    r"|(?:偿还|归还|还清)了(?:全部|部分)?(?:借款|贷款|欠款|本息)|(?:正常|按期|按时|按月)还款"
)
# Words before the payment, in its clause, that make it something other than a payment made: a refusal, a
# promise, a term of the contract ("按合同约定" itself is a fact and is removed first).
_NOT_FACT = re.compile(r"未|没有|拒|保证|承诺|约定|负责|同意|自愿|可以|有权|即|应|须|需|认可")
_AS_AGREED = re.compile(r"按(?:照)?[^，。；,;]{0,4}约定|依约|依照约定|按约")
_ACTUALLY = re.compile(r"实际|已经|已")
# A condition, an obligation or a court order shortly before, across commas: the payment is not a fact.
_CONDITION = re.compile(r"如果|若|如借款|如未|应当|判令|支付令")
# The lender handing the money over, not the borrower paying back.
_DISBURSE = re.compile(r"(?:原告|出借人|贷款人|银行|支行|信用社)[^，。；,;]{0,10}向|向(?:被告|借款人)")
# Payments that are not the borrower's repayment of this loan: an insurer or a guarantor paying the lender off
# (代偿, 理赔, "代某某偿还"; "代其偿还", a guarantor paying part on the borrower's behalf, does count), premiums,
# refunds, prices.
_NOT_REPAYMENT = re.compile(
    r"代偿|理赔|赔付|保费|保险|垫付|代付|代为|代(?!其)[^，。；,;]{0,8}(?:偿还|清偿|支付)|退还|返还|货款|违约金|担保费|履行(?:担保|保证)责任"
)
_OUTSTANDING = re.compile(rf"(?:尚欠|仍欠|剩余|余欠|尚余|下欠|余款)[^，。；\d]{{0,10}}(?P<amt>{_AMOUNT})")
_SPOUSE = re.compile(r"夫妻|配偶|妻子|丈夫|之妻|之夫|登记结婚|婚姻(?:关系)?存续期间")
_PROFESSIONAL = re.compile(
    r"职业放贷|以放贷为业|放贷为(?:业|生)|经常性(?:出借|放贷)|多次(?:向[^，。；]{0,8})?(?:出借|放贷)"
    r"|向(?:社会)?不特定(?:对象|人|多数人)(?:出借|放贷|提供借款)|未依法取得放贷资格"
)

# --------------------------------------------------------------------------------------------------------------
# Claims and defences
# --------------------------------------------------------------------------------------------------------------

# Where the claims are: after 诉讼请求/请求判令/要求/诉请/变更为, up to 事实与理由 or the end of the sentence.
_CLAIM_START = re.compile(
    r"(?<!围绕)(?<!根据)诉讼请求(?!依法|提交|的证据)|请求(?:法院|人民法院|贵院)?(?:依法)?判令|请求判决|起诉要求"
    r"|诉至[^。；]{0,8}要求|(?<=诉)[^，。；]{0,12}要求被告|要求判令|诉请(?!之|如)|变更为[:：]?要求|请求[:：]"
    r"|(?:原告|现)主张被告(?=偿还|归还|支付|返还|承担)"
)
# A claim segment ends at 事实与理由, a full stop, or where the defence or the court's findings begin; CJRC lost most
# full stops, so it is also cut at 250 characters.
_CLAIM_END = re.compile(r"事实(?:与|和)理由|。(?!\d)|辩称|经审理|本院认定|查明|上述事实")
_CLAIM_MAX = 250
_CLAIM_PATTERNS = {
    "归还本金": re.compile(
        r"(?:归还|偿还|返还|给付|支付|清偿|还)[^，。；:：]{0,12}?(?:借款|本金|欠款|理赔|代偿|代付|垫付|贷款|余款)"
        r"|借款本金|理赔款"
    ),
    "支付利息": re.compile(r"(?<!逾期)利息(?!损失)|本息"),
    "逾期利息": re.compile(r"逾期利息|罚息|逾期付款利息"),
    "违约金": re.compile(r"违约金|滞纳金"),
    "律师费": re.compile(r"律师(?:代理)?费"),
    "连带责任": re.compile(r"连带(?:清偿|保证|还款|赔偿|给付)?责任"),
}
_DEFENCE_PATTERNS = {
    "已归还": re.compile(
        r"(?:辩称|抗辩|主张|认为|称|是否)[^。；]{0,30}?(?:已(?:经)?(?:归还|还清|偿还|还款)|已还)"
        r"|用于?(?:来)?偿还[^，。；]{0,6}借款|偿还完毕|以房抵债"
    ),
    "借贷关系不成立": re.compile(
        r"借贷关系(?:不成立|不存在)|不存在借贷关系|并非借款|不是借款|未向[^，。；]{0,8}借款|借款事实不存在|实际借款人"
        r"|(?:系|是)[^，。；]{0,12}个人借款(?!合同)|虚假(?:诉讼|借贷|债权)|借贷事实是虚假|虚构|是否(?:产生|存在|成立)了?真实的?借贷关系"
        r"|借贷关系是否成立|不存在[^，。；]{0,6}借贷"
    ),
    "未实际交付": re.compile(
        r"未实际(?:交付|出借|收到)|(?:并)?未收到[^，。；]{0,20}(?:借款|款项)|实际(?:仅|只)收到|未提供[^，。；]{0,10}交付"
        r"|(?:不认可|否认)[^，。；]{0,30}(?:给付|交付|取钱)|(?:取钱|给付|交付|转款)[^，。；]{0,20}(?:不认可|不予认可|否认)"
    ),
    "超过诉讼时效": re.compile(
        r"(?:超过|已过|超出)[^，。；]{0,6}诉讼时效|诉讼时效(?:已|已经)(?:届满|经过)|未在[^，。；]{0,12}诉讼时效"
    ),
    "赌债": re.compile(r"赌债|赌博|赌资"),
    "砍头息": re.compile(
        r"(?:预扣|预先扣除|一次性扣除|直接扣除|先行扣除)[^，。；]{0,8}息|息[^，。；]{0,12}(?:预扣|一次性扣除|预先扣除)"
        r"|放款前[^，。；]{0,12}支付[^，。；]{0,8}利息"
    ),
    "利率过高": re.compile(
        r"利率(?:过高|超过|超出)|超出法律规定[^，。；]{0,6}利息|利息[^，。；]{0,10}(?:超过|超出)(?:法律|国家)|高利贷"
    ),
    "非夫妻共同债务": re.compile(
        r"不属于夫妻共同债务|非夫妻共同债务|是否属于夫妻共同债务|个人债务|未用于(?:家庭|夫妻)(?:共同)?生活|不是夫妻共同债务"
    ),
    "真实性异议": re.compile(
        r"真实性(?:有|提出|存在)异议|真实性不予认可|对[^，。；]{0,12}真实性[^，。；]{0,4}(?:有|提出)异议"
        r"|是否为[^，。；]{0,8}本人(?:书写|所签|签名)|伪造"
    ),
    "不承担保证责任": re.compile(
        r"(?:不应|无需|不|免除)(?:再)?承担(?:保证|担保)责任|保证期间(?:已)?(?:届满|经过)|超过保证期间|已过保证期"
    ),
}


def _claims(t: str) -> tuple[str, ...]:
    found: set[str] = set()
    for start, end in _claim_spans(t):
        segment = t[start:end]
        for label, rx in _CLAIM_PATTERNS.items():
            if rx.search(segment):
                found.add(label)
    return tuple(c for c in CLAIMS if c in found)


def _defences(t: str) -> tuple[str, ...]:
    found = {label for label, rx in _DEFENCE_PATTERNS.items() if rx.search(t)}
    return tuple(d for d in DEFENCES if d in found)


# --------------------------------------------------------------------------------------------------------------
# Extraction
# --------------------------------------------------------------------------------------------------------------


def _labels(t: str, patterns: Mapping[str, re.Pattern[str]]) -> tuple[str, ...]:
    return tuple(label for label, rx in patterns.items() if rx.search(t))


def _payments(t: str) -> tuple[str, ...]:
    found = []
    for label, rx in _PAYMENT_PATTERNS.items():
        for m in rx.finditer(t):
            before = t[_clause_start(t, m.start()) : m.start()]
            if not _REPAY_WORD.search(before) and not re.match(r"[^，。；,;]{0,4}(?:还|偿)", t[m.end() :]):
                found.append(label)
                break
    return tuple(p for p in PAYMENTS if p in found)


def _guarantee(t: str) -> tuple[tuple[str, ...], str | None, str | None, bool]:
    surety = any(
        not _NOT_SURETY.search(t[max(0, m.start() - 2) : m.end() + 2])
        and "保全" not in t[max(0, m.start() - 30) : m.end() + 30]
        for m in _SURETY.finditer(t)
    )
    present = {"保证": surety, "抵押": bool(_MORTGAGE.search(t)), "质押": bool(_PLEDGE.search(t))}
    kinds = tuple(k for k in GUARANTEES if present[k])
    kind = None
    if surety:
        if _GENERAL.search(t):
            kind = "一般保证"
        for m in _JOINT.finditer(t):
            clause = _clause_at(t, m.start(), m.end())
            if re.search(r"保证|担保", clause) and not _NOT_SURETY.search(clause):
                kind = "连带责任保证"
                break
    period = _PERIOD_RE.search(t)
    return kinds, kind, period.group("p") if period else None, bool(_GUARANTOR.search(t))


def _clause_start(t: str, pos: int) -> int:
    """Where the clause holding ``pos`` starts: after punctuation, or at a date (CJRC's sentences lost their 。 and
    a date usually opens the next one)."""
    left = max((x.end() for x in _CLAUSE_END.finditer(t, 0, pos)), default=0)
    dates = [m.start() for m in _DATE.finditer(t, left, pos)]
    return max([left, *dates])


def _is_repayment(t: str, m: re.Match[str], claims: list[tuple[int, int]]) -> bool:
    if any(start <= m.start() < end for start, end in claims):
        return False
    left = _clause_start(t, m.start())
    prefix = _AS_AGREED.sub("", t[left : m.start()])
    if _DISBURSE.search(prefix):
        return False
    conditional = _CONDITION.search(t[max(0, m.start() - 45) : m.start()])
    if not _ACTUALLY.search(prefix) and (_NOT_FACT.search(prefix) or conditional):
        return False
    return not _NOT_REPAYMENT.search(_clause_at(t, m.start(), m.end()))


def _repayment(t: str) -> tuple[bool, float | None, bool]:
    repaid, interest_paid, amounts = False, False, []
    claims = _claim_spans(t)
    for m in _REPAY.finditer(t):
        if not _is_repayment(t, m, claims):
            continue
        repaid = True
        if "息" in _clause_at(t, m.start(), m.end()) or m.group(0).startswith("履行了"):
            interest_paid = True  # instalments (履行了N期) are principal and interest
        amt = AMOUNT_RE.search(m.group(0))
        if amt:
            value = parse_amount(amt.group(1), amt.group(2))
            if value:
                amounts.append(value)
    return repaid, (sum(dict.fromkeys(amounts)) if amounts else None), interest_paid


def extract_lending(text: str) -> LendingElements | None:
    """The loan elements stated in ``text``, or ``None`` when it is not about lending money.

    ``text`` is the facts of a civil judgment (原告诉称, 被告辩称, 经审理查明 …) or a fact description typed by a
    judge; CJRC's HTML entities and full-width digits are handled.
    """
    t = _prepare(text)
    if not _is_loan(t):
        return None
    dates = _dates(t)
    principal, count, first_date = _principal(t, dates)
    when = _contract_date(t, dates, first_date)
    interest, rate, rate_text = _interest(t, principal)
    lender, borrower = _parties(t)
    kinds, g_type, g_period, guarantor = _guarantee(t)
    repaid, repaid_amount, interest_paid = _repayment(t)
    outstanding = _OUTSTANDING.search(t)
    defences = _defences(t)
    return LendingElements(
        principal=principal,
        loan_count=count,
        lender_kind=lender,
        borrower_kind=borrower,
        contract_date=when,
        interest=interest,
        rate_text=rate_text,
        annual_rate=rate,
        cap=interest_cap(rate, when, lender),
        overdue_terms=bool(_OVERDUE.search(t)),
        documents=_labels(t, _DOCUMENT_PATTERNS),
        payment=_payments(t),
        delivery_disputed=bool(_DELIVERY_DISPUTE.search(t)) or "未实际交付" in defences,
        guarantee=kinds,
        guarantee_type=g_type,
        guarantee_period=g_period,
        guarantor_named=guarantor,
        repaid=repaid,
        repaid_amount=repaid_amount,
        interest_paid=interest_paid,
        outstanding=parse_amount(*re.match(_AMOUNT, outstanding.group("amt")).groups()) if outstanding else None,  # type: ignore[union-attr]
        spouse=bool(_SPOUSE.search(t)),
        professional_lending=bool(_PROFESSIONAL.search(t)),
        claims=_claims(t),
        defences=defences,
    )


# --------------------------------------------------------------------------------------------------------------
# Similarity and the "why similar" lines
# --------------------------------------------------------------------------------------------------------------

#: A-priori weights of the element comparisons (not fitted on any evaluation data): the interest and cap questions
#: and the security decide the legal issue most often, so they weigh double; form and amount weigh half.
ELEMENT_WEIGHTS: dict[str, float] = {
    "interest": 2.0,
    "cap": 2.0,
    "guarantee": 1.5,
    "guarantee_type": 0.5,
    "parties": 1.5,
    "spouse": 1.0,
    "repaid": 1.0,
    "delivery": 1.0,
    "defences": 1.0,
    "claims": 1.0,
    "documents": 1.0,
    "payment": 0.5,
    "principal": 0.5,
    "overdue": 0.5,
}


def _jaccard(a: Iterable[str], b: Iterable[str]) -> float:
    sa, sb = set(a), set(b)
    return len(sa & sb) / len(sa | sb) if sa | sb else 1.0


def _lender_group(e: LendingElements) -> str:
    return "financial" if e.lender_kind == "financial_institution" else "company" if e.company_party else "private"


def element_agreements(a: LendingElements, b: LendingElements) -> dict[str, float | None]:
    """Agreement in [0, 1] per element (the keys of :data:`ELEMENT_WEIGHTS`); ``None`` where it cannot be told.

    Things a text does not state are not taken as agreement: two texts both silent on claims, documents, payment
    or defences tell nothing. Two texts both without security, without a spouse or without repayment do agree.
    """
    out: dict[str, float | None] = dict.fromkeys(ELEMENT_WEIGHTS)
    if a.interest and b.interest:
        out["interest"] = float(a.interest == b.interest)
    if a.exceeds_cap is not None and b.exceeds_cap is not None:
        out["cap"] = float(a.exceeds_cap == b.exceeds_cap)
    elif a.interest == b.interest == "agreed" and a.annual_rate is not None and b.annual_rate is not None:
        out["cap"] = max(0.0, 1 - abs(a.annual_rate - b.annual_rate) / 24)
    out["guarantee"] = _jaccard(a.guarantee, b.guarantee)
    if "保证" in a.guarantee and "保证" in b.guarantee and (a.guarantee_type or b.guarantee_type):
        out["guarantee_type"] = float(a.guarantee_type == b.guarantee_type)
    out["parties"] = float(_lender_group(a) == _lender_group(b))
    out["spouse"] = float(a.spouse == b.spouse)
    out["repaid"] = float(a.repaid == b.repaid)
    out["delivery"] = float(a.delivery_disputed == b.delivery_disputed)
    if a.defences or b.defences:
        out["defences"] = _jaccard(a.defences, b.defences)
    if a.claims and b.claims:
        out["claims"] = _jaccard(a.claims, b.claims)
    if a.documents and b.documents:
        out["documents"] = _jaccard(a.documents, b.documents)
    if a.payment and b.payment:
        out["payment"] = _jaccard(a.payment, b.payment)
    if a.principal and b.principal:
        out["principal"] = max(0.0, 1 - abs(math.log10(a.principal / b.principal)) / 2)
    out["overdue"] = float(a.overdue_terms == b.overdue_terms)
    return out


def lending_similarity(a: LendingElements, b: LendingElements, weights: Mapping[str, float] | None = None) -> float:
    """Weighted share of agreeing legal elements, in [0, 1]; 0.5 when no element can be compared.

    ``weights`` defaults to :data:`ELEMENT_WEIGHTS`; elements that cannot be told for this pair are left out of
    both numerator and denominator.
    """
    w = ELEMENT_WEIGHTS if weights is None else weights
    num = den = 0.0
    for key, value in element_agreements(a, b).items():
        if value is not None and w.get(key, 0.0) > 0:
            num += w[key] * value
            den += w[key]
    return num / den if den else 0.5


_KIND_CN = {"natural_person": "自然人", "company": "公司等单位", "financial_institution": "金融机构"}
_CAP_CN = {"within": "未超过法定上限", "above_cap": "超过法定上限", "above_36": "超过年利率36%"}


def _yuan(value: float) -> str:
    return f"{value / 10_000:g}万元" if value >= 10_000 else f"{value:g}元"


def _both_or_diff(a: bool, b: bool, both: str, only_a: str, only_b: str) -> str | None:
    if a and b:
        return both
    if a != b:
        return only_a if a else only_b
    return None


def _line_interest(a: LendingElements, b: LendingElements) -> str | None:
    if a.interest == b.interest == "agreed":
        ea, eb = a.exceeds_cap, b.exceeds_cap
        if ea is not None and eb is not None:
            if ea == eb:
                return f"均约定利息且约定利率均{_CAP_CN['above_cap'] if ea else _CAP_CN['within']}"
            mine = _CAP_CN["above_cap"] if ea else _CAP_CN["within"]
            return f"均约定利息，但本案约定利率{mine}，该案{'超过' if eb else '未超过'}"
        return "均约定利息"
    if a.interest == b.interest == "none":
        return "均未约定利息"
    if a.interest and b.interest:
        said = {"agreed": "约定利息", "none": "未约定利息"}
        return f"本案{said[a.interest]}，该案{said[b.interest]}"
    return None


_SURETY_CN = {"连带责任保证": "连带责任保证人", "一般保证": "一般保证人", None: "保证人"}


def _line_guarantee(a: LendingElements, b: LendingElements) -> list[str]:
    lines = []
    sa, sb = "保证" in a.guarantee, "保证" in b.guarantee
    if sa and sb:
        same = a.guarantee_type == b.guarantee_type
        lines.append(f"均有{_SURETY_CN[a.guarantee_type] if same else '保证人'}")
    elif sa or sb:
        label = _SURETY_CN[a.guarantee_type if sa else b.guarantee_type]
        lines.append(f"本案有{label}，该案无" if sa else f"本案无保证人，该案有{label}")
    for kind, name in (("抵押", "抵押担保"), ("质押", "质押担保")):
        line = _both_or_diff(
            kind in a.guarantee, kind in b.guarantee, f"均有{name}", f"本案有{name}，该案无", f"本案无{name}，该案有"
        )
        if line:
            lines.append(line)
    return lines


def _line_parties(a: LendingElements, b: LendingElements) -> list[str]:
    lines = []
    for role, ka, kb in (("出借人", a.lender_kind, b.lender_kind), ("借款人", a.borrower_kind, b.borrower_kind)):
        if ka and kb:
            if ka == kb and ka != "natural_person":
                lines.append(f"{role}均为{_KIND_CN[ka]}")
            elif ka != kb:
                lines.append(f"本案{role}为{_KIND_CN[ka]}，该案为{_KIND_CN[kb]}")
    return lines


def lending_comparison(a: LendingElements, b: LendingElements) -> list[str]:
    """Short Chinese lines on which legal elements of this case (``a``) and that case (``b``) agree or differ.

    Shared elements come first, then the differences; elements neither text states are not mentioned.
    """
    lines: list[str] = []
    interest = _line_interest(a, b)
    if interest:
        lines.append(interest)
    lines.extend(_line_guarantee(a, b))
    lines.extend(_line_parties(a, b))
    for va, vb, both, only_a, only_b in (
        (
            a.spouse,
            b.spouse,
            "均涉及夫妻共同债务问题",
            "本案涉及夫妻共同债务问题，该案不涉及",
            "本案不涉及夫妻共同债务问题，该案涉及",
        ),
        (a.repaid, b.repaid, "借款人均已部分还款", "本案借款人已部分还款，该案未见", "本案未见还款，该案已部分还款"),
        (
            a.delivery_disputed,
            b.delivery_disputed,
            "均对借款是否实际交付有争议",
            "本案对借款是否实际交付有争议，该案无此争议",
            "本案借款交付无争议，该案有争议",
        ),
    ):
        line = _both_or_diff(va, vb, both, only_a, only_b)
        if line:
            lines.append(line)
    shared_docs = [d for d in DOCUMENTS if d in a.documents and d in b.documents]
    if shared_docs:
        lines.append("均有" + "、".join(shared_docs))
    shared_pay = [p for p in PAYMENTS if p in a.payment and p in b.payment]
    if shared_pay:
        lines.append("均以" + "、".join(shared_pay) + "交付借款")
    shared_def = [d for d in DEFENCES if d in a.defences and d in b.defences]
    if shared_def:
        lines.append("均有" + "、".join(shared_def) + "的抗辩或争议")
    only_a = [d for d in DEFENCES if d in a.defences and d not in b.defences]
    if only_a:
        lines.append("本案另有" + "、".join(only_a) + "的争议，该案无")
    shared_claims = [c for c in CLAIMS if c in a.claims and c in b.claims]
    if shared_claims:
        lines.append("均请求" + "、".join(shared_claims))
    if a.principal and b.principal:
        ratio = max(a.principal, b.principal) / min(a.principal, b.principal)
        word = "相近" if ratio <= 2 else "差异较大"
        lines.append(f"借款本金{word}（本案{_yuan(a.principal)}，该案{_yuan(b.principal)}）")
    agree = [ln for ln in lines if ln.startswith(("均", "出借人均", "借款人均", "借款本金相近"))]
    return agree + [ln for ln in lines if ln not in agree]


def describe_lending(e: LendingElements) -> list[str]:
    """The elements of one loan case as short Chinese lines (for the pending case in a search report)."""
    lines = []
    if e.principal:
        several = f"（{e.loan_count}笔）" if e.loan_count and e.loan_count > 1 else ""
        lines.append(f"借款本金{_yuan(e.principal)}{several}")
    roles = (("出借人", e.lender_kind), ("借款人", e.borrower_kind))
    if any(kind for _, kind in roles):
        lines.append("，".join(f"{role}为{_KIND_CN[kind]}" for role, kind in roles if kind))
    if e.interest == "agreed":
        rate = f"（{e.rate_text}，折合年利率{e.annual_rate:g}%）" if e.rate_text and e.annual_rate else ""
        lines.append(f"约定利息{rate}" + (f"：{e.cap.note}" if e.cap and e.cap.note else ""))
    elif e.interest == "none":
        lines.append("未约定利息")
    if e.documents or e.payment:
        lines.append("证据：" + "、".join([*e.documents, *e.payment]))
    if e.guarantee:
        lines.append("担保：" + "、".join(e.guarantee) + (f"（{e.guarantee_type}）" if e.guarantee_type else ""))
    if e.repaid:
        lines.append("已部分还款" + (f"{_yuan(e.repaid_amount)}" if e.repaid_amount else ""))
    if e.spouse:
        lines.append("涉及夫妻共同债务")
    if e.claims:
        lines.append("诉讼请求：" + "、".join(e.claims))
    if e.defences:
        lines.append("抗辩：" + "、".join(e.defences))
    return lines
