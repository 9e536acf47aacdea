"""The statute files in the shared data: articles (条) and paragraphs (款) of the Criminal Law, and plain text of
judicial interpretations, read so that every transcribed figure can be checked against its source.

The files are the LawRefBook markdown under ``<data>/statutes``: a header that ends with ``<!-- INFO END -->``,
then headings (``#``) and one paragraph per line; an article starts with ``第X条`` (or ``第X条之一``) and the
lines after it are its further paragraphs. Items (项, lines starting with ``（一）``) belong to the paragraph
before them, which is how the 罪名 lists and judgments count paragraphs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from corpus.numerals import cn_to_int
from leian.settings import get_settings

__all__ = [
    "CRIMINAL_LAW_FILE",
    "Article",
    "ArticleNo",
    "article_label",
    "criminal_law",
    "int_to_cn",
    "normalise_space",
    "parse_article_no",
    "statute_text",
    "statute_title",
    "statutes_dir",
]

#: The consolidated Criminal Law (amendments up to 刑法修正案（十二）), relative to the statutes directory.
CRIMINAL_LAW_FILE = "刑法/刑法.md"

_INFO_END = "<!-- INFO END -->"
_CN_NUM = "零〇一二两三四五六七八九十百千"
_ARTICLE_HEAD_RE = re.compile(rf"^第([{_CN_NUM}]+)条(?:之([一二三四五六七八九十]+))?[ \u3000]")
_ITEM_RE = re.compile(r"^[（(][一二三四五六七八九十]+[)）]")
_WS_RE = re.compile(r"\s+")


@dataclass(frozen=True, order=True)
class ArticleNo:
    """An article number: 第二百六十四条 is ``ArticleNo(264)``, 第一百三十三条之一 is ``ArticleNo(133, 1)``."""

    number: int
    sub: int = 0

    def __str__(self) -> str:
        return article_label(self)


@dataclass(frozen=True)
class Article:
    """One article: its number and its paragraphs (款), each with its items (项) on further lines."""

    no: ArticleNo
    paragraphs: tuple[str, ...]

    @property
    def text(self) -> str:
        """The whole article as one string, paragraphs separated by newlines."""
        return "\n".join(self.paragraphs)


def int_to_cn(n: int) -> str:
    """Write 1–9999 the way statutes number articles: 10 → 十, 105 → 一百零五, 110 → 一百一十, 264 → 二百六十四."""
    if not 0 < n < 10_000:
        raise ValueError(f"article numbers run from 1 to 9999, not {n}")
    digits = "零一二三四五六七八九"
    if n < 20:
        return ("十" + digits[n - 10].replace("零", "")) if n >= 10 else digits[n]
    out: list[str] = []
    zero_pending = False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d, n = divmod(n, value)
        if d:
            if zero_pending:
                out.append("零")
            out.append(digits[d] + unit)
            zero_pending = False
        elif out:
            zero_pending = True
    return "".join(out)


def article_label(no: ArticleNo, paragraph: int | None = None, *, law: str = "刑法") -> str:
    """``刑法第二百三十四条第二款``-style label for an article (and paragraph)."""
    label = f"{law}第{int_to_cn(no.number)}条"
    if no.sub:
        label += f"之{int_to_cn(no.sub)}"
    if paragraph:
        label += f"第{int_to_cn(paragraph)}款"
    return label


def parse_article_no(text: str) -> ArticleNo:
    """``第264条``, ``第二百六十四条``, ``264``, ``第一百三十三条之一``, ``第133条之一`` → :class:`ArticleNo`."""
    m = re.fullmatch(rf"\s*第?([0-9{_CN_NUM}]+)条?(?:之([一二三四五六七八九十]+))?\s*", text)
    number = cn_to_int(m.group(1)) if m else None
    if m is None or number is None:
        raise ValueError(f"not an article number: {text!r}")
    sub = cn_to_int(m.group(2)) if m.group(2) else 0
    return ArticleNo(number, sub or 0)


def normalise_space(text: str) -> str:
    """Drop all whitespace, so that a quote matches the file however lines and paragraphs were broken."""
    return _WS_RE.sub("", text)


def statutes_dir() -> Path:
    """``<data>/statutes`` under the configured shared data directory (``LEIAN_DATA``)."""
    return get_settings().data / "statutes"


@lru_cache(maxsize=64)
def _read(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    _, sep, body = text.partition(_INFO_END)
    return body if sep else text


def statute_title(relative: str, root: Path | None = None) -> str:
    """The title of a statute file (its first ``#`` heading), or the file name without its date."""
    path = (root or statutes_dir()) / relative
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return re.sub(r"\(\d{4}-\d{2}-\d{2}\)$", "", path.stem)


def statute_text(relative: str, root: Path | None = None) -> str:
    """The body of a statute file (after its header), by its path relative to the statutes directory."""
    return _read((root or statutes_dir()) / relative)


@lru_cache(maxsize=4)
def _criminal_law(path: Path) -> dict[ArticleNo, Article]:
    articles: dict[ArticleNo, Article] = {}
    current: ArticleNo | None = None
    paragraphs: list[str] = []

    def flush() -> None:
        if current is not None:
            articles[current] = Article(current, tuple(paragraphs))

    for raw in _read(path).splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            # A heading closes the article before it; the appendices after 附则 are not articles.
            flush()
            current, paragraphs = None, []
            continue
        head = _ARTICLE_HEAD_RE.match(line)
        if head:
            flush()
            sub = cn_to_int(head.group(2)) if head.group(2) else 0
            current = ArticleNo(cn_to_int(head.group(1)) or 0, sub or 0)
            paragraphs = [line[head.end() :].strip()]
        elif current is not None:
            if _ITEM_RE.match(line) and paragraphs:
                paragraphs[-1] += "\n" + line
            elif not line.startswith("①"):  # footnotes of the consolidated text
                paragraphs.append(line)
    flush()
    return articles


def criminal_law(root: Path | None = None) -> dict[ArticleNo, Article]:
    """Every article of the consolidated Criminal Law by number."""
    return _criminal_law((root or statutes_dir()) / CRIMINAL_LAW_FILE)
