"""Infers the charges (or causes of action) of a fact description the judge typed without naming them.

A linear one-vs-rest classifier over tf-idf of the index's own tokens, trained on the findings of fact
of the indexed judgments with every charge-name token removed: judgments name their charge in the
allegation and the reasoning, a pending case's description does not, and a model that learned to read
charge names would be useless on exactly the queries it is for. Trained at ingest, saved with the index.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

import joblib
import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.multiclass import OneVsRestClassifier
from sklearn.preprocessing import MultiLabelBinarizer
from sklearn.svm import LinearSVC

from corpus.charges import charge_names

__all__ = ["ChargeModel"]

_FORMAT = "leian-charge-model/1"
#: Slope of the logistic squashing of SVM margins into [0, 1] scores; 3 puts a margin of 0 at 0.5 and
#: a margin of 1 at 0.95, which makes multi-charge cases keep their second charge.
_SLOPE = 3.0


def _identity(tokens: Sequence[str]) -> Sequence[str]:
    return tokens


class ChargeModel:
    """Charge probabilities for token lists; ``fit`` on (findings tokens, charges) pairs."""

    def __init__(self) -> None:
        self._vec: TfidfVectorizer | None = None
        # One (features × charges) matrix instead of the fitted one-vs-rest estimators: scoring a query is one
        # sparse-dense product (well under a millisecond) rather than 250 validated estimator calls (~100 ms).
        self._weights: np.ndarray | None = None
        self._bias: np.ndarray | None = None
        self._labels: list[str] = []
        self._blocked = frozenset(charge_names())

    @property
    def labels(self) -> list[str]:
        """Charges the model knows."""
        return list(self._labels)

    def _clean(self, tokens: Iterable[str]) -> list[str]:
        return [t for t in tokens if "罪" not in t and t not in self._blocked]

    def fit(self, tokens: Sequence[Sequence[str]], charges: Sequence[Sequence[str]]) -> ChargeModel:
        """Train on documents that have at least one charge; needs two distinct charges at least."""
        pairs = [(self._clean(t), list(c)) for t, c in zip(tokens, charges, strict=True) if c]
        mlb = MultiLabelBinarizer()
        y = mlb.fit_transform([c for _, c in pairs])
        if len(mlb.classes_) < 2:
            raise ValueError("the charge model needs documents of at least two different charges")
        self._vec = TfidfVectorizer(analyzer=_identity, sublinear_tf=True, min_df=2, max_features=100_000)
        x = self._vec.fit_transform([t for t, _ in pairs])
        clf = OneVsRestClassifier(LinearSVC(C=0.5), n_jobs=2).fit(x, y)
        self._weights = np.ascontiguousarray(np.vstack([e.coef_.ravel() for e in clf.estimators_]).T, np.float32)
        self._bias = np.array([float(np.ravel(e.intercept_)[0]) for e in clf.estimators_], dtype=np.float32)
        self._labels = [str(c) for c in mlb.classes_]
        return self

    @property
    def trained(self) -> bool:
        """Whether the model has been fitted (a corpus without two charges leaves it untrained)."""
        return self._weights is not None

    def _scores(self, tokens: Sequence[Sequence[str]]) -> np.ndarray:
        assert self._vec is not None and self._weights is not None and self._bias is not None
        # The fitted vectoriser's own vocabulary and idf, applied directly: ``TfidfVectorizer.transform`` spends
        # more time validating one query than scoring it. Sublinear tf, idf, l2 norm — as in fitting.
        vocabulary, idf = self._vec.vocabulary_, self._vec.idf_
        margins = np.empty((len(tokens), len(self._labels)), dtype=np.float32)
        for i, doc in enumerate(tokens):  # only the rows of the document's own features are read
            counts = Counter(j for t in self._clean(doc) if (j := vocabulary.get(t)) is not None)
            cols = np.fromiter(counts, dtype=np.int64, count=len(counts))
            order = np.argsort(cols)
            cols = cols[order]
            values = np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts))[order]) + 1.0
            values *= idf[cols]
            norm = np.sqrt(values @ values)
            if norm > 0:
                values /= norm
            margins[i] = values.astype(np.float32) @ self._weights[cols] + self._bias
        return 1.0 / (1.0 + np.exp(-_SLOPE * margins))

    def predict(self, tokens: Sequence[Sequence[str]]) -> list[dict[str, float]]:
        """Per document, charge → score in [0, 1] for every known charge scoring at least 0.05."""
        if not self.trained:
            return [{} for _ in tokens]
        return [self._charges(p) for p in self._scores(tokens)]

    def analyse(self, tokens: Sequence[str]) -> tuple[dict[str, float], np.ndarray]:
        """:meth:`predict` and :meth:`profiles` of one document, scoring it once."""
        if not self.trained:
            return {}, np.zeros(0, dtype=np.float32)
        scores = self._scores([tokens])
        return self._charges(scores[0]), _unit_rows(scores)[0]

    def _charges(self, scores: np.ndarray) -> dict[str, float]:
        return {self._labels[j]: float(scores[j]) for j in np.flatnonzero(scores >= 0.05)}

    def profiles(self, tokens: Sequence[Sequence[str]]) -> np.ndarray:
        """Unit-length charge-score vectors: how a case would be characterised, for comparing two cases.

        Two fact patterns that both look like 寻衅滋事 *or* 故意伤害 are alike even when neither reading is sure;
        the cosine of these profiles captures that where a single predicted charge cannot.
        """
        if not self.trained:
            return np.zeros((len(tokens), 0), dtype=np.float32)
        return _unit_rows(self._scores(tokens))

    def save(self, directory: Path) -> None:
        """Write the model and its config into ``directory``."""
        directory.mkdir(parents=True, exist_ok=True)
        tmp = directory / "model.joblib.tmp"
        assert self._weights is not None
        state = {
            "vec": self._vec,
            "weights": self._weights.astype(np.float16),
            "bias": self._bias,
            "labels": self._labels,
        }
        joblib.dump(state, tmp)
        tmp.replace(directory / "model.joblib")
        (directory / "config.json").write_text(
            json.dumps({"format": _FORMAT, "labels": len(self._labels), "slope": _SLOPE}), encoding="utf-8"
        )

    @classmethod
    def load(cls, directory: Path) -> ChargeModel:
        """The model saved in ``directory``; an untrained model when there is none."""
        model = cls()
        path = directory / "model.joblib"
        if path.exists():
            state = joblib.load(path)
            model._vec, model._labels, model._bias = state["vec"], state["labels"], state["bias"]
            model._weights = np.ascontiguousarray(state["weights"], dtype=np.float32)
        return model


def _unit_rows(scores: np.ndarray) -> np.ndarray:
    return scores / np.maximum(np.linalg.norm(scores, axis=1, keepdims=True), 1e-9)
