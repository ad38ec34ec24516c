"""The HTML report on paper: printed to PDF by headless Chromium, read back with pypdf.

A client gets the PDF, so the checks are on the PDF: a cover with who it is for, a
one-page executive summary, no blank page, each journey's teams diagram, a method
appendix naming every rule run. `make test` installs Chromium and ChromeDriver; on a
machine without them the printing tests are skipped (never in CI).
"""

from __future__ import annotations

import base64
import io
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import JOURNEYS
from typer.testing import CliRunner

import journeymap
from journeymap.cli import app
from journeymap.recommendations import recommendations, total_points
from journeymap.reporters.naming import quotation, readable
from journeymap.reporters.printing import MIN_SCALE, PAGE_HEIGHT, PAGE_WIDTH, layout
from journeymap.rules import RULES

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
needs_browser = pytest.mark.skipif(
    (CHROMIUM is None or CHROMEDRIVER is None) and not os.environ.get("CI"),
    reason="Chromium and ChromeDriver are not installed (make test installs them)",
)

CLIENT = "Acme Telecom"
AUTHOR = "Jane Doe, Example Consulting"
SCOPE = "Seven customer journeys: phone, chat and web"
DATE = "1 March 2025"
COUNTER = re.compile(r"\d+ / \d+")
"""The page number in the footer ("3 / 52")."""


def _audit_html(tmp_path: Path, *args: str) -> str:
    out = tmp_path / "report.html"
    result = CliRunner().invoke(
        app, ["audit", str(JOURNEYS), "-f", "html", "-o", str(out), "--exit-zero", *args]
    )
    assert result.exit_code == 0, result.output
    return out.read_text(encoding="utf-8")


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
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-print-profile')}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def _print(driver: object, page: Path) -> list[str]:
    """The text of each page of ``page`` printed to PDF (US Letter: the shorter page),
    as a browser's "Save as PDF" prints it; the PDF is written beside it."""
    from pypdf import PdfReader
    from selenium.webdriver.common.print_page_options import PrintOptions

    driver.get(page.as_uri())  # type: ignore[attr-defined]
    options = PrintOptions()
    options.background = True
    pdf = base64.b64decode(driver.print_page(options))  # type: ignore[attr-defined]
    page.with_suffix(".pdf").write_bytes(pdf)
    return [p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages]


def blank_pages(pages: list[str], footer: str = "") -> list[int]:
    """The pages (from 1) with no word on them but the footer."""
    blank = []
    for number, text in enumerate(pages, 1):
        body = COUNTER.sub("", text.replace(footer, "") if footer else text)
        if not re.search(r"[^\W\d_]{3,}", body):
            blank.append(number)
    return blank


@pytest.fixture(scope="module")
def printed(browser: object, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, list[str]]:
    """The sample report (the journeys in journeys/) with a cover, and its printed pages."""
    folder = tmp_path_factory.mktemp("print")
    html = _audit_html(
        folder, "--client", CLIENT, "--author", AUTHOR, "--scope", SCOPE, "--date", DATE
    )
    pages = _print(browser, folder / "report.html")
    if os.environ.get("JOURNEYMAP_PDF"):  # to look at every page
        shutil.copy(folder / "report.pdf", os.environ["JOURNEYMAP_PDF"])
    return html, pages


def _page_of(pages: list[str], words: str, start: int = 0) -> int:
    """The index of the first page from ``start`` holding ``words``."""
    for index in range(start, len(pages)):
        if words in pages[index]:
            return index
    raise AssertionError(f"{words!r} is on no page")


@needs_browser
def test_the_pages_are_a_sane_count_and_none_is_blank(printed: tuple[str, list[str]]) -> None:
    _, pages = printed
    journeys = len(list(JOURNEYS.glob("*.yaml")))
    assert 4 + 2 * journeys <= len(pages) <= 12 * journeys, len(pages)
    footer = f"{CLIENT} · Customer journey audit · {DATE}"
    assert footer in pages[1]  # every page after the cover says whose report it is
    assert blank_pages(pages, footer) == []


@needs_browser
def test_the_cover_names_the_client_the_author_the_scope_and_the_date(
    printed: tuple[str, list[str]],
) -> None:
    _, pages = printed
    cover = pages[0]
    for words in (CLIENT, AUTHOR, SCOPE, DATE, "Customer journey audit"):
        assert words in cover
    assert "What to fix first" not in cover  # the cover is a page of its own
    assert "What to fix first" in pages[1]


