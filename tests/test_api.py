"""The API in process (FastAPI TestClient) over a copy of the small real index: authentication, roles,
pseudonymisation, errors, limits, the audit log, the users and audit-log commands, the search report and its Word
export, expected outcomes, audits and consistency reports, the audit dashboard, and admin ingestion."""

from __future__ import annotations

import io
import shutil
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from fastapi.testclient import TestClient

from api.app import create_app
from api.audit_log import AuditLog
from api.ratelimit import RateLimiter
from api.security import Role, UserStore
from api.settings import DEVELOPMENT_SECRET, ServiceSettings, load_service_settings
from indexing.index import LeianIndex
from indexing.pipeline import IngestSummary
from leian.cli import main
from leian.errors import InputError
from reports import verify
from reports.model import ART8_ELEMENTS, SECTIONS

DRUNK = "被告人酒后驾驶小型轿车在道路上行驶，被执勤民警查获，经鉴定其血液中乙醇含量为185毫克/100毫升，到案后如实供述。"
TRAFFIC_INJURY = (
    "被告人王某饮酒后驾驶小型轿车在道路上行驶，行至路口时与李某驾驶的电动车相撞，致电动车驾驶人李某重伤。"
    "经交警部门认定，王某负事故全部责任。案发后王某赔偿李某20万元并取得谅解。"
)
#: LeCaRD candidate 10893 names its defendant in full (吴必定); every view must mask him.
NAMED_CASE, NAMED_PERSON = "10893", "吴必定"
PENDING = {
    "id": "（2024）浙0203刑初100号",
    "text": "被告人王建国酒后驾驶小型轿车在宁波市海曙区中山西路行驶，被执勤民警查获。经鉴定，其血液中乙醇含量为"
    "185毫克/100毫升。被告人到案后如实供述自己的罪行。辩护人提出被告人系初犯，请求从轻处罚并适用缓刑。",
    "court": "浙江省宁波市海曙区人民法院",
    "case_number": "（2024）浙0203刑初100号",
    "searcher": "法官助理 李某",
    "search_time": "2025-03-01T10:00:00+08:00",
}


