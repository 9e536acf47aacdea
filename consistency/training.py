"""Training the outcome model on an index's decided criminal cases, cached beside the index.

The model is kept in ``<index dir>/outcomes/`` with the corpus checksum it was trained on; an index that changed
since (ingest, deletion) gets a fresh model on next use.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from pathlib import Path

from consistency.design import CaseElements, case_elements
from consistency.model import OutcomeModel
from consistency.statutory import load_penalties
from consistency.targets import Target, target_of
from corpus.model import Judgment
from indexing.index import LeianIndex
from leian.settings import Settings, get_settings

__all__ = ["decided_cases", "model_for_index", "train_model"]

log = logging.getLogger(__name__)
_DIRECTORY = "outcomes"


def decided_cases(docs: Iterable[Judgment]) -> tuple[list[CaseElements], list[Target]]:
    """The criminal judgments with a charge and a sentence, as model inputs and targets (first defendant)."""
    cases, targets = [], []
    for doc in docs:
        target = target_of(doc.outcome)
        if target is None or not doc.charges or doc.domain != "criminal" or doc.authority != "judgment":
            continue
        cases.append(case_elements(doc))
        targets.append(target)
    return cases, targets


def train_model(docs: Iterable[Judgment], settings: Settings | None = None) -> OutcomeModel:
    """A model fitted on ``docs`` with the statutory ranges of the shared Criminal Law text."""
    settings = settings or get_settings()
    cases, targets = decided_cases(docs)
    return OutcomeModel(penalties=load_penalties(settings.data)).fit(cases, targets)


def model_for_index(index: LeianIndex, settings: Settings | None = None, retrain: bool = False) -> OutcomeModel:
    """The index's outcome model, trained on its documents when missing or stale."""
    directory: Path = index.directory / _DIRECTORY
    checksum = index.catalog.corpus_checksum()
    stamp = directory / "corpus.json"
    if not retrain and stamp.exists() and json.loads(stamp.read_text(encoding="utf-8")).get("checksum") == checksum:
        try:
            return OutcomeModel.load(directory)
        except ValueError:  # saved by an older version of the model: retrain below
            log.info("the outcome model in %s has an older format", directory)
    log.info("training the outcome model on %s", index.directory)
    model = train_model(index.store.iter_documents(), settings)
    model.save(directory)
    stamp.write_text(json.dumps({"checksum": checksum, "cases": len(model.ids)}), encoding="utf-8")
    return model
