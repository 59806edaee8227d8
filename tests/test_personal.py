"""The person stays out of what a run leaves: masked in screenshots, scrubbed from observations.

The screenshot tests read the pixels of the evidence screenshot (decoded by the browser itself)
where the demo account's name, picture, email address and phone number are shown.
"""

from __future__ import annotations

import base64
import json
import math

import pytest
from conftest import visit_in

from auditor.locators import Localized, Locator
from auditor.observe import evidence, masks
from auditor.observe.locate import locate
from auditor.observe.page import read_page
from auditor.redact import Scrubber
from auditor.results import Control, Observation

MASK_COLOUR = (0x7A, 0x7A, 0x7A)  # masks.COLOUR, as a style sheet or Playwright paints it
# Per channel: JPEG at quality 70 rings by up to about 16 levels near the mask's edge (in the same
# 8x8 block); text or a page's white would be 100 and more away.
TOLERANCE = 24
BOX_JS = (
    "el => { const r = el.getBoundingClientRect(); return [r.left + scrollX, r.top + scrollY, r.width, r.height]; }"
)
# The picture's size, and per box how many of its pixels are further than the tolerance from a colour in any channel.
OFF_COLOUR_JS = """async ([src, boxes, colour, tolerance]) => {
    const image = new Image();
    image.src = src;
    await image.decode();
    const canvas = document.createElement("canvas");
    canvas.width = image.width;
    canvas.height = image.height;
    const drawing = canvas.getContext("2d");
    drawing.drawImage(image, 0, 0);
    return [[image.width, image.height], boxes.map(([x, y, w, h]) => {
        const data = drawing.getImageData(x, y, w, h).data;
        let off = 0;
        for (let i = 0; i < data.length; i += 4) {
            if ([0, 1, 2].some(c => Math.abs(data[i + c] - colour[c]) > tolerance)) off += 1;
        }
        return off;
    })];
}"""


def off_mask(decoder, jpeg: bytes, boxes: list[list[float]]) -> list[int]:
    """Per box (its inside: 2 px in from each edge), how many pixels are not the mask colour."""
    inside = []
    for x, y, width, height in boxes:
        left, top = math.ceil(x) + 2, math.ceil(y) + 2
        inside.append([left, top, math.floor(x + width) - 2 - left, math.floor(y + height) - 2 - top])
    assert all(w > 0 and h > 0 for _x, _y, w, h in inside)
    return off_colour(decoder, jpeg, inside, MASK_COLOUR)[1]


def off_colour(decoder, jpeg: bytes, boxes: list[list[int]], colour: tuple[int, ...]) -> tuple[list[int], list[int]]:
    """The picture's [width, height], and per box how many of its pixels are not `colour`."""
    src = f"data:image/jpeg;base64,{base64.b64encode(jpeg).decode()}"
    return decoder.evaluate(OFF_COLOUR_JS, [src, boxes, list(colour), TOLERANCE])


