"""One entry of the pattern goldens in a browser: its knobs and values on the replica, the reading a
right reader gives, the page loaded with its parts held until its first view is taken, and the
options of each pattern followed where they open (read-only: a dialog, an expanded section, a subpage).
Used by tests/capture_patterns.py and test_replica_patterns.
"""

from __future__ import annotations

import re

from conftest import wait_until
from pattern_cases import url
from saved_pages import VOLATILE

from auditor.replica import layout, model
from auditor.replica.patterns import PART_LOADS, Pattern
from auditor.replica.registry import catalog


def set_up(replica, account_id: str, assignment: dict[str, tuple[Pattern, str]]) -> None:
    """The knobs and stored values of one entry (the replica's other knobs cleared)."""
    replica.knobs.clear()
    replica.knobs.set(*(f"pattern:{setting}:{pattern}" for setting, (pattern, _value) in assignment.items()))
    for setting, (_pattern, value) in assignment.items():
        replica.store.set(account_id, setting, value)


def page_data(replica, account_id: str, page_id: str) -> dict:
    account = replica.store.accounts[account_id]
    page = catalog().page(page_id)
    return model.build_page(page, account, account.locale, replica.store, replica.knobs, replica.app.seed)


def expected(replica, account_id: str, page_id: str, assignment: dict[str, tuple[Pattern, str]]) -> dict[str, dict]:
    """setting -> the reading a correct reader gives: value, the text shown for it (None: only a state), label."""
    data = page_data(replica, account_id, page_id)
    shown = {c["key"]: c for c in layout.controls(data)}
    out = {}
    for setting, (pattern, value) in assignment.items():
        c = shown[model.opaque_id(replica.app.seed, setting)]
        text = None if layout.is_boolean_widget(c["type"]) else c.get("value_text")
        out[setting] = {"value": value, "shown": text, "label": c["label"]}
    return out


def _held_parts(data: dict) -> int:
    return sum(1 for p in layout.parts(data) if p["load"] in PART_LOADS and p["load"] != "scroll")


def render(page, replica, account_id: str, page_id: str, assignment) -> dict:
    """Load the page as set up; {"snapshot", "before"?, "followed"?} of its main region.

    A part's own read is held until the page's first view is taken (`before`), so nothing here
    depends on timing; every case's label is in the page before the final snapshot is taken.
    """
    data = page_data(replica, account_id, page_id)
    labels = {s: c["label"] for s in assignment for c in layout.controls(data) if c["key"] == key(replica, s)}
    held: list = []

    def hold(route):
        if (route.request.post_data or "").find("SectionQuery") >= 0:
            held.append(route)
        else:
            route.continue_()

    page.route(re.compile(r"/api/graphql/?$"), hold)
    try:
        page.goto(url(page_id))
        main = page.get_by_role("main")
        page.locator("[role=main][aria-busy=false]").wait_for()
        wait_until(lambda: len(held) >= _held_parts(data), page=page)  # the page's scripts send the parts' reads
        out = {}
        patterns = [p for p, _v in assignment.values()]
        later = any(p.load in PART_LOADS or p.section == "collapsed" for p in patterns)
        if later:
            out["before"] = seen(main)
        counts = {s: main.get_by_text(text, exact=True).count() for s, text in labels.items()}
        for route in held:
            route.continue_()
    finally:
        page.unroute(re.compile(r"/api/graphql/?$"))
    if any(p.section == "collapsed" for p in patterns):  # what a person opens: the collapsed parts' tiles
        more = catalog().strings["more_settings"](replica.store.accounts[account_id].locale)
        tiles = main.get_by_role("button", name=more, exact=True, expanded=False)
        for _ in range(tiles.count()):  # each click opens one (a tile that does not open ends the loop all the same)
            tiles.first.click()
    scroll = any(p.load == "scroll" for p in patterns)
    for setting, (pattern, _value) in assignment.items():
        if pattern.load in PART_LOADS or pattern.section == "collapsed":
            want = counts[setting] + (pattern.load in PART_LOADS)
            _wait_count(page, main.get_by_text(labels[setting], exact=True), want, scroll)
    if scroll:
        page.evaluate("window.scrollTo(0, 0)")
    out["snapshot"] = seen(main)
    locale = replica.store.accounts[account_id].locale
    followed = {s: follow(page, main, p, labels[s], locale) for s, (p, _v) in assignment.items() if opens(p)}
    if followed:
        out["followed"] = followed
    return out


def seen(element) -> str:
    """The element's snapshot as observe takes it ("ai" mode: the page's containers kept), without what changes
    from one load to the next (references, the pointer's shape)."""
    return "\n".join(VOLATILE.sub("", line) for line in element.aria_snapshot(mode="ai").splitlines())


def key(replica, setting: str) -> str:
    """The opaque id the page knows the setting by."""
    return model.opaque_id(replica.app.seed, setting)


def _wait_count(page, locator, want: int, scroll: bool) -> None:
    """Until the locator matches `want` elements; scrolling to the page's end each time, if asked (a part
    rendered on scroll may push the next one out of view)."""

    def shown() -> bool:
        if scroll:
            page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        return locator.count() >= want

    wait_until(shown, page=page)


def opens(pattern: Pattern) -> bool:
    """Are this pattern's options followed for the golden? Where they open, on a page in view and clear."""
    return pattern.reach is not None and (pattern.load, pattern.section, pattern.overlay) == ("now", "open", "none")


def row_of(main, label: str, role: str, name=None):
    """The innermost element of main holding the label's text and a control of this role (and name)."""
    page = main.page
    inner = page.get_by_role(role, name=name) if name is not None else page.get_by_role(role)
    return main.locator("div").filter(has=page.get_by_text(label, exact=True)).filter(has=inner).last


def opener(main, pattern: Pattern, label: str, locale: str):
    """The control that opens the options of a setting in this pattern."""
    words = {key: re.escape(text(locale)) for key, text in catalog().strings.items()}
    if pattern.control == "choice_row":
        return main.get_by_role("button", name=re.compile("^" + re.escape(label)))
    role = "link" if pattern.reach == "subpage" else "button"
    if pattern.control == "review":
        return main.get_by_role(role, name=re.compile(f"{words['review_setting']}|{re.escape(label)}"))
    if pattern.control == "audience_button":
        name = re.compile(f"^{words['edit_privacy']}")
    else:
        name = re.compile(f"^({words['edit']}|{words['change']})$")
    return row_of(main, label, role, name).get_by_role(role, name=name)


def follow(page, main, pattern: Pattern, label: str, locale: str) -> str:
    """Open the options (read-only: a dialog, an expanded section, a subpage), take their snapshot, come back."""
    control = opener(main, pattern, label, locale)
    if pattern.reach == "subpage":
        back = page.url
        control.click()
        page.locator("[role=main][aria-busy=false] h1").wait_for()
        tree = seen(page.get_by_role("main"))
        page.goto(back)
        page.locator("[role=main][aria-busy=false]").wait_for()
        return tree
    if pattern.reach == "inline":
        control.click()
        tree = seen(main)
        control.click()
        return tree
    control.click()
    dialog = page.get_by_role("dialog")
    dialog.wait_for()
    # A dialog moves focus into itself a task after it opens (setTimeout 0): a timer set now fires after that one.
    page.evaluate("() => new Promise(done => setTimeout(done, 0))")
    tree = seen(dialog)
    page.keyboard.press("Escape")
    dialog.wait_for(state="detached")
    return tree
