"""Build ``law/data/penalties.json`` from the statute files and the hand-checked ``law/data/curated.json``.

The tiers are transcribed mechanically: each 罪名 is mapped to its articles by the official 罪名 lists
(:mod:`law.charge_articles`), and each penalty clause of those paragraphs becomes a tier
(:mod:`law.penalty_text`). The curated file adds what no mechanical reading can: the general provisions'
figures and the numeric thresholds of the judicial interpretations, each with its quote. Every quote is checked
against its file before anything is written.

    python -m law.transcribe            # rewrite law/data/penalties.json
    python -m law.transcribe --check    # exit 1 if the file is not what the sources give
"""

from __future__ import annotations

import argparse
import copy
import json
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import asdict
from pathlib import Path
from typing import Any

from law.charge_articles import CHARGE_LISTS, ChargeArticles, charge_articles
from law.penalties import Penalty
from law.penalty_text import PenaltyClause, Reference, find_penalty_clauses, find_references
from law.statute import (
    CRIMINAL_LAW_FILE,
    Article,
    ArticleNo,
    article_label,
    criminal_law,
    normalise_space,
    statute_text,
    statute_title,
)

__all__ = ["DATA_DIR", "main", "transcribe", "verify_quotes"]

DATA_DIR = Path(__file__).parent / "data"
_DATE_RE = re.compile(r"\((\d{4}-\d{2}-\d{2})\)\.md$")


def _penalty_json(p: Penalty) -> dict[str, Any]:
    d = asdict(p)
    d["fine"] = p.fine.value if p.fine else None
    d["confiscation"] = p.confiscation.value if p.confiscation else None
    return d


def _citation(article: str, quote: str, source: str = CRIMINAL_LAW_FILE) -> dict[str, str]:
    return {"source": source, "article": article, "quote": quote}


class _Transcriber:
    """Tiers for every listed charge, read from the consolidated Criminal Law."""

    def __init__(self, root: Path | None) -> None:
        self.law = criminal_law(root)
        self.lists = charge_articles(root)
        # Paragraphs that a current charge claims by number are not part of another charge on the same article
        # (袭警 is 第二百七十七条第五款, so 妨害公务 on 第二百七十七条 is paragraphs 1–4).
        self.claimed: dict[ArticleNo, dict[int, set[str]]] = {}
        for c in self.lists.values():
            if c.replaced_by is None:
                for ref in c.refs:
                    if ref.paragraph:
                        self.claimed.setdefault(ref.article, {}).setdefault(ref.paragraph, set()).add(c.charge)

    def paragraphs(self, charge: ChargeArticles) -> list[tuple[Article, int]]:
        out: list[tuple[Article, int]] = []
        for ref in charge.refs:
            article = self.law.get(ref.article)
            if article is None:
                continue
            if ref.paragraph:
                if ref.paragraph <= len(article.paragraphs):  # a paragraph since repealed has no text
                    out.append((article, ref.paragraph))
                continue
            claims = self.claimed.get(ref.article, {})
            out.extend(
                (article, i)
                for i in range(1, len(article.paragraphs) + 1)
                if not claims.get(i) or charge.charge in claims[i]
            )
        # 对犯贪污罪的 / 对犯行贿罪的: an article that only punishes a charge defined in another one.
        opening = f"对犯{charge.charge}罪的"
        for article in self.law.values():
            for i, text in enumerate(article.paragraphs, 1):
                if text.startswith(opening) and (article, i) not in out:
                    out.append((article, i))
        return list(dict.fromkeys(out))

    def clauses_of(self, article: Article, index: int) -> list[PenaltyClause]:
        return find_penalty_clauses(article.paragraphs[index - 1])

    def tiers(self, charge: ChargeArticles) -> list[dict[str, Any]]:
        own = self.paragraphs(charge)
        raw: list[dict[str, Any]] = []
        for article, index in own:
            label = article_label(article.no, index if len(article.paragraphs) > 1 else None)
            for clause in self.clauses_of(article, index):
                raw.append(self._tier(clause, label))
            for ref in find_references(article.paragraphs[index - 1], index):
                raw.extend(self._referred(ref, article, label, own))
        individual = [t for t in raw if not t["unit"]]
        unique = list({(t["condition"], t["penalty"]["text"], t["article"]): t for t in individual or raw}.values())
        out: list[dict[str, Any]] = []
        for number, ladder in enumerate(_ladders(unique), 1):
            for t in sorted(ladder, key=lambda t: (t["_low"], t["_high"])):
                del t["_low"], t["_high"]
                out.append({"level": len(out) + 1, "ladder": number, **t})
        return out

    def _tier(self, clause: PenaltyClause, label: str, via: dict[str, str] | None = None) -> dict[str, Any]:
        tier: dict[str, Any] = {
            "condition": clause.condition,
            "penalty": _penalty_json(clause.penalty),
            **_citation(label, clause.quote),
            "unit": clause.unit,
            **({"items": list(clause.items)} if clause.items else {}),
            "_low": clause.penalty.lowest_rank,
            "_high": clause.penalty.highest_rank,
        }
        if via:  # the tier's own text refers elsewhere: its condition and quote are its own, the penalty is not
            tier["penalty_from"] = _citation(label, clause.quote)
            tier.update(condition=via["condition"], article=via["article"], quote=via["quote"])
            tier.pop("items", None)  # the referred clause's items describe its conduct, not this tier's
        return tier

    def _referred(
        self, ref: Reference, article: Article, label: str, own: list[tuple[Article, int]]
    ) -> list[dict[str, Any]]:
        via = {"condition": ref.condition, "article": label, "quote": ref.quote}
        if ref.article is None:
            if all((article, p) in own for p in ref.paragraphs):
                return []  # the referred paragraphs are this charge's own: their tiers are already here
            targets = [(article, p) for p in ref.paragraphs if 0 < p <= len(article.paragraphs)]
        else:
            target = self.law[ArticleNo(ref.article)]
            paras = [ref.article_paragraph] if ref.article_paragraph else range(1, len(target.paragraphs) + 1)
            targets = [(target, p) for p in paras]
        clauses = [
            (clause, article_label(a.no, p if len(a.paragraphs) > 1 else None))
            for a, p in targets
            for clause in self.clauses_of(a, p)
        ]
        # The individuals' penalty where the referred text has one; a unit crime's (私分罚没财物) otherwise.
        found = [c for c in clauses if not c[0].unit] or clauses
        # 致人死亡或者有其他特别严重情节的，依照本法第一百四十一条的规定处罚: the referred tier with the same condition.
        tail = re.split(r"[，,]", ref.condition)[-1]
        matching = [f for f in found if tail and f[0].condition.endswith(tail)]
        tiers = [self._tier(clause, lab, via) for clause, lab in (matching or found)]
        for t in tiers:
            t["unit"] = t["unit"] or ref.unit
            if ref.heavier:
                t["note"] = "依照所引条款的规定从重处罚"
        return tiers


