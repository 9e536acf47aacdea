"""The web page in a real headless browser: Debian's chromium driven by Selenium against `leian serve`.

Needs the apt packages ``chromium`` and ``chromium-driver`` (installed by ``make setup``); skipped with the
reason when they are absent.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

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
