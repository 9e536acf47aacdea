"""Shared fixtures: the real data in place, and one small real index built once per test session.

Test tiers (chosen by marker): unmarked tests are the fast tier; ``elasticsearch`` tests need a real node
(``make es-up``) and are skipped with the reason when none answers.
"""

from __future__ import annotations

import gzip
import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

from indexing.index import LeianIndex
from indexing.pipeline import IngestSummary, ingest
from leian.settings import Settings, get_settings

LECARD_SAMPLE = 400


@pytest.fixture(scope="session")
def settings() -> Settings:
    """Settings from the environment (data at ../shared/data unless LEIAN_DATA says otherwise)."""
    return get_settings()


@pytest.fixture(scope="session")
def data_dir(settings: Settings) -> Path:
    if not (settings.data / "lecard" / "candidates.jsonl.gz").exists():
        pytest.fail(f"the shared data is missing at {settings.data}; set LEIAN_DATA")
    return settings.data


@pytest.fixture(scope="session")
def lecard_sample(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The first LECARD_SAMPLE LeCaRD candidates as a JSONL file in a temporary directory."""
    out = tmp_path_factory.mktemp("data") / "lecard_sample.jsonl"
    with gzip.open(data_dir / "lecard" / "candidates.jsonl.gz", "rt", encoding="utf-8") as f:
        out.write_text("".join(itertools.islice(f, LECARD_SAMPLE)), encoding="utf-8")
    return out


@pytest.fixture(scope="session")
def small_index_build(
    data_dir: Path, lecard_sample: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, IngestSummary]:
    """A real index: 400 LeCaRD judgments, 2,000 CJRC civil/criminal facts and the SPC guiding cases."""
    directory = tmp_path_factory.mktemp("index") / "small"
    index = LeianIndex(directory, create=True)
    summary = ingest(
        index,
        [lecard_sample, data_dir / "cjrc" / "facts.jsonl", data_dir / "authoritative" / "spc_guiding_cases.jsonl"],
    )
    index.close()
    return directory, summary


@pytest.fixture()
def small_index(small_index_build: tuple[Path, IngestSummary]) -> Iterator[LeianIndex]:
    """The session's small index, opened read-mostly for one test."""
    index = LeianIndex(small_index_build[0])
    yield index
    index.close()