@needs_browser
def test_the_executive_summary_fits_on_one_page(printed: tuple[str, list[str]]) -> None:
    _, pages = printed
    first = _page_of(pages, "What to fix first")
    summary = re.sub(r"\s+", " ", pages[first])  # lines wrap where the page wraps them
    for words in ("Executive summary", "Journeys, worst first", "keeps ranking journeys"):
        assert words in summary, words  # its last paragraph too: nothing ran over
    themes = "Each kind of problem once"  # what opens the next part
    assert themes not in summary
    assert themes in pages[first + 1]
    result = journeymap.audit([JOURNEYS])
    top = recommendations(result)[0]
    assert f"{top.points} (" in summary  # the top recommendation's points


@needs_browser
def test_every_journey_has_its_teams_diagram_on_paper(printed: tuple[str, list[str]]) -> None:
    html, pages = printed
    loaded = journeymap.load_paths([JOURNEYS])
    assert html.count('class="teams-box') == len(loaded.journeys)
    for journey in loaded.journeys:
        title = journey.journey.title or journey.id
        caption = f"{title}: teams and handoffs"
        shown = " ".join(p for p in pages if caption in p)
        assert shown, f"no teams diagram of {journey.id}"
        for team_id, team in journey.journey.teams.items():
            name = team.name or team_id
            if any(step.team == team_id for step in journey.journey.nodes.values()):
                assert name in shown, (journey.id, name)  # drawn, not only captioned


@needs_browser
def test_every_step_is_on_the_printed_full_diagram(printed: tuple[str, list[str]]) -> None:
    _, pages = printed
    for journey in journeymap.load_paths([JOURNEYS]).journeys:
        caption = f"{journey.journey.title or journey.id}: every step, with the findings"
        shown = " ".join(p for p in pages if caption in p)
        missing = [step for step in journey.journey.nodes if step not in shown]
        assert missing == [], (journey.id, missing)  # split into parts, but nothing lost


@needs_browser
def test_the_method_appendix_lists_every_rule_run(printed: tuple[str, list[str]]) -> None:
    _, pages = printed
    start = _page_of(pages, "Rules run (")
    assert "Method" in pages[start]
    appendix = re.sub(r"\s+", "", " ".join(pages[start:]))  # a name may wrap in its column
    assert f"Rulesrun({len(RULES)}of{len(RULES)})" in appendix
    for rule in RULES:
        assert f"{rule.id}{rule.name}" in appendix, rule.id
    for words in ("Hurdleweights", "cold_transfer", "Thresholds", "max_hurdles", "frictionscore"):
        assert words in appendix, words


@needs_browser
def test_the_blank_page_check_can_fail(browser: object, tmp_path: Path) -> None:
    page = tmp_path / "blank.html"
    page.write_text(
        "<!doctype html><p>First page words</p>"
        '<div style="break-before: page"></div>'
        '<p style="break-before: page">Third page words</p>',
        encoding="utf-8",
    )
    pages = _print(browser, page)
    assert len(pages) == 3
    assert blank_pages(pages) == [2]


def test_diagrams_are_laid_out_to_fit_a_page_and_read(tmp_path: Path) -> None:
    html = _audit_html(tmp_path)
    parts = re.findall(
        r'<figure class="sheet">.*?<figcaption>([^<]*)</figcaption>'
        r'<svg width="([\d.]+)pt" height="([\d.]+)pt"',
        html,
    )
    loaded = journeymap.load_paths([JOURNEYS])
    assert len(parts) >= 2 * len(loaded.journeys)  # a teams and a full view each
    for caption, width, height in parts:
        assert float(width) <= PAGE_WIDTH + 0.1 and float(height) <= PAGE_HEIGHT + 0.1
        printed_at = re.search(r"printed at (\d+) %", caption)
        assert printed_at is None or int(printed_at.group(1)) >= MIN_SCALE * 100 - 1, caption
    assert any("part 2 of" in caption for caption, _, _ in parts)  # big ones are split
    assert html.count("<use href=") == len(parts)  # parts show the drawing, not copies


def test_a_big_diagram_is_split_into_parts_that_each_fill_a_page() -> None:
    sheet = layout(2400, 2000)
    assert sheet.rows * sheet.columns > 1 and sheet.scale >= MIN_SCALE
    for part in sheet.parts:
        assert part.width * sheet.scale <= PAGE_WIDTH + 0.1
        assert part.height * sheet.scale <= PAGE_HEIGHT + 0.1
    covered_x = max(p.x + p.width for p in sheet.parts)
    covered_y = max(p.y + p.height for p in sheet.parts)
    assert covered_x >= 2400 - 0.1 and covered_y >= 2000 - 0.1  # nothing cut off
    small = layout(300, 200)
    assert (small.scale, len(small.parts)) == (1.0, 1)


