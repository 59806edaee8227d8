"""How the person is masked in an evidence screenshot: painted over by a style sheet where that is
proven to cover exactly what the flow masks, by Playwright's own masks elsewhere.

Playwright masks by laying a pane of boxes over the page for the screenshot and taking it away
after: about 30 ms of the browser's CPU and 25 ms of waiting a screenshot, more than the picture
itself. A style sheet that paints the masked elements grey costs next to nothing. A flow's mask is
a role locator, though, and CSS knows no accessible names: a CSS form of it (the role's elements
with that aria-label) is used only when it picks exactly the elements the locator picks on this
page; any other mask ("a text containing @", a name from the element's content) stays Playwright's.

The sheet is one built by script and adopted by the document for the screenshot: a page's
Content-Security-Policy may forbid <style> elements (which Playwright's own `style` option
inserts, and the mask would silently fail), not sheets built by script.
"""

from __future__ import annotations

import json
from contextlib import contextmanager

from auditor.locators import Locator
from auditor.observe.locate import locate
from auditor.observe.wording import texts

COLOUR = "#7a7a7a"
# Always masked: pictures with a description (a profile picture's is the person's name) and email fields.
PICTURES, EMAIL_FIELDS = "img[alt]:not([alt=''])", "input[type=email]"
# The HTML elements that have a role without saying so, for the roles flows mask.
NATIVE = {
    "button": ["button"],
    "heading": ["h1", "h2", "h3", "h4", "h5", "h6"],
    "list": ["ul", "ol"],
    "img": ["img"],
    "link": ["a[href]"],
    "main": ["main"],
}

COUNT_JS = "css => document.querySelectorAll(css).length"
# For each selector: how many elements it picks in the document, and how many in the document's open shadow roots
# (Playwright's selectors reach into those, a document's style sheet does not). One round trip for a page's masks.
COUNTS_JS = """selectors => {
    const roots = [], walk = root => root.querySelectorAll("*").forEach(e => {
        if (e.shadowRoot) { roots.push(e.shadowRoot); walk(e.shadowRoot); }
    });
    walk(document);
    return selectors.map(css => [document.querySelectorAll(css).length,
        roots.reduce((n, root) => n + root.querySelectorAll(css).length, 0)]);
}"""
# The sheet is kept on the document under a key of auditor's own until it is dropped: two round trips in all,
# where a handle to it would take a third to be let go. Adopting it answers the page's size as it will be shot.
ADOPT_JS = """css => {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
    document[Symbol.for("auditor.masks")] = sheet;
    const root = document.scrollingElement || document.documentElement, view = window.visualViewport;
    return {width: root.scrollWidth, height: root.scrollHeight, viewWidth: view.width, viewHeight: view.height};
}"""
DROP_JS = """() => {
    const key = Symbol.for("auditor.masks"), sheet = document[key];
    delete document[key];
    document.adoptedStyleSheets = document.adoptedStyleSheets.filter(s => s !== sheet);
}"""


def split(page, masks: list[Locator], locale: str, counted: list[int] | None = None) -> tuple[list[str], list]:
    """(CSS selectors to paint, Playwright locators to mask) for a flow's masks on this page; `counted`: how many
    elements each mask picks, if counted already."""
    forms = [css_form(mask, locale) for mask in masks]
    always = f"{PICTURES}, {EMAIL_FIELDS}"  # painted too, unless some are in a shadow root the sheet does not reach
    selectors = [css for css in forms if css is not None] + [always]
    counts = dict(zip(selectors, page.evaluate(COUNTS_JS, selectors)))
    painted, overlaid = [], []
    for index, (mask, css) in enumerate(zip(masks, forms)):
        found = locate(page, mask, locale)
        count = counted[index] if counted is not None else None
        if css is not None and not counts[css][1] and same_elements(page, found, css, counts[css][0], count):
            painted.append(css)
        else:
            overlaid.append(found)
    if counts[always][1]:
        overlaid.append(page.locator(always))
    return painted, overlaid


def css_form(mask: Locator, locale: str) -> str | None:
    """The mask's role's elements (named by an aria-label of its exact name, if it has one), within
    what its `within` picks; None for a mask CSS cannot say (a text, a name from content)."""
    if mask.role is None or mask.match != "exact":
        return None
    elements = ", ".join([f"[role={mask.role}]", *NATIVE.get(mask.role, [])])
    own = f":is({elements})"
    if mask.name is not None:
        names = ", ".join(f"[aria-label={json.dumps(n, ensure_ascii=False)}]" for n in texts(mask.name, locale))
        own += f":is({names})"
    if mask.within is None:
        return own
    outer = css_form(mask.within, locale)
    return None if outer is None else f"{outer} {own}"


def same_elements(page, found, css: str, in_document: int | None = None, count: int | None = None) -> bool:
    """Does `css` pick exactly the elements `found` picks (each of them, and no other, and none in a
    shadow root, where the document's style sheet does not reach)? `in_document`: how many `css` picks in the
    document, and `count`: how many `found` picks, if counted already."""
    if count is None:
        count = found.count()
    if in_document is None:
        in_document = page.evaluate(COUNT_JS, css)
    return found.and_(page.locator(css)).count() == count == in_document


@contextmanager
def painted(page, selectors: list[str]):
    """While inside, the pictures, the email fields and these elements are painted grey; gives the page's size
    and its window's, painted (CSS pixels: width, height, viewWidth, viewHeight)."""
    size = page.evaluate(ADOPT_JS, style(selectors))
    try:
        yield size
    finally:
        page.evaluate(DROP_JS)


def style(selectors: list[str]) -> str:
    """A style sheet painting the pictures, the email fields and these elements grey, box by box."""
    boxes = ", ".join([EMAIL_FIELDS, *selectors])
    sheet = [
        f":is({boxes}) {{ background: {COLOUR} !important; color: transparent !important; "
        "-webkit-text-fill-color: transparent !important; text-shadow: none !important; "
        f"border-color: {COLOUR} !important; }}",
        # Chromium draws an image's `content` instead of its picture: a grey one the picture's size.
        f"{PICTURES} {{ content: linear-gradient({COLOUR}, {COLOUR}) !important; }}",
    ]
    if selectors:  # what a painted element holds (its pictures, its text in other elements, its icons) is hidden
        inside = [f"{css}{part}" for css in selectors for part in (" *", "::before", "::after")]
        sheet.append(f"{', '.join(inside)} {{ visibility: hidden !important; }}")
    return "\n".join(sheet)
