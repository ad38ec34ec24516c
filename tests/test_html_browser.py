"""The HTML report in a real browser: headless Chromium, offline, driven by Selenium.

`make test` installs Chromium and ChromeDriver (Debian packages `chromium`,
`chromium-driver`); on a machine without them this file is skipped, never in CI.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import JOURNEYS, ROOT
from typer.testing import CliRunner

from journeymap.cli import app

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")

pytestmark = pytest.mark.skipif(
    (CHROMIUM is None or CHROMEDRIVER is None) and not os.environ.get("CI"),
    reason="Chromium and ChromeDriver are not installed (make test installs them)",
)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.environ["SE_OFFLINE"] = "true"  # never let Selenium Manager download anything
    options = webdriver.ChromeOptions()
    assert CHROMIUM is not None and CHROMEDRIVER is not None
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1400,1000",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def _report(tmp_path: Path, *paths: Path) -> Path:
    out = tmp_path / "report.html"
    result = CliRunner().invoke(
        app, ["audit", *map(str, paths), "-f", "html", "-o", str(out), "--exit-zero"]
    )
    assert result.exit_code == 0, result.output
    return out


def test_report_loads_offline_and_clicking_a_finding_highlights_its_step(
    browser: object, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By

    driver = browser  # type: ignore[assignment]
    report = _report(tmp_path, JOURNEYS)
    driver.get(report.as_uri())  # type: ignore[attr-defined]
    errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]  # type: ignore[attr-defined]
    assert errors == []
    requests = driver.execute_script(  # type: ignore[attr-defined]
        "return performance.getEntriesByType('resource').map(e => e.name)"
    )
    assert requests == []  # self-contained: nothing fetched
    row = driver.find_element(  # type: ignore[attr-defined]
        By.CSS_SELECTOR, "#journey-broadband-tech-support tr.finding[data-step$='check_cables']"
    )
    step_id = row.get_attribute("data-step")
    row.click()
    step = driver.find_element(By.ID, step_id)  # type: ignore[attr-defined]
    assert "jm-highlight" in (step.get_attribute("class") or "")
    stroke = driver.execute_script(  # type: ignore[attr-defined]
        "return getComputedStyle(arguments[0].querySelector('polygon')).stroke", step
    )
    assert stroke == "rgb(147, 52, 230)"  # the highlight colour
    assert "active" in (row.get_attribute("class") or "")
    shot = tmp_path / "report.png"
    driver.save_screenshot(str(shot))  # type: ignore[attr-defined]
    assert shot.read_bytes().startswith(b"\x89PNG")
    if os.environ.get("JOURNEYMAP_SCREENSHOT"):
        shutil.copy(shot, os.environ["JOURNEYMAP_SCREENSHOT"])


def test_journey_text_cannot_inject_script(browser: object, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    driver = browser  # type: ignore[assignment]
    journey = tmp_path / "evil.yaml"
    journey.write_text(
        "journey: evil\n"
        "title: '<img src=x onerror=\"window.hacked=1\">'\n"
        "entry: m\n"
        "nodes:\n"
        "  m: {type: menu, say: '<script>window.hacked = 2</script> press 1', options: {'1': e}}\n"
        "  e: {type: end, outcome: disconnected}\n",
        encoding="utf-8",
    )
    driver.get(_report(tmp_path, journey).as_uri())  # type: ignore[attr-defined]
    assert driver.execute_script("return window.hacked === undefined")  # type: ignore[attr-defined]
    body = driver.find_element(By.TAG_NAME, "body").text  # type: ignore[attr-defined]
    assert '<img src=x onerror="window.hacked=1">' in body


def test_a_big_report_draws_each_diagram_when_it_is_needed(browser: object, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    from journeymap.reporters.html import LAZY_FROM

    driver = browser  # type: ignore[assignment]
    folder = tmp_path / "many"
    folder.mkdir()
    risky = (
        "journey: line-{i:02}\nentry: menu\nnodes:\n"
        "  menu: {{type: menu, say: Press 1., options: {{'1': info}}}}\n"
        "  info: {{type: message, say: We are open 9 to 5., next: menu}}\n"
    )  # a trap: every journey has a finding
    for i in range(LAZY_FROM):
        (folder / f"line-{i:02}.yaml").write_text(risky.format(i=i))
    report = _report(tmp_path, folder)
    driver.get(report.as_uri())  # type: ignore[attr-defined]
    assert [e for e in driver.get_log("browser") if e["level"] == "SEVERE"] == []  # type: ignore[attr-defined]
    count = "return document.querySelectorAll(arguments[0]).length"
    drawn = driver.execute_script(count, ".diagram svg")  # type: ignore[attr-defined]
    waiting = driver.execute_script(count, ".diagram template.lazy")  # type: ignore[attr-defined]
    assert drawn + waiting == LAZY_FROM and waiting > 0  # the far ones wait
    row = driver.find_element(  # type: ignore[attr-defined]
        By.CSS_SELECTOR, f"#journey-line-{LAZY_FROM - 1:02} tr.finding"
    )
    driver.execute_script("arguments[0].click()", row)  # type: ignore[attr-defined]
    step = driver.find_element(By.ID, row.get_attribute("data-step"))  # type: ignore[attr-defined]
    assert "jm-highlight" in (step.get_attribute("class") or "")  # drawn, then highlighted
    driver.execute_script("window.dispatchEvent(new Event('beforeprint'))")  # type: ignore[attr-defined]
    assert driver.execute_script(count, ".diagram svg") == LAZY_FROM  # type: ignore[attr-defined]


MERMAID = sorted((ROOT / ".cache").glob("mermaid-*.min.js"))
HOSTILE = """journey: hostile
entry: menu
teams: {ivr: {name: 'IVR "main" | <b>#1</b>'}}
nodes:
  menu:
    type: menu
    team: ivr
    say: 'Press 1 for "end" --> click; <script>alert(1)</script> #x `code` | pipe \\\\'
    options: {'1': end, '#': graph}
  graph: {type: message, team: ivr, say: 'subgraph end', next: end}
  end: {type: end, outcome: resolved}