@pytest.mark.parametrize(
    "flow_id, shown, knobs",
    [
        ("facebook/profile_details", ["picture", "email", "phone"], []),
        ("facebook/profile", ["picture", "name"], []),
        ("facebook/posts", ["picture", "profile button"], []),
        # Meta's pages send a Content-Security-Policy: one that allows no inline style must not unmask anyone.
        ("facebook/profile", ["picture", "name"], ["csp:*"]),
        ("facebook/profile_details", ["picture", "email", "phone"], ["csp:*"]),
    ],
)
def test_the_evidence_screenshot_hides_the_person(page, log_in, replica, flows, tmp_path, flow_id, shown, knobs):
    log_in("demo", "facebook")
    replica.knobs.set(*knobs)
    account = replica.store.accounts["demo"]
    flow = next(f for f in flows if f.id == flow_id)
    read = read_page(page, flow, visit_in(page.context, replica, [flow], folder=tmp_path, evidence=True))
    found, inventory = read.observations, read.inventory
    assert inventory.status == "ok" and inventory.screenshot

    where = {
        "picture": page.get_by_alt_text(account.name),  # the profile picture, named after the person
        "name": page.get_by_role("main").get_by_role("heading", name=account.name),
        "email": page.get_by_text(account.email),
        "phone": page.get_by_text(account.phone),
        "profile button": page.get_by_role("button", name="Your profile"),
    }
    boxes = [where[what].first.evaluate(BOX_JS) for what in shown]
    decoder = page.context.new_page()
    masked = off_mask(decoder, (tmp_path / inventory.screenshot).read_bytes(), boxes)
    bare = off_mask(decoder, page.screenshot(full_page=True, type="jpeg", quality=70, animations="disabled"), boxes)
    assert dict(zip(shown, masked)) == dict.fromkeys(shown, 0)  # every pixel the mask colour: nothing legible
    assert all(count > 20 for count in bare), dict(zip(shown, bare))  # without masks the same places show the person

    recorded = json.dumps([o.model_dump() for o in found] + [inventory.model_dump()], ensure_ascii=False)
    assert [text for text in (account.name, account.email, account.phone) if text in recorded] == []


def test_a_mask_is_painted_by_css_only_where_that_picks_exactly_its_elements(page, log_in, flows):
    log_in("demo", "facebook")
    flow = next(f for f in flows if f.id == "facebook/profile_details")
    page.goto(flow.spec.url)
    page.get_by_role("main").wait_for()
    profile, email, _phone = flow.spec.mask
    found = locate(page, profile, "en_US")
    # The navigation around the profile button carries the same aria-label: a bare attribute picks both.
    assert not masks.same_elements(page, found, "[aria-label='Your profile']")
    assert masks.same_elements(page, found, masks.css_form(profile, "en_US"))
    painted, overlaid = masks.split(page, flow.spec.mask, "en_US")
    assert painted == [masks.css_form(profile, "en_US")]  # the texts with "@" and "+" stay Playwright's masks
    assert len(overlaid) == 2 and masks.css_form(email, "en_US") is None


def test_what_a_shadow_root_holds_is_left_to_playwrights_masks(page):
    """The document's style sheet does not reach into a shadow root; Playwright's masks do."""
    button = '<div role="button" aria-label="Your profile"><img alt="Alex Demo" src="data:,"></div>'
    page.set_content(f"{button}<div id=host></div>")
    mask = Locator(role="button", name=Localized(en_US="Your profile"))
    assert masks.split(page, [mask], "en_US") == ([masks.css_form(mask, "en_US")], [])
    page.evaluate("html => document.getElementById('host').attachShadow({mode: 'open'}).innerHTML = html", button)
    painted, overlaid = masks.split(page, [mask], "en_US")
    assert painted == [] and len(overlaid) == 2  # the button, and the pictures
    # A shadow root within a shadow root: the same.
    page.set_content(f"{button}<div id=host></div>")
    page.evaluate(
        """html => document.getElementById('host').attachShadow({mode: 'open'})
            .appendChild(document.createElement('div')).attachShadow({mode: 'open'}).innerHTML = html""",
        button,
    )
    painted, overlaid = masks.split(page, [mask], "en_US")
    assert painted == [] and len(overlaid) == 2


def shot(page) -> bytes:
    """The evidence screenshot of the page as observe takes it: under the masks' sheet, at the size it gives."""
    with masks.painted(page, []) as size:
        return evidence.whole_page(page, size)


@pytest.mark.parametrize("doctype", ["", "<!doctype html>"], ids=["quirks", "standards"])
def test_the_whole_page_is_in_the_picture_also_below_the_window(page, doctype):
    """Evidence of a page longer than the window shows all of it, down to its end, at the page's size (a page
    with no doctype measures its root otherwise)."""
    page.set_viewport_size({"width": 800, "height": 600})
    tail = '<div style="height:100px; background:blue">'
    page.set_content(f'{doctype}<body style="margin:0"><div style="height:2400px"></div>{tail}')
    # The inside of the blue block at the page's end, far below the window: every pixel of it blue.
    size, off = off_colour(page.context.new_page(), shot(page), [[20, 2420, 760, 60]], (0, 0, 255))
    assert size == [800, 2500] and off == [0]
    page.set_content("<p>short")
    assert shot(page)[:2] == b"\xff\xd8"  # a page that fits the window: a JPEG all the same


