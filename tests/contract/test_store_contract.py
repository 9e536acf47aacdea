"""The DocumentStore contract, run against every implementation (see conftest.py)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from corpus.model import Judgment
from indexing.backends import DocumentStore, SearchFilters


def test_implements_protocol(store: Any) -> None:
    assert isinstance(store, DocumentStore)


def test_put_get_round_trip_keeps_every_field(store: Any, judgments: list[Judgment]) -> None:
    store.put(judgments)
    got = store.get([j.id for j in judgments])
    assert got == judgments  # dataclass equality: text, sections, statutes, outcomes, extra, all of it
    assert got[0].articles == [67, 264]
    assert got[0].outcome is not None and got[0].outcome.imprisonment_months == 6


def test_get_keeps_request_order_and_reports_unknown_ids(store: Any, judgments: list[Judgment]) -> None:
    store.put(judgments[:3])
    a, b = judgments[0].id, judgments[2].id
    assert [d.id if d else None for d in store.get([b, "无此案", a, b])] == [b, None, a, b]
    assert store.get([]) == []


def test_upsert_replaces(store: Any, judgments: list[Judgment]) -> None:
    store.put(judgments)
    changed = dataclasses.replace(judgments[1], text="被告人犯盗窃罪，二审改判。", court_level="高级", charges=["诈骗"])
    store.put([changed])
    assert store.get([changed.id]) == [changed]
    assert store.count() == len(judgments)
    assert changed.id in store.filter_ids(SearchFilters(court_levels=("高级",), effective_only=False))


def test_duplicate_ids_in_one_batch_keep_the_last(store: Any, judgments: list[Judgment]) -> None:
    first, second = judgments[0], dataclasses.replace(judgments[0], title="更正后的标题")
    store.put([first, second])
    assert store.get([first.id]) == [second]
    assert store.count() == 1


def test_delete_returns_how_many_existed(store: Any, judgments: list[Judgment]) -> None:
    store.put(judgments)
    gone = [judgments[0].id, judgments[3].id]
    assert store.delete([*gone, "无此案"]) == 2
    assert store.get(gone) == [None, None]
    assert store.count() == len(judgments) - 2
    assert not set(gone) & set(store.ids())
    assert not set(gone) & store.filter_ids(SearchFilters(effective_only=False))
    assert store.delete(gone) == 0


def test_ids_count_and_iteration_are_in_id_order(store: Any, judgments: list[Judgment]) -> None:
    assert store.count() == 0 and store.ids() == [] and list(store.iter_documents()) == []
    store.put(list(reversed(judgments)))
    ordered = sorted(j.id for j in judgments)
    assert store.ids() == ordered
    assert store.count() == len(judgments)
    assert [d.id for d in store.iter_documents(batch_size=2)] == ordered
    assert list(store.iter_documents(batch_size=4)) == sorted(judgments, key=lambda j: j.id)


def test_filter_ids(store: Any, judgments: list[Judgment]) -> None:
    store.put(judgments)
    by = {j.id: j for j in judgments}
    every = set(by)

    def expect(pred: Callable[[Judgment], bool]) -> set[str]:
        return {i for i, j in by.items() if pred(j)}

    assert store.filter_ids(SearchFilters(effective_only=False)) == every
    assert store.filter_ids(SearchFilters()) == expect(lambda j: j.effective)
    assert store.filter_ids(SearchFilters(court_levels=("中级",), effective_only=False)) == expect(
        lambda j: j.court_level == "中级"
    )
    assert store.filter_ids(SearchFilters(court_levels=("基层", "最高"), provinces=("北京市",))) == expect(
        lambda j: j.court_level in ("基层", "最高") and j.province == "北京市" and j.effective
    )
    assert store.filter_ids(SearchFilters(courts=("浙江省高级人民法院",))) == set()  # it is not effective
    # Date bounds are inclusive; a judgment whose date is unknown fails any bound.
    assert store.filter_ids(
        SearchFilters(date_from="2020-06-30", date_to="2021-12-31", effective_only=False)
    ) == expect(lambda j: bool(j.date) and "2020-06-30" <= j.date <= "2021-12-31")
    assert store.filter_ids(SearchFilters(date_to="2019-03-01", effective_only=False)) == expect(
        lambda j: bool(j.date) and j.date <= "2019-03-01"
    )
    excluded = judgments[0].id
    assert store.filter_ids(SearchFilters(exclude_ids=(excluded,), effective_only=False)) == every - {excluded}
    assert store.filter_ids(SearchFilters(provinces=("西藏自治区",))) == set()


def test_committed_documents_survive_reopening(make_store: Callable[[], Any], judgments: list[Judgment]) -> None:
    make_store().put(judgments)
    again = make_store()
    assert again.count() == len(judgments)
    assert again.get([judgments[-1].id]) == [judgments[-1]]