def test_the_cover_comes_from_the_settings_file_and_the_options_win(tmp_path: Path) -> None:
    config = tmp_path / ".journeymap.yaml"
    config.write_text(
        "report:\n  client: Harbor Group\n  author: A. Consultant\n  date: 2025-03-01\n",
        encoding="utf-8",
    )
    html = _audit_html(tmp_path, "--config", str(config))
    assert "Prepared for Harbor Group" in html and "<dd>A. Consultant</dd>" in html
    assert "<dd>2025-03-01</dd>" in html  # an unquoted YAML date, printed as written
    html = _audit_html(tmp_path, "--config", str(config), "--client", "Harbor Bank")
    assert "Prepared for Harbor Bank" in html and "Harbor Group" not in html
    assert "<dd>A. Consultant</dd>" in html  # what the options leave alone stays


def test_without_a_date_the_report_is_the_same_every_time(tmp_path: Path) -> None:
    first = _audit_html(tmp_path, "--client", CLIENT)
    second = _audit_html(tmp_path, "--client", CLIENT)
    assert first == second
    assert "<dt>Date</dt>" not in first


def test_the_appendix_says_which_rules_did_not_run(tmp_path: Path) -> None:
    html = _audit_html(tmp_path, "--ignore", "queue-no-callback")
    assert f"Rules run ({len(RULES) - 1} of {len(RULES)})" in html
    assert "Not run (settings): JM306 queue-no-callback" in html
    assert "<td><b>JM306</b> queue-no-callback</td>" not in html


def test_recommendations_rank_by_friction_removed_then_by_journeys() -> None:
    result = journeymap.audit([JOURNEYS])
    recs = recommendations(result)
    assert {r.rule for r in recs} == {f.rule for f in result.findings}
    assert sum(r.findings for r in recs) == len(result.findings)
    keys = [(-r.points, -len(r.journeys)) for r in recs]
    assert keys == sorted(keys)
    by_rule = {r.rule: r for r in recs}
    retry = by_rule["JM102"]  # 3 high findings (10 points each) in 2 journeys
    assert (retry.points, retry.findings, len(retry.journeys)) == (30, 3, 2)
    assert sum(r.points for r in recs) <= total_points(result)


def test_client_facing_text_names_steps_by_what_they_say(tmp_path: Path) -> None:
    html = _audit_html(tmp_path)
    said = (
        '<span class="step">restart result</span></a> '
        '<span class="say">(“If your internet is working now press 1…”)'
    )
    assert said in html  # where a finding is, in the themes and the journey's table
    assert 'title="check_cables: “Please check that the grey cable' in html  # in messages
    result = journeymap.audit([JOURNEYS])
    broadband = next(j for j in result.journeys if j.journey == "broadband-tech-support")
    assert broadband.step_words["main_menu"].startswith("For internet problems press 1.")
    assert broadband.step_words["billing_queue"] == ""  # every step, saying nothing or not


def test_step_names_read_as_words_or_stay_ids() -> None:
    assert readable("restart_result") == "restart result"
    assert readable("outageCheck") == "outage check"
    assert readable("0b8e3c1d-5a6f-4e2b-9c7d-1f2e3a4b5c6d") is None  # a vendor's UUID
    assert quotation("(dynamic prompt)") is None
    long = "Please " + "really " * 20 + "hold."
    quoted = quotation(long)
    assert quoted is not None and quoted.endswith("…") and len(quoted) <= 71


def test_cover_text_cannot_break_out_of_the_page(tmp_path: Path) -> None:
    html = _audit_html(tmp_path, "--client", '</style><script>window.x = 1</script>"')
    assert "<script>window.x" not in html  # neither in the cover nor in the page footer
    assert "Prepared for &lt;/style&gt;&lt;script&gt;" in html


@needs_browser
def test_the_traffic_audit_prints_with_its_views_and_no_blank_page(
    browser: object, tmp_path: Path
) -> None:
    log = JOURNEYS / "traffic" / "order-support-line.csv"
    _audit_html(tmp_path, "--traffic", str(log), "--client", CLIENT, "--date", DATE)
    pages = _print(browser, tmp_path / "report.html")
    text = " ".join(" ".join(pages).split())  # PDF text breaks lines anywhere
    assert "customers affected" in text and "Where customers jump ship" in text
    assert "where customers go and give up" in text  # the traffic views' captions
    assert blank_pages(pages, f"{CLIENT} · Customer journey audit · {DATE}") == []
