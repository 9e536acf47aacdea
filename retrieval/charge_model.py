"""Infers the charges (罪名) or causes of action of a fact description the judge typed without naming them.

Three kinds of evidence make one calibrated probability per charge (the chance that the case is charged with it;
a case may have several):

1. **a linear classifier** (one-vs-rest linear SVM) over the words and character bigrams of the findings of fact,
   trained on the indexed judgments with the charges they name removed from the text (judgments name their
   charge, a pending case's description does not); its margins become probabilities by a logistic curve fitted
   on judgments held out from the classifier's training;
2. **the charges of the nearest judgments** (lexical neighbours), weighted by their similarity;
3. **the law's distinctions between neighbouring charges** (:mod:`retrieval.charge_rules`): cues for the acts
   that define a charge and the precedence rules of the Criminal Law and its interpretations.

How much each counts — the logistic curve, the neighbours' share and sharpness, each rule's strength — is fitted
on a fifth of the corpus held out from the classifier (never on search queries or the evaluation split), by
maximum likelihood. Trained at ingest, saved with the index.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import joblib
import numpy as np
from joblib import parallel_backend
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.multiclass import OneVsRestClassifier
from sklearn.preprocessing import MultiLabelBinarizer
from sklearn.svm import LinearSVC

from indexing.tokenizer import char_bigrams
from retrieval.charge_rules import ChargeRules, strip_charge_names

__all__ = ["NEIGHBOURS", "ChargeInference", "ChargeModel", "Neighbours"]

_FORMAT = "leian-charge-model/2"
#: Regularisation of the linear SVM (sklearn's default scale; the classifier is one of three sources).
_C = 0.5
#: One judgment in this many is held out to fit the calibration (by a hash of its id, so it is reproducible).
_HOLD_OUT = 5
#: Probabilities are kept away from 0 and 1 before the rules shift their odds.
_EPS = 1e-4
#: Charges below this probability are not reported.
_REPORT = 0.05
#: L2 penalty on the rule strengths: a rule the held-out judgments rarely exercise keeps a small effect.
_RULE_PENALTY = 1e-3

#: How many nearest judgments vote on a description's charges.
NEIGHBOURS = 30
#: The charges of the nearest other judgments and their similarity scores, best first.
Neighbours = Sequence[tuple[Sequence[str], float]]


def _identity(tokens: Sequence[str]) -> Sequence[str]:
    return tokens


def _words(tokens: Sequence[str]) -> list[str]:
    """Words a classifier may read: not a charge's name with 罪 (盗窃罪 is one token in the legal dictionary)."""
    return [t for t in tokens if "罪" not in t]


@dataclass
class ChargeInference:
    """What the model concluded for one fact description."""

    charges: dict[str, float]  # charge → probability, most likely first, those ≥ 0.05
    profile: np.ndarray  # the classifier's view alone, unit length: compared between cases
    rules: list[dict[str, Any]] = field(default_factory=list)  # legal distinctions that applied, with sources

    def likely(self, threshold: float = 0.5) -> list[str]:
        """The charges to treat the case under: those at least ``threshold`` probable (the most probable always),
        without any a precedence rule of the law displaced (醉驾 that is 交通肇事 is not also 危险驾驶)."""
        displaced = {c for r in self.rules for c in r.get("over", ())}
        kept = [c for c, p in self.charges.items() if p >= threshold and c not in displaced]
        return kept or list(self.charges)[:1]


@dataclass
class _Calibration:
    """The fitted combination: logistic curve of the margins, neighbours' share and sharpness, rule strengths."""

    slope: float = 3.0
    offset: float = 0.0
    neighbours: float = 0.0
    sharpness: float = 1.0
    rules: dict[str, float] = field(default_factory=dict)