@pytest.fixture(scope="module")
def index_dir(small_index_build: tuple[Path, IngestSummary], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private copy of the session's small index (admin ingestion writes to it)."""
    target = tmp_path_factory.mktemp("api") / "index"
    shutil.copytree(small_index_build[0], target, ignore=shutil.ignore_patterns("service"))
    return target


@pytest.fixture(scope="module")
def service_settings(index_dir: Path) -> ServiceSettings:
    return load_service_settings(rate_limit_per_minute=100_000, rate_limit_burst=10_000, max_k=50)


@pytest.fixture(scope="module")
def client(index_dir: Path, service_settings: ServiceSettings) -> Iterator[TestClient]:
    app = create_app(service_settings, LeianIndex(index_dir, settings=service_settings))
    with TestClient(app) as c:
        yield c


@pytest.fixture(scope="module")
def tokens(index_dir: Path, service_settings: ServiceSettings) -> dict[str, str]:
    store = UserStore(index_dir, service_settings.secret_key.get_secret_value())
    made = {role.value: store.add(f"test-{role.value}", role, ttl_days=1) for role in Role}
    store.close()
    return made


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_health_needs_no_token_and_the_page_is_html(client: TestClient) -> None:
    health = client.get("/health")
    assert health.status_code == 200 and health.json()["status"] == "ok" and health.json()["documents"] > 1000
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "类案检索" in page.text and "/static/app.js" in page.text
    assert page.headers["x-content-type-options"] == "nosniff"
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert client.get("/static/app.js").status_code == 200


def test_search_requires_a_valid_token(client: TestClient, tokens: dict[str, str]) -> None:
    for headers in ({}, auth("leian_not-a-real-token"), {"Authorization": "Basic eDp5"}):
        r = client.post("/api/search", json={"text": DRUNK}, headers=headers)
        assert r.status_code == 401, headers
        assert r.json()["error"]["code"] == "unauthenticated" and "令牌" in r.json()["error"]["message"]
        assert r.headers["www-authenticate"] == "Bearer"


def test_search_returns_explained_hits(client: TestClient, tokens: dict[str, str]) -> None:
    r = client.post("/api/search", json={"text": DRUNK, "k": 5}, headers=auth(tokens["judge"]))
    assert r.status_code == 200
    body = r.json()
    assert [h["rank"] for h in body["hits"]] == [1, 2, 3, 4, 5]
    assert body["analysis"]["charges_source"] == "inferred"
    top = body["hits"][0]
    assert "危险驾驶" in top["charges"]
    assert set(top["explanation"]) == {"summary", "basic_facts", "dispute_focus", "legal_application"}
    assert r.headers["cache-control"] == "no-store"


def test_filters_are_applied(client: TestClient, tokens: dict[str, str]) -> None:
    body = {"text": DRUNK, "k": 10, "filters": {"authorities": ["spc_guiding"]}}
    hits = client.post("/api/search", json=body, headers=auth(tokens["judge"])).json()["hits"]
    assert hits and all(h["authority"] == "spc_guiding" for h in hits)


def test_every_route_checks_the_role(client: TestClient, tokens: dict[str, str]) -> None:
    admin, judge = auth(tokens["admin"]), auth(tokens["judge"])
    assert client.post("/api/search", json={"text": DRUNK}, headers=admin).status_code == 403
    assert client.get(f"/api/cases/{NAMED_CASE}", headers=admin).status_code == 403
    assert client.post("/api/admin/ingest", json={"paths": ["x"]}, headers=judge).status_code == 403
    assert client.get("/api/admin/audit-log", headers=judge).status_code == 403
    denied = client.get("/api/admin/audit-log", headers=auth(tokens["management"]))
    assert denied.status_code == 403 and denied.json()["error"]["code"] == "forbidden"
    assert client.get("/api/admin/audit-log", headers=admin).status_code == 200
    me = client.get("/api/me", headers=auth(tokens["committee"])).json()
    assert me["role"] == "committee" and "search" in me["permissions"]


def test_case_views_are_pseudonymised_by_role(client: TestClient, tokens: dict[str, str]) -> None:
    judge = client.get(f"/api/cases/{NAMED_CASE}", headers=auth(tokens["judge"])).json()
    assert NAMED_PERSON not in judge["text"] and NAMED_PERSON not in judge["title"]
    assert "被告人吴某" in judge["text"] and judge["masking"]["keep_surname"] is True
    management = client.get(f"/api/cases/{NAMED_CASE}", headers=auth(tokens["management"])).json()
    assert NAMED_PERSON not in management["text"] and "被告人吴某" not in management["text"]
    assert management["masking"]["mask_officials"] is True
    facts = judge["sections"].get("facts") or judge["text"]
    hits = client.post("/api/search", json={"text": facts[:300], "k": 3}, headers=auth(tokens["judge"])).json()["hits"]
    assert hits[0]["id"] == NAMED_CASE
    assert NAMED_PERSON not in str(hits[0])


def test_errors_are_json_with_a_bilingual_message(client: TestClient, tokens: dict[str, str]) -> None:
    judge = auth(tokens["judge"])
    missing = client.get("/api/cases/no-such-case", headers=judge)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    assert "no document" in missing.json()["error"]["message"] and "索引" in missing.json()["error"]["message"]
    invalid = client.post("/api/search", json={"text": "", "unknown": 1}, headers=judge)
    assert invalid.status_code == 422 and invalid.json()["error"]["details"]
    too_many = client.post("/api/search", json={"text": DRUNK, "k": 51}, headers=judge)
    assert too_many.status_code == 400 and "50" in too_many.json()["error"]["message"]
    assert client.get("/api/nothing-here").json()["error"]["code"] == "not_found"


def test_request_size_is_limited(client: TestClient, tokens: dict[str, str], service_settings: ServiceSettings) -> None:
    big = b'{"text": "' + "案".encode() * service_settings.max_request_bytes + b'"}'
    r = client.post("/api/search", content=big, headers={**auth(tokens["judge"]), "Content-Type": "application/json"})
    assert r.status_code == 413 and r.json()["error"]["code"] == "request_too_large"

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted while streaming
        yield big

    r = client.post("/api/search", content=chunks(), headers=auth(tokens["judge"]))
    assert r.status_code == 413


def test_rate_limit_answers_429_with_retry_after(client: TestClient, tokens: dict[str, str]) -> None:
    service = client.app.state.service  # type: ignore[attr-defined]
    kept = service.limiter
    service.limiter = RateLimiter(per_minute=6, burst=2)
    try:
        codes = [client.get("/api/me", headers=auth(tokens["judge"])).status_code for _ in range(3)]
        assert codes == [200, 200, 429]
        r = client.get("/api/me", headers=auth(tokens["judge"]))
        assert r.json()["error"]["code"] == "rate_limited" and int(r.headers["retry-after"]) >= 1
    finally:
        service.limiter = kept


def test_rate_limiter_refills() -> None:
    now = [0.0]
    limiter = RateLimiter(per_minute=60, burst=2, clock=lambda: now[0])
    assert [limiter.hit("a"), limiter.hit("a")] == [0.0, 0.0]
    assert limiter.hit("a") == pytest.approx(1.0)
    assert limiter.hit("b") == 0.0
    now[0] = 1.0
    assert limiter.hit("a") == 0.0


def test_export_is_csv_and_logged(client: TestClient, tokens: dict[str, str], index_dir: Path) -> None:
    r = client.post("/api/search/export", json={"text": DRUNK, "k": 3}, headers=auth(tokens["committee"]))
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    lines = r.content.decode("utf-8-sig").strip().splitlines()
    assert lines[0].startswith("rank,id,score") and len(lines) == 4
    assert AuditLog(index_dir).tail(1)[0].action == "export"


def test_audit_log_records_actions_and_detects_tampering(
    client: TestClient, tokens: dict[str, str], index_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    client.post("/api/search", json={"text": DRUNK, "k": 2}, headers=auth(tokens["judge"]))
    client.get(f"/api/cases/{NAMED_CASE}", headers=auth(tokens["judge"]))
    client.get("/api/cases/x", headers=auth("leian_wrong"))
    body = client.get("/api/admin/audit-log?limit=1000", headers=auth(tokens["admin"])).json()
    assert body["ok"] and body["entries"] >= 3
    actions = {e["action"] for e in body["latest"]}
    assert {"search", "case.view", "auth.denied"} <= actions
    search = next(e for e in reversed(body["latest"]) if e["action"] == "search")
    assert search["actor"] == "test-judge" and DRUNK not in str(search)  # a digest, never the facts
    assert main(["audit-log", "verify", "--index", str(index_dir)]) == 0
    assert "intact" in capsys.readouterr().out

    copy = tmp_path / "copy"
    (copy / "service").mkdir(parents=True)
    db = sqlite3.connect(copy / "service" / "audit.sqlite")
    with sqlite3.connect(index_dir / "service" / "audit.sqlite") as source:
        source.backup(db)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute("DELETE FROM entries WHERE seq = 1")
    db.execute("DROP TRIGGER entries_no_update")
    db.execute("UPDATE entries SET actor = 'someone-else' WHERE seq = 2")
    db.commit()
    db.close()
    check = AuditLog(copy).verify()
    assert not check.ok and any("entry 2 was altered" in p for p in check.problems)
    assert main(["audit-log", "verify", "--index", str(copy)]) == 1


def test_users_command(index_dir: Path, client: TestClient, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["users", "add", "张法官", "--role", "judge", "--index", str(index_dir)]) == 0
    token = capsys.readouterr().out.split()[-1]
    assert token.startswith("leian_")
    assert client.get("/api/me", headers=auth(token)).json()["name"] == "张法官"
    assert token not in (index_dir / "service" / "users.sqlite").read_bytes().decode("utf-8", "replace")
    assert main(["users", "add", "张法官", "--role", "judge", "--index", str(index_dir)]) == 2  # exists
    assert main(["users", "list", "--index", str(index_dir)]) == 0
    listing = capsys.readouterr().out
    assert "张法官" in listing and token not in listing
    assert main(["users", "revoke", "张法官", "--index", str(index_dir)]) == 0
    assert client.get("/api/me", headers=auth(token)).status_code == 401
    actions = [e.action for e in AuditLog(index_dir).tail(5)]
    assert "user.add" in actions and "user.revoke" in actions


def test_settings_refuse_the_default_secret_outside_development(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(InputError, match="LEIAN_SECRET_KEY"):
        load_service_settings(environment="production")
    with pytest.raises(InputError, match="32"):
        load_service_settings(environment="production", secret_key="short")
    monkeypatch.setenv("LEIAN_ENVIRONMENT", "production")
    monkeypatch.setenv("LEIAN_SECRET_KEY", "s" * 40)
    settings = load_service_settings()
    assert settings.secret_key.get_secret_value() != DEVELOPMENT_SECRET
    assert "s" * 40 not in repr(settings)


def test_openapi_documents_examples_security_and_errors(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert spec["components"]["schemas"]["SearchRequest"]["examples"]
    assert spec["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    for path, operations in spec["paths"].items():
        for operation in operations.values():
            if path.startswith("/api/"):
                assert "401" in operation["responses"], path


def _docx_text(content: bytes) -> str:
    doc = Document(io.BytesIO(content))
    cells = [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


@pytest.fixture(scope="module")
def built_report(client: TestClient, tokens: dict[str, str]) -> dict[str, Any]:
    r = client.post("/api/reports", json=PENDING, headers=auth(tokens["judge"]))
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def test_report_is_built_with_its_candidates(built_report: dict[str, Any], index_dir: Path) -> None:
    report, candidates = built_report["report"], built_report["candidates"]
    assert all(key in report for key, _ in SECTIONS) and set(ART8_ELEMENTS.values()) <= set(report)
    assert verify(report) and report["search_time"] == PENDING["search_time"]
    read = {c["id"] for c in report["similar_cases"]} | {c["id"] for c in report["excluded_cases"]}
    assert [c["id"] for c in candidates] and {c["id"] for c in candidates} == read
    assert any(c["decision"]["accept"] for c in candidates) and any(not c["decision"]["accept"] for c in candidates)
    assert all(c["decision"]["by"].startswith("系统建议") for c in candidates)
    entry = AuditLog(index_dir).tail(1)[0]
    assert entry.action == "report.build" and entry.actor == "test-judge" and PENDING["text"] not in str(entry)


def _decided(built_report: dict[str, Any]) -> tuple[dict[str, Any], str, str]:
    """The pending case with every candidate decided by the judge: the first proposal flipped in each direction."""
    candidates = built_report["candidates"]
    dropped = next(c["id"] for c in candidates if c["decision"]["accept"])
    taken = next(c["id"] for c in candidates if not c["decision"]["accept"])
    accept = {c["id"]: c["id"] == taken or (c["decision"]["accept"] and c["id"] != dropped) for c in candidates}
    decisions = {i: {"accept": a, "reason": "经审查确认"} for i, a in accept.items()}
    decisions[dropped]["reason"] = "量刑情节不同，法官排除"
    decisions[taken]["reason"] = "基本事实相同，法官确认为类案"
    return {**PENDING, "decisions": decisions}, dropped, taken


def test_the_judges_decisions_are_kept_in_the_report(
    client: TestClient, tokens: dict[str, str], built_report: dict[str, Any]
) -> None:
    body, dropped, taken = _decided(built_report)
    r = client.post("/api/reports", json=body, headers=auth(tokens["committee"]))
    assert r.status_code == 200, r.text
    report = r.json()["report"]
    assert verify(report)
    excluded = {c["id"]: c["decision"] for c in report["excluded_cases"]}
    similar = {c["id"]: c["decision"] for c in report["similar_cases"]}
    assert excluded[dropped] == {"accept": False, "reason": "量刑情节不同，法官排除", "by": "承办法官"}
    assert similar[taken]["reason"] == "基本事实相同，法官确认为类案" and similar[taken]["by"] == "承办法官"


def test_report_exports_as_word_and_json(
    client: TestClient, tokens: dict[str, str], built_report: dict[str, Any], index_dir: Path
) -> None:
    body, dropped, taken = _decided(built_report)
    r = client.post("/api/reports/export?format=docx", json=body, headers=auth(tokens["judge"]))
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == ("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    disposition = r.headers["content-disposition"]
    assert disposition.isascii() and 'filename="leian-report-' in disposition and ".docx" in disposition
    assert "filename*=UTF-8''" in disposition
    doc = Document(io.BytesIO(r.content))
    assert doc.core_properties.keywords == r.headers["x-content-hash"]
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert all(any(h.startswith(title) for h in headings) for _, title in SECTIONS)
    text = _docx_text(r.content)
    assert "基本事实相同，法官确认为类案" in text and "量刑情节不同，法官排除" in text
    as_json = client.post("/api/reports/export?format=json", json=body, headers=auth(tokens["judge"]))
    assert as_json.status_code == 200 and as_json.headers["content-type"].startswith("application/json")
    report = as_json.json()
    assert verify(report) and report["content_hash"] == r.headers["x-content-hash"]
    accepted = report["similar_cases"]
    assert taken in {c["id"] for c in accepted} and dropped not in {c["id"] for c in accepted}
    for case in accepted:
        assert (case["case_number"] or case["id"]) in text
    entries = AuditLog(index_dir).tail(2)
    assert [e.action for e in entries] == ["report.export", "report.export"]
    assert entries[0].details["format"] == "docx" and taken in entries[0].details["accepted"]
    assert entries[0].details["content_hash"] == r.headers["x-content-hash"]


def test_report_export_survives_control_characters(client: TestClient, tokens: dict[str, str]) -> None:
    body = {**PENDING, "procedure": "普通程序\x1b\x19", "panel": "审判员\x00张某"}  # pasted text; Word files are XML
    r = client.post("/api/reports/export?format=docx", json=body, headers=auth(tokens["judge"]))
    assert r.status_code == 200, r.text
    assert "普通程序" in _docx_text(r.content) and "审判员张某" in _docx_text(r.content)


def test_report_input_is_checked(client: TestClient, tokens: dict[str, str]) -> None:
    judge = auth(tokens["judge"])
    assert client.post("/api/reports", json=PENDING).status_code == 401
    assert client.post("/api/reports", json=PENDING, headers=auth(tokens["admin"])).status_code == 403
    assert client.post("/api/reports/export", json=PENDING, headers=auth(tokens["admin"])).status_code == 403
    bad_bodies: list[dict[str, Any]] = [
        {"text": ""},
        {**PENDING, "unknown": 1},
        {**PENDING, "triggers": ["T10"]},
        {**PENDING, "decisions": {"8172": {"accept": True, "reason": ""}}},
        {**PENDING, "decisions": {"8172": {"accept": "maybe", "reason": "x"}}},
        {**PENDING, "k": 0},
    ]
    for body in bad_bodies:
        r = client.post("/api/reports", json=body, headers=judge)
        assert r.status_code == 422 and r.json()["error"]["code"] == "validation_error", body
    r = client.post("/api/reports/export?format=pdf", json=PENDING, headers=judge)
    assert r.status_code == 422 and r.json()["error"]["details"][0]["loc"] == ["query", "format"]
    r = client.post("/api/reports", json={**PENDING, "search_time": "2025-03-01 10:00"}, headers=judge)
    assert r.status_code == 400 and "时区" in r.json()["error"]["message"]


def test_expected_outcome_and_audit_by_role(client: TestClient, tokens: dict[str, str], index_dir: Path) -> None:
    draft = {"id": "draft-1", "text": DRUNK, "charges": ["危险驾驶"]}
    # nothing has asked for the model yet: the first request starts preparing it and is told to come back
    r = client.post("/api/audit/expected", json=draft, headers=auth(tokens["judge"]))
    assert r.status_code == 503 and r.json()["error"]["code"] == "outcome_model_preparing", r.text
    assert int(r.headers["Retry-After"]) > 0
    deadline = time.monotonic() + 300
    while (state := client.get("/health").json()["outcome_model"]) == "preparing" and time.monotonic() < deadline:
        time.sleep(0.2)
    assert state == "ready"
    r = client.post("/api/audit/expected", json=draft, headers=auth(tokens["judge"]))
    assert r.status_code == 200, r.text
    flag = r.json()
    low, high = flag["interval_months"]
    assert low <= flag["expected_months"] <= high and flag["n_similar"] >= 5 and flag["evidence"]
    assert flag["deviation"] is None and flag["flag"] is False and flag["notify_judge"] is True
    # 危险驾驶 is punished by 拘役 of at most six months (刑法第一百三十三条之一): the expectation says so
    assert high <= 6 and flag["expected_penalty"] == "拘役" and flag["lawful_months"][1] == 6
    assert AuditLog(index_dir).tail(1)[0].action == "outcome.expect"
    # no charge given: it is inferred from the facts, by the law's distinctions (drunk driving with a serious injury
    # and full responsibility is 交通肇事), and the expectation stays in that charge's range
    injury = {"id": "draft-2", "text": TRAFFIC_INJURY}
    inferred = client.post("/api/audit/expected", json=injury, headers=auth(tokens["judge"])).json()
    assert next(iter(inferred["charges_inferred"])) == "交通肇事" and inferred["reasons"][0].startswith("罪名未提供")
    assert 0 <= inferred["interval_months"][0] <= inferred["interval_months"][1] <= 36  # 刑法第一百三十三条
    assert "第一百三十三条" in inferred["tier"]
    # the sentencing guideline's calculation for 交通肇事 致人重伤: 四、（一）1(1)'s starting point, inside the range
    steps = inferred["guideline"]["steps"]
    assert steps[0]["stage"] == "量刑起点" and steps[0]["paragraph"].startswith("四、（一）")
    assert inferred["lawful_months"][0] <= inferred["guideline"]["declared_months"] <= inferred["lawful_months"][1]
    with_outcome = {**draft, "outcome": {"imprisonment_months": 2}}
    assert client.post("/api/audit/expected", json=with_outcome, headers=auth(tokens["judge"])).status_code == 422
    assert client.post("/api/audit/expected", json=draft, headers=auth(tokens["admin"])).status_code == 403

    cases = {
        "cases": [
            {"id": "heavy", "text": DRUNK, "charges": ["危险驾驶"], "outcome": {"imprisonment_months": 36}},
            {"id": "usual", "text": DRUNK, "charges": ["危险驾驶"], "outcome": {"imprisonment_months": 3}},
        ]
    }
    denied = client.post("/api/audit", json=cases, headers=auth(tokens["judge"]))
    assert denied.status_code == 403 and denied.json()["error"]["code"] == "forbidden"
    r = client.post("/api/audit", json=cases, headers=auth(tokens["management"]))
    assert r.status_code == 200, r.text
    body = r.json()
    flags = {f["id"]: f for f in body["flags"]}
    assert flags["heavy"]["flag"] and flags["heavy"]["deviation"] > 0 and not flags["usual"]["flag"]
    assert body["flagged"] == 1 and all(not f["notify_judge"] for f in body["flags"])  # management: silent
    committee = client.post("/api/audit", json=cases, headers=auth(tokens["committee"])).json()
    assert all(f["notify_judge"] for f in committee["flags"])
    entry = AuditLog(index_dir).tail(1)[0]
    assert entry.action == "outcome.audit" and entry.details["flagged"] == 1 and entry.details["cases"] == 2
    for bad in ({"cases": []}, {"cases": [{"id": "x", "text": DRUNK, "outcome": {"imprisonment_months": -1}}]}):
        assert client.post("/api/audit", json=bad, headers=auth(tokens["committee"])).status_code == 422


def test_consistency_report_with_svg_charts(client: TestClient, tokens: dict[str, str], index_dir: Path) -> None:
    r = client.post("/api/consistency", json={"charge": "危险驾驶罪"}, headers=auth(tokens["committee"]))
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["subject"] == "危险驾驶罪" and report["cases"] >= 5 and report["quantiles"]["median"] > 0
    assert sum(h["cases"] for h in report["holdings"]) == report["cases"]
    assert set(report["charts"]) == {"distribution", "circumstances", "spread"}
    assert all("<svg" in chart for chart in report["charts"].values())
    assert AuditLog(index_dir).tail(1)[0].action == "consistency.report"
    by_query = client.post("/api/consistency", json={"query": DRUNK, "k": 30}, headers=auth(tokens["judge"]))
    assert by_query.status_code == 200 and 0 < by_query.json()["cases"] <= 30
    both = client.post("/api/consistency", json={"charge": "盗窃", "query": DRUNK}, headers=auth(tokens["judge"]))
    assert both.status_code == 422 and "charge" in str(both.json()["error"]["details"])
    unknown = client.post("/api/consistency", json={"charge": "不存在的罪名"}, headers=auth(tokens["judge"]))
    assert unknown.status_code == 400 and unknown.json()["error"]["code"] == "invalid_input"
    assert client.post("/api/consistency", json={"charge": "盗窃"}, headers=auth(tokens["admin"])).status_code == 403
    assert client.post("/api/consistency", json={"charge": "盗窃"}).status_code == 401


def test_audit_dashboard_counts_by_day_action_and_role(client: TestClient, tokens: dict[str, str]) -> None:
    client.post("/api/search", json={"text": DRUNK, "k": 2}, headers=auth(tokens["judge"]))
    r = client.get("/api/admin/audit-summary?days=7", headers=auth(tokens["management"]))
    assert r.status_code == 200, r.text
    summary = r.json()
    assert summary["ok"] and summary["entries"] > 0 and summary["problems"] == []
    assert len(summary["per_day"]) == 7 and summary["per_day"][-1]["total"] > 0
    assert summary["per_action"]["search"] >= 1 and summary["searches_per_role"]["judge"] >= 1
    assert "test-judge" not in r.text  # counts by role, never by user
    assert client.get("/api/admin/audit-summary", headers=auth(tokens["admin"])).status_code == 200
    assert client.get("/api/admin/audit-summary", headers=auth(tokens["judge"])).status_code == 403
    assert client.get("/api/admin/audit-summary?days=0", headers=auth(tokens["admin"])).status_code == 422
    assert client.get("/api/admin/audit-log", headers=auth(tokens["management"])).status_code == 403


def test_admin_ingestion_adds_searchable_cases(
    client: TestClient, tokens: dict[str, str], index_dir: Path, service_settings: ServiceSettings
) -> None:
    admin = auth(tokens["admin"])
    outside = client.post("/api/admin/ingest", json={"paths": ["/etc/passwd"]}, headers=admin)
    assert outside.status_code == 400 and "ingest roots" in outside.json()["error"]["message"]
    text = (
        "浙江省杭州市西湖区人民法院刑事判决书（2020）浙0106刑初999号。公诉机关杭州市西湖区人民检察院。被告人钱多多。"
        "经审理查明：2020年5月1日，被告人钱多多在杭州市西湖区某商场内，趁被害人不备，窃取其放在柜台上的金手镯一只，"
        "价值人民币二万元。本院认为，被告人钱多多以非法占有为目的，秘密窃取他人财物，数额较大，其行为已构成盗窃罪。"
    )
    before = client.get("/health").json()["documents"]
    job = client.post("/api/admin/ingest", json={"records": [{"id": "api-test-1", "text": text}]}, headers=admin)
    assert job.status_code == 202
    job_id = job.json()["id"]
    assert client.post("/api/admin/ingest", json={"paths": ["x"]}, headers=admin).status_code in (400, 409)
    deadline = time.monotonic() + 120
    while (state := client.get(f"/api/admin/ingest/{job_id}", headers=admin).json())["state"] == "running":
        assert time.monotonic() < deadline, "ingestion did not finish"
        time.sleep(0.3)
    assert state["state"] == "succeeded", state["message"]
    assert state["summary"]["stored"] == 1
    assert client.get("/health").json()["documents"] == before + 1
    case = client.get("/api/cases/api-test-1", headers=auth(tokens["judge"])).json()
    assert "钱多多" not in case["text"] and "钱某" in case["text"]
    actions = [e.action for e in AuditLog(index_dir).tail(50)]
    assert "admin.ingest.start" in actions and "admin.ingest.finish" in actions