def _overlap(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return max(a["_low"], b["_low"]) < min(a["_high"], b["_high"])


def _ladders(tiers: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Group tiers into ladders (量刑幅度 in sequence), each text's tiers together, in statute order.

    The tiers of one text never overlap, and neither do those of paragraphs that continue one scale (第二百三十四条
    第一、二款; 第三百四十七条第二至四款). A text whose ranges overlap a ladder's is a variant with its own scale
    (第三百九十七条第二款 徇私舞弊, 第四百三十二条第二款 战时), so it starts a new ladder: 刑法第六十三条's "next lower
    tier" is only meaningful within one.
    """
    groups: dict[tuple[str, str | None], list[dict[str, Any]]] = {}
    for t in tiers:
        groups.setdefault((t["article"], t.get("penalty_from", {}).get("article")), []).append(t)
    ladders: list[list[dict[str, Any]]] = []
    for group in groups.values():
        home = next((ld for ld in ladders if not any(_overlap(a, b) for a in ld for b in group)), None)
        if home is None:
            ladders.append(list(group))
        else:
            home.extend(group)
    return ladders


def _sources(files: Iterable[str], root: Path | None) -> list[dict[str, str | None]]:
    out: list[dict[str, str | None]] = []
    for f in sorted(set(files)):
        date = _DATE_RE.search(f)
        out.append({"file": f, "title": statute_title(f, root), "date": date.group(1) if date else None})
    return out


def _inherit_successors(charges: dict[str, dict[str, Any]]) -> None:
    """A retired name takes the tiers of the name that replaced it: its old paragraph numbers may no longer
    point at its conduct (非法获取公民个人信息 was 第二百五十三条之一第二款, now 第三款 of 侵犯公民个人信息)."""
    for entry in charges.values():
        successor = entry.get("replaced_by")
        while successor in charges and charges[successor].get("replaced_by"):
            successor = charges[successor]["replaced_by"]
        if successor in charges:
            entry["tiers"] = copy.deepcopy(charges[successor]["tiers"])
            entry["note"] = f"罪名已取消，由“{successor}”取代；档次为现行刑法中“{successor}”的档次"


def _resolve_source(entry: Mapping[str, Any], files: Mapping[str, str]) -> dict[str, Any]:
    """A curated citation with its short source name (盗窃2013) replaced by the file path."""
    if entry["source"] not in files:
        raise ValueError(f"curated data cites an unknown source: {entry['source']}")
    return {**entry, "source": files[entry["source"]]}


def _apply_curated(charges: dict[str, dict[str, Any]], curated: Mapping[str, Any], files: Mapping[str, str]) -> None:
    for name, extra in curated.items():
        if name not in charges:
            raise ValueError(f"curated data names a charge the lists do not hold: {name}")
        entry = charges[name]
        if "note" in extra:
            entry["note"] = extra["note"]
        for level_key, tier_extra in extra.get("tiers", {}).items():
            level = int(level_key)
            tier = next((t for t in entry["tiers"] if t["level"] == level), None)
            texts = tier["condition"] + tier.get("penalty_from", {}).get("quote", "") if tier else ""
            if tier is None or tier_extra["condition"] not in texts:
                raise ValueError(
                    f"{name} 第{level}档 is not the tier the curated data expects: {tier_extra['condition']}"
                )
            tier["thresholds"] = [_resolve_source(t, files) for t in tier_extra.get("thresholds", [])]
            if "note" in tier_extra:
                tier["note"] = tier_extra["note"]


def verify_quotes(document: Mapping[str, Any], root: Path | None = None) -> list[str]:
    """Every citation of the document whose quote is not in its source file (whitespace aside)."""
    problems = []
    for cite in _citations(document):
        text = normalise_space(statute_text(cite["source"], root))
        if normalise_space(cite["quote"]) not in text:
            problems.append(f"{cite['source']} {cite['article']}: {cite['quote'][:40]}")
    return problems


def _unknown_names(document: Mapping[str, Any]) -> list[str]:
    """Facts the thresholds use without a description, and aliases to charges the data does not hold."""
    problems = [
        f"alias to an unknown charge: {a} → {c}" for a, c in document["aliases"].items() if c not in document["charges"]
    ]
    for name, charge in document["charges"].items():
        for tier in charge["tiers"]:
            for th in tier.get("thresholds", []):
                problems.extend(f"{name}: undescribed fact {f}" for f in th["facts"] if f not in document["facts"])
    return problems


def _citations(document: Mapping[str, Any]) -> Iterable[Mapping[str, str]]:
    yield from document["general"].values()
    for charge in document["charges"].values():
        for tier in charge["tiers"]:
            yield tier
            for item in tier.get("items", []):
                yield {**tier, "quote": item}
            if tier.get("penalty_from"):
                yield tier["penalty_from"]
            yield from tier.get("thresholds", [])


def transcribe(root: Path | None = None, curated_path: Path | None = None) -> dict[str, Any]:
    """The penalty document: general provisions, every listed charge with its tiers, thresholds and sources."""
    curated = json.loads((curated_path or DATA_DIR / "curated.json").read_text(encoding="utf-8"))
    t = _Transcriber(root)
    charges: dict[str, dict[str, Any]] = {}
    for name in sorted(t.lists):
        c = t.lists[name]
        entry: dict[str, Any] = {
            "articles": [article_label(r.article, r.paragraph) for r in c.refs],
            "listed_in": c.listed_in,
            "tiers": t.tiers(c),
        }
        if c.replaced_by:
            entry["replaced_by"] = c.replaced_by
        charges[name] = entry
    _inherit_successors(charges)
    files = curated["interpretations"]
    _apply_curated(charges, curated["charges"], files)
    document: dict[str, Any] = {
        "version": curated["version"],
        "note": curated["note"],
        "sources": [],
        "facts": curated["facts"],
        "general": {k: _resolve_source(g, files) for k, g in curated["general"].items()},
        "aliases": curated["aliases"],
        "charges": charges,
    }
    cited = [CRIMINAL_LAW_FILE, *CHARGE_LISTS, *(c["source"] for c in _citations(document))]
    document["sources"] = _sources(cited, root)
    problems = verify_quotes(document, root) + _unknown_names(document)
    if problems:
        raise ValueError("the penalty data does not check out:\n" + "\n".join(problems))
    return document


def _dump(document: Mapping[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Rewrite (or, with ``--check``, compare) ``law/data/penalties.json``."""
    parser = argparse.ArgumentParser(prog="python -m law.transcribe", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only compare with the file on disk")
    args = parser.parse_args(argv)
    target = DATA_DIR / "penalties.json"
    text = _dump(transcribe())
    if args.check:
        same = target.exists() and target.read_text(encoding="utf-8") == text
        print("up to date" if same else f"{target} differs from what the sources give", file=sys.stderr)
        return 0 if same else 1
    target.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
