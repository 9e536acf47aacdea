"""The API in process (FastAPI TestClient) over a copy of the small real index: authentication, roles,
pseudonymisation, errors, limits, the audit log, the users and audit-log commands, and admin ingestion."""

from __future__ import annotations

import shutil
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
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

DRUNK = "被告人酒后驾驶小型轿车在道路上行驶，被执勤民警查获，经鉴定其血液中乙醇含量为185毫克/100毫升，到案后如实供述。"
#: LeCaRD candidate 10893 names its defendant in full (吴必定); every view must mask him.
NAMED_CASE, NAMED_PERSON = "10893", "吴必定"


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
