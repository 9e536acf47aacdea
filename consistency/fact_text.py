"""What the wording of the facts says about the sentence, as two features of the outcome model.

The legal elements (charge, tier, amounts, circumstances) miss much of what courts weigh for the charges they are
not written for: how many animals were hunted, what an official's neglect cost, whether a fugitive escaped from
prison with years left to serve. A linear model of the facts' character bigrams (the tokens the search uses,
:func:`indexing.tokenizer.char_bigrams`) reads them: a ridge regression of log(1 + months) and a logistic
regression of "no prison term" (免予刑事处罚, 单处罚金). They are stacked: the training rows get out-of-fold
predictions, so the boosting model learns how far to trust them rather than memorising its own training fit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import KFold

from indexing.tokenizer import char_bigrams

__all__ = ["FACT_CHARS", "TEXT_FEATURES", "FactTextModel", "TextStack"]

#: The facts are read up to this many characters: the conduct, the amounts and the harm come first; LeCaRD's long
#: findings go on to evidence lists that say little about the sentence and cost time.
FACT_CHARS = 1500
TEXT_FEATURES = ("text_log_months", "text_no_term")
#: Life imprisonment and death count as this many months for the regression (the top of 有期徒刑 after 数罪并罚).
_GRAVE_MONTHS = 300.0
_FOLDS = 3
_SMALL = 100
_REMEMBERED = 4096


def _identity(tokens: list[str]) -> list[str]:
    return tokens


@dataclass
class FactTextModel:
    """TF-IDF of the facts' character bigrams with a ridge for the term and a logistic model for no term."""

    vectorizer: TfidfVectorizer
    months: Ridge
    no_term: LogisticRegression | None
    #: Features of recently seen facts: an audit reads each case several times (the case, the case without each
    #: circumstance, the case without any), and vectorising the facts costs more than the rest of a prediction.
    _seen: dict[str, np.ndarray] = field(default_factory=dict, repr=False, compare=False)

    def __getstate__(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "_seen"}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state, _seen={})

    def features(self, texts: Sequence[str]) -> np.ndarray:
        """The :data:`TEXT_FEATURES` of each text: predicted log(1 + months) and probability of no term."""
        unique = list(dict.fromkeys(texts))
        known = {t: f for t in unique if (f := self._seen.get(t)) is not None}
        new = [t for t in unique if t not in known]
        if new:
            computed = dict(zip(new, _predict(self.months, self.no_term, self.vectorizer.transform(
                [char_bigrams(t) for t in new])), strict=True))  # fmt: skip
            known.update(computed)
            if len(self._seen) + len(new) > _REMEMBERED:
                self._seen.clear()
            self._seen.update(computed)
        return np.array([known[t] for t in texts], dtype=np.float32).reshape(len(texts), len(TEXT_FEATURES))


class TextStack:
    """The training facts vectorised once, for stacking the text model's predictions into the outcome model.

    The vocabulary and its weights are learnt from all the texts (they see no outcome); only the two regressions
    are refitted on subsets, so every stacked feature is a prediction for a case whose outcome its model never saw.
    """

    def __init__(self, texts: Sequence[str], log_months: np.ndarray, no_term: np.ndarray, seed: int = 0) -> None:
        self.vectorizer, self.x = _vectorized(texts)
        self.log_months, self.no_term, self.seed = log_months, no_term, seed

    def model(self) -> FactTextModel:
        """The text model fitted on all the texts (for new cases)."""
        return FactTextModel(self.vectorizer, *_heads(self.x, self.log_months, self.no_term))

    def predict(self, fitted_on: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """Features of ``rows`` from the regressions fitted on ``fitted_on`` (row indices)."""
        return _predict(*_heads(self.x[fitted_on], self.log_months[fitted_on], self.no_term[fitted_on]), self.x[rows])

    def out_of_fold(self, rows: np.ndarray) -> np.ndarray:
        """Features of ``rows``, each from the regressions fitted on the other folds of ``rows``."""
        out = np.zeros((len(rows), len(TEXT_FEATURES)), dtype=np.float32)
        for train, held in KFold(_FOLDS, shuffle=True, random_state=self.seed).split(rows):
            out[held] = self.predict(rows[train], rows[held])
        return out


def _vectorized(texts: Sequence[str]) -> tuple[TfidfVectorizer, csr_matrix]:
    # a bigram seen in fewer than three cases is noise, unless the corpus is that small
    min_df = 3 if len(texts) >= _SMALL else 1
    vectorizer = TfidfVectorizer(
        analyzer=_identity, sublinear_tf=True, min_df=min_df, max_features=200_000, dtype=np.float32
    )
    return vectorizer, vectorizer.fit_transform([char_bigrams(t) for t in texts])


def _heads(x: csr_matrix, log_months: np.ndarray, no_term: np.ndarray) -> tuple[Ridge, LogisticRegression | None]:
    y = np.where(np.isfinite(log_months), log_months, np.log1p(_GRAVE_MONTHS))
    months = Ridge(alpha=1.0).fit(x[~no_term], y[~no_term])
    both = 0 < no_term.sum() < len(no_term)
    return months, LogisticRegression(C=4.0, max_iter=300).fit(x, no_term.astype(int)) if both else None


def _predict(months: Ridge, no_term: LogisticRegression | None, x: csr_matrix) -> np.ndarray:
    none = no_term.predict_proba(x)[:, 1] if no_term is not None else np.zeros(x.shape[0])
    return np.column_stack([months.predict(x), none]).astype(np.float32)