def test_the_css_form_of_a_mask_names_its_role_its_exact_name_and_where_it_is():
    button = Locator(role="button", name=Localized(en_US="Your profile", de_DE="Dein Profil"))
    assert masks.css_form(button, "de_DE") == ':is([role=button], button):is([aria-label="Dein Profil"])'
    heading = Locator(role="heading", within=Locator(role="main"))
    assert masks.css_form(heading, "en_US") == ":is([role=main], main) :is([role=heading], h1, h2, h3, h4, h5, h6)"
    assert masks.css_form(Locator(role="button", name=Localized(en_US="Your"), match="prefix"), "en_US") is None
    assert masks.css_form(Locator(text=Localized(en_US="@"), match="contains"), "en_US") is None


# ---------------------------------------------------------------------- the scrubber on hand-made texts
NAME = "Alex Demo"


@pytest.mark.parametrize(
    "text, scrubbed",
    [
        ("Alex Demo", "[personal]"),
        ("Profile picture of Alex Demo, opens the profile", "Profile picture of [personal], opens the profile"),
        ("Follow @alexdemo", "Follow [personal]"),  # a masked text of several lines: each line counts
        ("Contact alex.demo@example.com or a.b+c@mail.example.co.uk", "Contact [email] or [email]"),
        ("+49 30 1234567", "[phone]"),
        ("Call (555) 010-0199 now", "Call [phone] now"),
        ("Mobil: 0151-2345678", "Mobil: [phone]"),
        ("+1 202-555-0101 · Shared with Public", "[phone] · Shared with Public"),
    ],
)
def test_the_scrubber_replaces_the_persons_details(text, scrubbed):
    assert Scrubber([f"{NAME}\n@alexdemo\n", "Al"]).text(text) == scrubbed


@pytest.mark.parametrize(
    "text",
    [
        "Last 90 days",
        "2026",
        "Only me",
        "Friends except...",
        "Posts since 2024-05-01",
        "Last active 22.11.2026",
        "1.234.567 people",
        "Chrome 130.0.6723.58",
        "Always show",
        "ID 100000000000001",
    ],
)
def test_the_scrubber_leaves_setting_texts_alone(text):
    assert (
        Scrubber([NAME, "Al", "X"]).text(text) == text
    )  # masked texts under 3 characters are ignored ("Al" in "Always")


def test_the_scrubber_cleans_every_text_of_a_control_and_an_observation():
    scrub = Scrubber([NAME])
    control = Control(
        role="button",
        name="Alex Demo, Edit",
        label="Email alex.demo@example.com",
        section="Alex Demo's details",
        state="+1 202-555-0101",
        options=["Public", "Alex Demo only"],
        setting="fb.x",
    )
    assert scrub.control(control) == Control(
        role="button",
        name="[personal], Edit",
        label="Email [email]",
        section="[personal]'s details",
        state="[phone]",
        options=["Public", "[personal] only"],
        setting="fb.x",
    )
    observation = Observation(
        setting="fb.x",
        platform="facebook",
        status="unknown",
        value="public",
        raw="Alex Demo (Public)",
        options=["Public", "alex.demo@example.com"],
        reason="not_found",
        detail='option "Alex Demo (Public)" is not one the flow knows',
    )
    assert scrub.observation(observation) == observation.model_copy(
        update={
            "raw": "[personal] (Public)",
            "options": ["Public", "[email]"],
            "detail": 'option "[personal] (Public)" is not one the flow knows',
        }
    )
