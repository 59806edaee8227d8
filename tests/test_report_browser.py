"""The report and the summary as people see them in a browser: the first screen, the filter, print,
a phone, German, and axe-core's accessibility rules. Reports are built offline from the replica's
expected observations (tests/sample_reports.py): no audit runs here.
"""

from __future__ import annotations

import pytest
import sample_reports
from axe_playwright_python.sync_playwright import Axe

from auditor.checklist import load_checklist
from auditor.cohort.summary import AccountRow, Failure, Summary, tally, write_summary
from auditor.results import Findings, read

pytestmark = pytest.mark.browser

FIRST_SCREEN = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
ANSWERS = {
    "en": ["How exposed you are", "What matters most", "Can Meta train its AI on your posts?"],
    "de": ["Wie offen Sie sind", "Was am wichtigsten ist", "Darf Meta seine KI mit Ihren Beiträgen trainieren?"],
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The demo account's report in English and the German account's in German, and a summary of both in each."""
    root = tmp_path_factory.mktemp("reports")
    paths = {"en": sample_reports.report("demo", root / "demo"), "de": sample_reports.report("de", root / "de")}
    found = {name: read(path.parent / "findings.json", Findings) for name, path in paths.items()}
    for lang in ("en", "de"):
        paths[f"summary-{lang}"] = write_summary(root / f"summary-{lang}", summary(found), lang)
    return paths


def summary(found: dict[str, Findings]) -> Summary:
    rows = [
        AccountRow(
            name=name,
            position=position,
            platforms=["facebook", "instagram"],
            status="complete",
            counts={s: sum(x.status == s for x in f.findings) for s in ("fail", "pass", "unknown")},
            top_failures=[Failure(check=x.check, title=x.title, severity=x.severity) for x in f.findings[:3]],
        )
        for position, (name, f) in enumerate(found.items(), start=1)
    ]
    first = next(iter(found.values()))
    return Summary(
        tool_version="0.1.0",
        started=first.run.started,
        finished=first.evaluated,
        target="meta",
        browser="chromium (test)",
        workers=2,
        checklist=first.checklist,
        accounts=rows,
        checks=tally(load_checklist("default"), found),
    )


@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_first_screen_answers_three_questions(page, built, lang):
    page.set_viewport_size(FIRST_SCREEN)
    page.goto(built[lang].as_uri())
    overview = [page.locator(f"#{section}") for section in ("exposure", "top", "ai-answer")]
    for section, heading in zip(overview, ANSWERS[lang]):
        assert section.get_by_role("heading", level=2).inner_text() == heading
        first_answer = section.locator("li").first  # a topic's bar, the first change, the first thing to do
        for element in (section.get_by_role("heading", level=2), first_answer):
            box = element.bounding_box()
            assert box and box["y"] >= 0 and box["y"] + box["height"] <= FIRST_SCREEN["height"], (heading, box)
    # The first change links to its card, which is open.
    page.locator("#top a").first.click()
    assert page.locator(":target").locator("details").first.get_attribute("open") == ""


@pytest.mark.parametrize("lang", ["en", "de"])
def test_nothing_is_wider_than_a_phone_with_every_section_open(page, built, lang):
    page.set_viewport_size(PHONE)
    page.goto(built[lang].as_uri())
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_filter_works_with_the_keyboard(page, built):
    page.goto(built["en"].as_uri())
    cards = page.locator("#findings .card")
    shown = cards.count()
    everything = page.get_by_role("radio", name="All")
    everything.focus()
    page.keyboard.press("ArrowRight")  # a radio group moves with the arrow keys
    assert page.get_by_role("radio", name="To change").is_checked()
    visible = page.locator("#findings .card:visible")
    assert 0 < visible.count() < shown
    assert set(visible.evaluate_all("cards => cards.map(c => c.dataset.show)")) == {"fail"}
    page.keyboard.press("ArrowRight")
    assert set(visible.evaluate_all("cards => cards.map(c => c.dataset.show)")) == {"check"}
    page.keyboard.press("ArrowRight")
    assert set(visible.evaluate_all("cards => cards.map(c => c.dataset.show)")) == {"fine"}
    assert page.locator("#findings .group:visible").count() < page.locator("#findings .group").count()


def test_without_javascript_everything_shows_and_the_filter_does_not(browser, built):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(built["en"].as_uri())
        assert page.locator(".filter").is_hidden()
        groups = page.locator("#findings .group")
        assert page.locator("#findings .group > summary:visible").count() == groups.count() > 5  # each opens by hand
        assert page.locator("#findings .group[hidden], #findings .card[hidden]").count() == 0
        fail_card = page.locator('.card[data-show="fail"]').first
        assert fail_card.get_by_role("heading", level=5).is_visible()  # a change's steps are open
    finally:
        context.close()


def test_printing_expands_everything_and_hides_navigation(page, built):
    page.goto(built["en"].as_uri())
    closed = page.locator('.card[data-show="fine"] details:not([open]) .steps').first
    assert closed.is_hidden()
    page.emulate_media(media="print")
    assert closed.is_visible()
    assert page.locator(".filter").is_hidden() and page.locator(".skip").is_hidden()


@pytest.mark.parametrize("name", ["en", "de", "summary-en", "summary-de"])
def test_axe_finds_no_accessibility_violation(page, built, name):
    page.goto(built[name].as_uri())
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")  # check the closed parts too
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
