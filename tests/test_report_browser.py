"""The report and the summary as people see them in a browser: the first screen on a phone and a desktop,
the page's length, words that stay whole, the filter, print, German, and axe-core's accessibility rules.
Reports are built offline from the replica's expected observations (tests/sample_reports.py): no audit
runs here. Each page is loaded once and measured at both widths.
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
    "en": ["What matters most", "Can Meta train its AI on your posts?", "How exposed you are"],
    "de": ["Was am wichtigsten ist", "Darf Meta seine KI mit Ihren Beiträgen trainieren?", "Wie offen Sie sind"],
}
PHONE_PAGE = 15_000  # px: the whole report on a phone, groups as it opens
# Words split over two lines (a long address or a hash may break; a word may not: "Faceboo k").
BROKEN_WORDS = """() => {
  const broken = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const element = node.parentElement;
    if (!element.getClientRects().length || element.closest("code")) continue;
    if (element.closest("a") && /^https?:\\/\\//.test(element.textContent)) continue;
    for (const word of node.data.matchAll(/[^\\s\\-\\u2010/]+/g)) {
      const range = document.createRange();
      range.setStart(node, word.index);
      range.setEnd(node, word.index + word[0].length);
      const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
      if (lines.size > 1) broken.push(word[0]);
    }
  }
  return broken;
}"""


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


def bottom(locator) -> float:
    box = locator.bounding_box()
    assert box is not None, locator
    return box["y"] + box["height"]


@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_first_screen_gives_the_verdict_the_top_changes_and_the_ai_answer(page, built, lang):
    """On a phone (390 x 844): the four counts, the top changes' titles and the AI answer, no scrolling; only the
    group to act on first open, the page under 15,000 px, nothing wider than the screen, no word broken. On a
    desktop (1280 x 900): the three answers side by side."""
    page.set_viewport_size(PHONE)
    page.goto(built[lang].as_uri())
    assert bottom(page.locator("header .summary")) <= PHONE["height"]  # the verdict
    titles = page.locator("#top li a")
    assert titles.count() == 5 and all(bottom(titles.nth(n)) <= PHONE["height"] for n in range(5))
    assert bottom(page.locator("#ai-answer > p").first) <= PHONE["height"]  # the answer itself, not only its heading
    groups = page.locator("#findings details.group")
    opened = page.locator("#findings details.group[open]")
    assert groups.count() > 5 and opened.count() == 1
    first = titles.first.get_attribute("href")
    assert opened.locator(first).count() == 1  # the open group holds the most important change
    measured = page.evaluate(
        "({height: document.documentElement.scrollHeight, wide: document.documentElement.scrollWidth,"
        " screen: window.innerWidth})"
    )
    assert measured["height"] < PHONE_PAGE and measured["wide"] <= measured["screen"], measured
    assert page.evaluate(BROKEN_WORDS) == []
    page.set_viewport_size(FIRST_SCREEN)
    for name, heading in zip(("top", "ai-answer", "exposure"), ANSWERS[lang]):
        section = page.locator(f"#{name}")
        assert section.get_by_role("heading", level=2).inner_text() == heading
        first_answer = section.locator("li").first  # the first change, the first thing to do, a topic's bar
        for element in (section.get_by_role("heading", level=2), first_answer):
            box = element.bounding_box()
            assert box and box["y"] >= 0 and box["y"] + box["height"] <= FIRST_SCREEN["height"], (heading, box)
    assert page.evaluate(BROKEN_WORDS) == []
    # The first change links to its card, which opens with its group.
    titles.first.click()
    assert page.locator(":target").locator("details").first.get_attribute("open") == ""
    assert page.locator(":target").is_visible()


@pytest.mark.parametrize("lang", ["en", "de"])
def test_nothing_is_wider_than_a_phone_with_every_section_open(page, built, lang):
    page.set_viewport_size(PHONE)
    page.goto(built[lang].as_uri())
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.evaluate(BROKEN_WORDS) == []


@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_summary_fits_a_phone_and_keeps_its_words_whole(page, built, lang):
    """No sideways scroll at 390 px (each account a card of its own), and no name broken mid-word at 390 or 1280."""
    page.set_viewport_size(PHONE)
    page.goto(built[f"summary-{lang}"].as_uri())
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.evaluate(BROKEN_WORDS) == []
    assert page.get_by_role("row").count() > 2  # still a table to a screen reader
    page.set_viewport_size(FIRST_SCREEN)
    assert page.evaluate(BROKEN_WORDS) == []


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
    assert page.locator("header .summary li").count() == 4 and page.locator("header .summary").is_visible()


@pytest.mark.parametrize("name", ["en", "de", "summary-en", "summary-de"])
def test_axe_finds_no_accessibility_violation(page, built, name):
    page.goto(built[name].as_uri())
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")  # check the closed parts too
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