class ChargeModel:
    """Charge probabilities for fact descriptions; ``fit`` on the indexed judgments."""

    def __init__(self) -> None:
        self._words: TfidfVectorizer | None = None
        self._bigrams: TfidfVectorizer | None = None
        # One (features × charges) matrix instead of the fitted one-vs-rest estimators: scoring a query is one
        # sparse-dense product rather than hundreds of validated estimator calls.
        self._weights: np.ndarray | None = None
        self._bias: np.ndarray | None = None
        self._labels: list[str] = []
        self._column: dict[str, int] = {}
        self._calibration = _Calibration()
        self._rules = ChargeRules.load()
        self.info: dict[str, Any] = {}

    @property
    def labels(self) -> list[str]:
        """Charges the model knows."""
        return list(self._labels)

    @property
    def trained(self) -> bool:
        """Whether the model has been fitted (a corpus without two charges leaves it untrained)."""
        return self._weights is not None

    # --- training ------------------------------------------------------------------------------------
    def fit(
        self,
        ids: Sequence[str],
        texts: Sequence[str],
        tokens: Sequence[Sequence[str]],
        charges: Sequence[Sequence[str]],
        neighbours: Callable[[Sequence[int]], list[Neighbours]],
    ) -> ChargeModel:
        """Train on judgments with at least one charge: ``texts`` are their findings, ``tokens`` the findings'
        words; ``neighbours(rows)`` gives each listed row's nearest *other* judgments (for the calibration)."""
        rows = [i for i, c in enumerate(charges) if c]
        labels = sorted({c for i in rows for c in charges[i]})
        if len(labels) < 2:
            raise ValueError("the charge model needs documents of at least two different charges")
        stripped = [strip_charge_names(t) for t in texts]
        held = [i for i in rows if int(hashlib.sha256(ids[i].encode()).hexdigest(), 16) % _HOLD_OUT == 0]
        held_set = set(held)
        train = [i for i in rows if i not in held_set]
        calibration = _Calibration()
        if len(held) >= 20 and len({c for i in train for c in charges[i]}) >= 2:
            self._train_classifier(
                [stripped[i] for i in train], [tokens[i] for i in train], [charges[i] for i in train]
            )
            margins = self._margins([stripped[i] for i in held], [tokens[i] for i in held])
            calibration = self._fit_calibration(
                margins, neighbours(held), [stripped[i] for i in held], [charges[i] for i in held]
            )
        self._train_classifier([stripped[i] for i in rows], [tokens[i] for i in rows], [charges[i] for i in rows])
        self._calibration = calibration
        self.info = {"documents": len(rows), "held_out": len(held), "rules_version": self._rules.version}
        return self

    def _train_classifier(
        self, texts: Sequence[str], tokens: Sequence[Sequence[str]], charges: Sequence[Sequence[str]]
    ) -> None:
        mlb = MultiLabelBinarizer()
        y = mlb.fit_transform(charges)
        self._words = TfidfVectorizer(analyzer=_identity, sublinear_tf=True, min_df=2, max_features=100_000)
        self._bigrams = TfidfVectorizer(analyzer=_identity, sublinear_tf=True, min_df=3, max_features=150_000)
        x = sparse.hstack(
            [
                self._words.fit_transform([_words(t) for t in tokens]),
                self._bigrams.fit_transform([char_bigrams(t) for t in texts]),
            ]
        ).tocsr()
        # liblinear releases the GIL: two threads fit two charges at once without copying the matrix to processes
        with parallel_backend("threading", n_jobs=2):
            clf = OneVsRestClassifier(LinearSVC(C=_C, random_state=0), n_jobs=2).fit(x, y)
        self._weights = np.ascontiguousarray(np.vstack([e.coef_.ravel() for e in clf.estimators_]).T, np.float32)
        self._bias = np.array([float(np.ravel(e.intercept_)[0]) for e in clf.estimators_], dtype=np.float32)
        self._labels = [str(c) for c in mlb.classes_]
        self._column = {c: j for j, c in enumerate(self._labels)}

    def _fit_calibration(
        self, margins: np.ndarray, neighbours: list[Neighbours], texts: Sequence[str], charges: Sequence[Sequence[str]]
    ) -> _Calibration:
        """Maximum-likelihood fit of the combination on held-out judgments (binary log-loss over every charge)."""
        import torch

        n, k = margins.shape
        y = torch.zeros(n, k, dtype=torch.float64)
        for i, cs in enumerate(charges):
            for c in cs:
                if c in self._column:
                    y[i, self._column[c]] = 1.0
        votes, rel = self._vote_arrays(neighbours)
        effects, rule_ids = self._rule_arrays(texts)
        m = torch.tensor(margins, dtype=torch.float64)
        v, r = torch.tensor(votes, dtype=torch.float64), torch.tensor(rel, dtype=torch.float64)
        e = torch.tensor(effects, dtype=torch.float64)  # (rules, n, k)
        # unconstrained parameters, mapped into their ranges: slope > 0, share in (0, 1), sharpness > 0, rules ≥ 0
        raw = torch.zeros(4 + len(rule_ids), dtype=torch.float64, requires_grad=True)
        with torch.no_grad():
            raw[0] = np.log(3.0)

        def unpack(p: torch.Tensor) -> tuple[torch.Tensor, ...]:
            softplus = torch.nn.functional.softplus
            return torch.exp(p[0]), p[1], torch.sigmoid(p[2] - 1.0), torch.exp(p[3]), softplus(p[4:])

        def loss() -> torch.Tensor:
            slope, offset, share, sharp, beta = unpack(raw)
            p = self._combine_torch(m, v, r, e, slope, offset, share, sharp, beta)
            bce = torch.nn.functional.binary_cross_entropy(p, y, reduction="sum") / n
            return bce + _RULE_PENALTY * (beta**2).sum()

        opt = torch.optim.LBFGS([raw], max_iter=200, line_search_fn="strong_wolfe")

        def closure() -> torch.Tensor:
            opt.zero_grad()
            value = loss()
            value.backward()
            return value

        opt.step(closure)
        slope, offset, share, sharp, beta = (t.detach().numpy() for t in unpack(raw))
        return _Calibration(
            slope=float(slope),
            offset=float(offset),
            neighbours=float(share),
            sharpness=float(sharp),
            rules={rid: float(b) for rid, b in zip(rule_ids, beta, strict=True)},
        )

    @staticmethod
    def _combine_torch(m, v, r, e, slope, offset, share, sharp, beta):  # type: ignore[no-untyped-def]
        """The combination of :meth:`infer` on tensors (held-out documents × charges), differentiable."""
        import torch

        weights = torch.where(r > 0, r.clamp(min=1e-12) ** sharp, torch.zeros_like(r))  # (n, neighbours)
        total = weights.sum(1, keepdim=True).clamp(min=1e-12)
        vote = torch.einsum("nj,njk->nk", weights / total, v)
        has = (r[:, :1] > 0).to(m.dtype)
        p = (1 - share * has) * torch.sigmoid(slope * m + offset) + share * has * vote
        p = p.clamp(_EPS, 1 - _EPS)
        logit = torch.log(p) - torch.log1p(-p) + torch.einsum("r,rnk->nk", beta, e)
        return torch.sigmoid(logit)

    def _vote_arrays(self, neighbours: list[Neighbours]) -> tuple[np.ndarray, np.ndarray]:
        """Per document: the neighbours' charge indicators (n, j, k) and relative similarity (n, j) in [0, 1]."""
        width = max((len(nb) for nb in neighbours), default=0) or 1
        votes = np.zeros((len(neighbours), width, len(self._labels)), dtype=np.float32)
        rel = np.zeros((len(neighbours), width), dtype=np.float32)
        for i, nb in enumerate(neighbours):
            top = nb[0][1] if nb and nb[0][1] > 0 else 0.0
            for j, (cs, score) in enumerate(nb):
                if top > 0:
                    rel[i, j] = max(score, 0.0) / top
                for c in cs:
                    col = self._column.get(c)
                    if col is not None:
                        votes[i, j, col] = 1.0
        return votes, rel

    def _rule_arrays(self, texts: Sequence[str]) -> tuple[np.ndarray, list[str]]:
        """The signed rule indicators (rules, n, k) over the charges the model knows."""
        rules = [r for r in self._rules.rules if r.charge in self._column]
        effects = np.zeros((len(rules), len(texts), len(self._labels)), dtype=np.float32)
        for i, text in enumerate(texts):
            for n, rule in enumerate(rules):
                if rule.fires(text):
                    for c, sign in rule.effects().items():
                        col = self._column.get(c)
                        if col is not None:
                            effects[n, i, col] = sign
        return effects, [r.id for r in rules]

    # --- inference -----------------------------------------------------------------------------------
    def _margins(self, texts: Sequence[str], tokens: Sequence[Sequence[str]]) -> np.ndarray:
        """SVM margins per document and charge; ``texts`` have their charge names stripped already."""
        assert self._words is not None and self._bigrams is not None
        assert self._weights is not None and self._bias is not None
        out = np.empty((len(texts), len(self._labels)), dtype=np.float32)
        n_words = len(self._words.vocabulary_)
        for i, (text, toks) in enumerate(zip(texts, tokens, strict=True)):
            # The fitted vectorisers' vocabularies and idf applied directly (sublinear tf, idf, l2 norm per part,
            # as in fitting): ``TfidfVectorizer.transform`` spends more time validating one query than scoring it.
            cols_w, vals_w = _tfidf(_words(toks), self._words)
            cols_b, vals_b = _tfidf(char_bigrams(text), self._bigrams)
            cols = np.concatenate([cols_w, cols_b + n_words])
            vals = np.concatenate([vals_w, vals_b]).astype(np.float32)
            out[i] = vals @ self._weights[cols] + self._bias
        return out

    def _classifier(self, margins: np.ndarray) -> np.ndarray:
        cal = self._calibration
        return 1.0 / (1.0 + np.exp(-(cal.slope * margins + cal.offset)))

    def infer(self, text: str, tokens: Sequence[str], neighbours: Neighbours = ()) -> ChargeInference:
        """The charges of one fact description (``text``, its words ``tokens``) and its nearest judgments."""
        if not self.trained:
            return ChargeInference({}, np.zeros(0, dtype=np.float32))
        stripped = strip_charge_names(text)
        clf = self._classifier(self._margins([stripped], [tokens]))[0]
        cal = self._calibration
        p = clf.astype(np.float64)
        if neighbours and neighbours[0][1] > 0 and cal.neighbours > 0:
            votes, rel = self._vote_arrays([neighbours])
            weights = np.where(rel[0] > 0, np.maximum(rel[0], 1e-12) ** cal.sharpness, 0.0)
            vote = (weights / max(weights.sum(), 1e-12)) @ votes[0]
            p = (1 - cal.neighbours) * p + cal.neighbours * vote
        p = np.clip(p, _EPS, 1 - _EPS)
        logit = np.log(p) - np.log1p(-p)
        applied = []
        for rule in self._rules.rules:
            strength = cal.rules.get(rule.id, 0.0)
            if strength <= 0 or not rule.fires(stripped):
                continue
            for c, sign in rule.effects().items():
                col = self._column.get(c)
                if col is not None:
                    logit[col] += sign * strength
            if rule.kind == "prefers" or p[self._column[rule.charge]] >= _REPORT:
                applied.append(
                    {"id": rule.id, "charge": rule.charge, "over": list(rule.over), "reason": rule.reason,
                     "source": rule.source}
                )  # fmt: skip
        p = 1.0 / (1.0 + np.exp(-logit))
        charges = {self._labels[j]: round(float(p[j]), 4) for j in np.argsort(-p) if p[j] >= _REPORT}
        return ChargeInference(charges, _unit_rows(clf[None, :])[0], applied)

    def profiles(self, texts: Sequence[str], tokens: Sequence[Sequence[str]]) -> np.ndarray:
        """Unit-length vectors of the classifier's charge probabilities: how a case would be characterised.

        Two fact patterns that both look like 寻衅滋事 *or* 故意伤害 are alike even when neither reading is sure;
        the cosine of these profiles captures that where a single predicted charge cannot.
        """
        if not self.trained:
            return np.zeros((len(texts), 0), dtype=np.float32)
        stripped = [strip_charge_names(t) for t in texts]
        return _unit_rows(self._classifier(self._margins(stripped, tokens)))

    # --- persistence ---------------------------------------------------------------------------------
    def save(self, directory: Path) -> None:
        """Write the model and its config into ``directory``."""
        directory.mkdir(parents=True, exist_ok=True)
        assert self._weights is not None
        state = {
            "words": self._words,
            "bigrams": self._bigrams,
            "weights": self._weights.astype(np.float16),
            "bias": self._bias,
            "labels": self._labels,
            "calibration": self._calibration.__dict__,
        }
        tmp = directory / "model.joblib.tmp"
        joblib.dump(state, tmp)
        tmp.replace(directory / "model.joblib")
        config = {"format": _FORMAT, "labels": len(self._labels), "calibration": self._calibration.__dict__}
        (directory / "config.json").write_text(
            json.dumps({**config, **self.info}, ensure_ascii=False, indent=2), encoding="utf-8"
        )

    @classmethod
    def load(cls, directory: Path) -> ChargeModel:
        """The model saved in ``directory``; an untrained model when there is none (or one of an older format)."""
        model = cls()
        path, config = directory / "model.joblib", directory / "config.json"
        if path.exists() and config.exists():
            meta = json.loads(config.read_text(encoding="utf-8"))
            if meta.get("format") != _FORMAT:
                return model
            state = joblib.load(path)
            model._words, model._bigrams = state["words"], state["bigrams"]
            model._labels, model._bias = state["labels"], state["bias"]
            model._weights = np.ascontiguousarray(state["weights"], dtype=np.float32)
            model._column = {c: j for j, c in enumerate(model._labels)}
            model._calibration = _Calibration(**state["calibration"])
            model.info = {k: v for k, v in meta.items() if k not in ("format", "labels", "calibration")}
        return model


def _tfidf(terms: Sequence[str], vectorizer: TfidfVectorizer) -> tuple[np.ndarray, np.ndarray]:
    """Columns and l2-normalised sublinear tf-idf values of ``terms`` in a fitted vectoriser, columns sorted."""
    vocabulary, idf = vectorizer.vocabulary_, vectorizer.idf_
    counts = Counter(j for t in terms if (j := vocabulary.get(t)) is not None)
    cols = np.fromiter(counts, dtype=np.int64, count=len(counts))
    values = np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts))) + 1.0
    values *= idf[cols]
    norm = np.sqrt(values @ values)
    if norm > 0:
        values /= norm
    return cols, values


def _unit_rows(scores: np.ndarray) -> np.ndarray:
    return (scores / np.maximum(np.linalg.norm(scores, axis=1, keepdims=True), 1e-9)).astype(np.float32)
