"""The web page in a real headless browser: Debian's chromium driven by Selenium against `leian serve`: search and
case view, the report builder with its Word export, expected outcome and consistency, and the audit dashboard.

Needs the apt packages ``chromium`` and ``chromium-driver`` (installed by ``make setup``); skipped with the
reason when they are absent.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from docx import Document

from evaluation.service import ServerProcess, add_user
from indexing.pipeline import IngestSummary

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")

pytestmark = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER),
    reason="the browser test needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)",
)

QUERY = "被告人酒后驾驶小型轿车在道路上行驶，被执勤民警查获，经鉴定其血液中乙醇含量为185毫克/100毫升。"


@pytest.fixture(scope="module")
def served(
    small_index_build: tuple[Path, IngestSummary], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[ServerProcess, str]]:
    index_dir = tmp_path_factory.mktemp("web") / "index"
    shutil.copytree(small_index_build[0], index_dir, ignore=shutil.ignore_patterns("service"))
    token = add_user(index_dir, "web-judge", "judge")
    with ServerProcess(index_dir) as server:
        yield server, token


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--lang=zh-CN"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def test_a_judge_logs_in_searches_and_reads_a_case(served: tuple[ServerProcess, str], browser: object) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.remote.webdriver import WebDriver
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    server, token = served
    assert isinstance(browser, WebDriver)
    wait = WebDriverWait(browser, 60)
    browser.get(server.url + "/")
    assert browser.title.startswith("类案检索")

    browser.find_element(By.ID, "token").send_keys("leian_wrong")
    browser.find_element(By.ID, "login").click()
    wait.until(ec.visibility_of_element_located((By.ID, "error")))
    assert "令牌" in browser.find_element(By.ID, "error").text

    token_box = browser.find_element(By.ID, "token")
    token_box.clear()
    token_box.send_keys(token)
    browser.find_element(By.ID, "login").click()
    wait.until(ec.visibility_of_element_located((By.ID, "search-panel")))
    assert browser.find_element(By.ID, "who-name").text == "web-judge"
    assert "承办法官" in browser.find_element(By.ID, "who-role").text

    browser.find_element(By.ID, "query").send_keys(QUERY)
    browser.find_element(By.CSS_SELECTOR, "#filters summary").click()
    browser.find_element(By.CSS_SELECTOR, "input[name=court_level][value=基层]").click()
    browser.find_element(By.ID, "search").click()
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#results li.hit")) >= 3)
    hits = browser.find_elements(By.CSS_SELECTOR, "#results li.hit")
    assert "危险驾驶" in browser.find_element(By.ID, "analysis").text
    assert "相似理由" in hits[0].text and "基层法院" in hits[0].text
    assert hits[0].find_elements(By.CSS_SELECTOR, ".facts mark"), "why-similar terms are highlighted"

    hits[0].find_element(By.CSS_SELECTOR, "button.open-case").click()
    wait.until(ec.visibility_of_element_located((By.ID, "case-view")))
    wait.until(lambda d: d.find_element(By.ID, "case-title").text)
    assert "已按角色隐去当事人姓名" in browser.find_element(By.ID, "case-masking").text
    assert browser.find_elements(By.CSS_SELECTOR, "#case-sections section")
    browser.find_element(By.ID, "case-close").click()
    assert not browser.find_element(By.ID, "case-view").is_displayed()

    severe = [e for e in browser.get_log("browser") if e["level"] == "SEVERE" and "401" not in e["message"]]
    assert severe == [], severe  # no script errors, no Content-Security-Policy violations

    browser.find_element(By.ID, "logout").click()
    assert browser.find_element(By.ID, "login-panel").is_displayed()


def _login(browser: object, server: ServerProcess, token: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.remote.webdriver import WebDriver
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    assert isinstance(browser, WebDriver)
    browser.get(server.url + "/")
    box = browser.find_element(By.ID, "token")
    box.clear()
    box.send_keys(token)
    browser.find_element(By.ID, "login").click()
    WebDriverWait(browser, 60).until(ec.visibility_of_element_located((By.ID, "tabs")))


def _no_script_errors(browser: object) -> None:
    from selenium.webdriver.remote.webdriver import WebDriver

    assert isinstance(browser, WebDriver)
    severe = [e for e in browser.get_log("browser") if e["level"] == "SEVERE" and "401" not in e["message"]]
    assert severe == [], severe  # no script errors, no Content-Security-Policy violations


def test_a_judge_builds_decides_and_exports_a_report(
    served: tuple[ServerProcess, str], browser: object, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.remote.webdriver import WebDriver
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    server, token = served
    assert isinstance(browser, WebDriver)
    wait = WebDriverWait(browser, 90)
    browser.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)})
    _login(browser, server, token)
    assert not browser.find_element(By.CSS_SELECTOR, ".tab[data-tab=dashboard-panel]").is_displayed()

    browser.find_element(By.CSS_SELECTOR, ".tab[data-tab=report-panel]").click()
    browser.find_element(By.ID, "report-text").send_keys(QUERY)
    browser.find_element(By.ID, "report-case-number").send_keys("（2024）浙0203刑初100号")
    browser.find_element(By.ID, "report-build").click()
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#report-candidates li.candidate")) >= 3)
    assert "内容哈希 sha256:" in browser.find_element(By.ID, "report-summary").text
    first = browser.find_elements(By.CSS_SELECTOR, "#report-candidates li.candidate")[0]
    case_id = first.get_attribute("data-id")
    first.find_element(By.CSS_SELECTOR, "input.reject").click()
    reason = first.find_element(By.CSS_SELECTOR, "input.reason")
    reason.clear()
    reason.send_keys("法官排除：量刑情节不同")

    browser.find_element(By.ID, "report-apply").click()
    wait.until(ec.staleness_of(first))
    again = wait.until(lambda d: d.find_element(By.CSS_SELECTOR, f"#report-candidates li[data-id='{case_id}']"))
    assert "承办法官" in again.find_element(By.CSS_SELECTOR, ".by").text
    assert again.find_element(By.CSS_SELECTOR, "input.reject").is_selected()

    browser.find_element(By.ID, "report-export-docx").click()
    wait.until(lambda d: "已导出 Word" in d.find_element(By.ID, "report-status").text)
    deadline = time.monotonic() + 30
    while not (files := list(tmp_path.glob("*.docx"))) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert files, "the Word file was downloaded"
    doc = Document(str(files[0]))
    text = "\n".join([p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells])
    assert "法官排除：量刑情节不同" in text and "检索主体" in text

    server.wait_outcome_model()  # prepared in the background since the server started
    browser.find_element(By.CSS_SELECTOR, ".tab[data-tab=outcome-panel]").click()
    browser.find_element(By.ID, "outcome-text").send_keys(QUERY)
    browser.find_element(By.ID, "outcome-charges").send_keys("危险驾驶")
    browser.find_element(By.ID, "outcome-expect").click()
    wait.until(lambda d: "预期刑期" in d.find_element(By.ID, "expectation").text)
    shown = browser.find_element(By.ID, "expectation").text
    assert "预期刑期：拘役" in shown and "法定刑幅度" in shown and "第一百三十三条之一" in shown
    assert "法发〔2021〕21号" in shown and "宣告刑" in shown  # the guideline's calculation, step by step
    browser.find_element(By.ID, "consistency-charge").send_keys("危险驾驶罪")
    browser.find_element(By.ID, "consistency-charge-run").click()
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#consistency img.chart")) == 3)
    wait.until(lambda d: d.execute_script(
        "return [...document.querySelectorAll('#consistency img.chart')].every(i => i.complete && i.naturalWidth > 0)"
    ))  # fmt: skip
    assert "多数" in browser.find_element(By.ID, "consistency").text
    _no_script_errors(browser)
    browser.find_element(By.ID, "logout").click()


def test_admin_and_management_open_the_audit_dashboard(served: tuple[ServerProcess, str], browser: object) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.remote.webdriver import WebDriver
    from selenium.webdriver.support.ui import WebDriverWait

    server, _ = served
    assert isinstance(browser, WebDriver)
    wait = WebDriverWait(browser, 60)
    _login(browser, server, add_user(server.index_dir, "web-admin", "admin"))
    assert browser.find_element(By.ID, "dashboard-panel").is_displayed()
    assert not browser.find_element(By.CSS_SELECTOR, ".tab[data-tab=search-panel]").is_displayed()
    wait.until(lambda d: "哈希链校验通过" in d.find_element(By.ID, "chain-status").text)
    assert browser.find_elements(By.CSS_SELECTOR, "#chart-days svg rect")
    assert browser.find_elements(By.CSS_SELECTOR, "#chart-actions svg rect.bar")
    assert "承办法官" in browser.find_element(By.ID, "chart-roles").text
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#audit-latest tr")) > 1)
    assert "web-judge" in browser.find_element(By.ID, "audit-latest").text
    browser.find_element(By.ID, "logout").click()

    _login(browser, server, add_user(server.index_dir, "web-management", "management"))
    browser.find_element(By.CSS_SELECTOR, ".tab[data-tab=dashboard-panel]").click()
    wait.until(lambda d: "哈希链校验通过" in d.find_element(By.ID, "chain-status").text)
    assert browser.find_elements(By.CSS_SELECTOR, "#chart-actions svg rect.bar")
    assert not browser.find_element(By.ID, "latest-block").is_displayed()  # entries name users: admin only
    _no_script_errors(browser)
    browser.find_element(By.ID, "logout").click()