"""


def _mermaid_errors(driver: object, tmp_path: Path, texts: list[str]) -> list[str]:
    """Draw each Mermaid text with Mermaid itself in Chromium; the errors it reports."""
    page = tmp_path / "mermaid.html"
    page.write_text(
        f'<!doctype html><html><body><script src="{MERMAID[-1].as_uri()}"></script></body></html>'
    )
    driver.get(page.as_uri())  # type: ignore[attr-defined]
    script = """
      const done = arguments[arguments.length - 1];
      mermaid.initialize({startOnLoad: false, securityLevel: 'strict'});
      const errors = [];
      (async () => {
        for (const [i, text] of arguments[0].entries()) {
          try {
            const {svg} = await mermaid.render('d' + i, text);
            if (!svg.includes('<svg')) errors.push(i + ': no svg');
            if (svg.includes('<script')) errors.push(i + ': a script got through');
          } catch (e) { errors.push(i + ': ' + e.message); }
        }
        done(errors);
      })();
    """
    driver.set_script_timeout(120)  # type: ignore[attr-defined]
    return driver.execute_async_script(script, texts)  # type: ignore[attr-defined,no-any-return]


@pytest.mark.skipif(not MERMAID, reason="Mermaid is not fetched (make test fetches it)")
def test_mermaid_diagrams_draw_in_mermaid_itself(browser: object, tmp_path: Path) -> None:
    import journeymap
    from journeymap.diagram import VIEWS, mermaid_source

    (tmp_path / "hostile.yaml").write_text(HOSTILE)
    loaded = journeymap.load_paths([JOURNEYS, tmp_path / "hostile.yaml"])
    assert loaded.problems == ()
    result = journeymap.audit_journeys(loaded.journeys)
    texts = [
        mermaid_source(j, a, view)
        for j, a in zip(loaded.journeys, result.journeys, strict=True)
        for view in VIEWS
    ]
    assert _mermaid_errors(browser, tmp_path, texts) == []
    broken = 'flowchart TD\n  a["unclosed] --> b'  # the check itself can fail
    assert _mermaid_errors(browser, tmp_path, [broken]) != []


@pytest.mark.skipif(not MERMAID, reason="Mermaid is not fetched (make test fetches it)")
def test_the_markdown_report_embeds_mermaid_that_draws(browser: object, tmp_path: Path) -> None:
    from markdown_it import MarkdownIt

    out = tmp_path / "report.md"
    result = CliRunner().invoke(
        app, ["audit", str(JOURNEYS), "-f", "markdown", "--mermaid", "-o", str(out), "--exit-zero"]
    )
    assert result.exit_code == 0, result.output
    tokens = MarkdownIt().parse(out.read_text())
    blocks = [t.content for t in tokens if t.type == "fence" and t.info == "mermaid"]
    assert len(blocks) == len(list(JOURNEYS.glob("*.yaml")))
    assert _mermaid_errors(browser, tmp_path, blocks) == []
