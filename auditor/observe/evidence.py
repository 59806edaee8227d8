"""What observe keeps of a page besides its settings: the inventory of its controls (what drift
compares) and a screenshot with the person masked (what the report shows).

The inventory comes from the main region's snapshot the settings were read from; the texts the
flow masks as personal and the screenshot are taken while the page settles, between the last two
looks at it (so they show the page as it was read), and keep the person out of the inventory, the
trace and the picture.
"""

from __future__ import annotations

import base64
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from auditor.errors import AuditorError
from auditor.files import write_atomic
from auditor.observe import aria, masks
from auditor.observe.locate import locate
from auditor.observe.wording import texts
from auditor.results import Control, Observation
from auditor.spec import Loaded

# Each masked element is read from its own aria snapshot (the alt text of a picture is its name
# there). Playwright's calls on one element run in its own script world; a call over all matches at
# once (evaluate_all, all_inner_texts) would first load its script into the page's world: about
# 20 ms a page.
SHORT_MS = 2_000  # for an element counted a moment ago


def personal_texts(page, flow: Loaded, locale: str, matched: list[tuple[object, int]] | None = None) -> list[str]:
    """What the flow masks as personal (the name, the picture's alt text, contact details), as text; `matched`:
    what each mask picks, if `masked` counted it already."""
    found: list[str] = []
    for mask, (matches, count) in zip(flow.spec.mask, matched if matched is not None else masked(page, flow, locale)):
        for index in range(count):
            element = matches.nth(index)
            try:
                # A mask found by its name (a "Your profile" button) is not itself personal; what it holds is.
                held = aria.all_texts(aria.parse(element.aria_snapshot(timeout=SHORT_MS)), own_name=mask.name is None)
                # Text the accessibility tree leaves out (a plain span of a row) is still shown.
                found += held or [element.inner_text(timeout=SHORT_MS)]
            except PlaywrightTimeout:  # counted a moment ago, gone now: and its text with it
                continue
    return found


def masked(page, flow: Loaded, locale: str) -> list[tuple[object, int]]:
    """Each of the flow's masks as a Playwright locator, with how many elements it picks on the page: counted
    once for both the person's texts and the screenshot."""
    found = [locate(page, mask, locale) for mask in flow.spec.mask]
    return [(matches, matches.count()) for matches in found]


def inventory(
    controls: list[Control], readings: list[tuple[Observation, list[int]]], flow: Loaded, locale: str
) -> list[Control]:
    """The main region's controls, each marked with the setting read from it.

    The snapshot reader says which controls it read; a setting read in a dialog is marked on the row
    that carries its label.
    """
    claims = {index: observation for observation, claimed in readings for index in claimed}
    labels = [
        (text, observation)
        for setting, (observation, claimed) in zip(flow.spec.settings, readings)
        if observation.status == "observed" and not claimed
        for text in texts(setting.label, locale)
    ]
    marked = []
    for index, control in enumerate(controls):
        observation = claims.get(index)
        label = control.label
        if observation is None:
            for text, candidate in labels:
                # The row's text runs on into its description; the declared label is its start.
                if (control.label or "").startswith(text) or control.name == text:
                    observation, label = candidate, text
                    break
        elif observation.label_seen is None:
            label = next((t for t in _labels(flow, observation, locale) if (control.label or "").startswith(t)), label)
        if observation is not None:
            control = control.model_copy(
                update={
                    "setting": observation.setting,
                    "found_by": observation.found_by,
                    "label": label,
                    "options": control.options or observation.options or [],
                }
            )
        marked.append(control)
    return marked


def _labels(flow: Loaded, observation: Observation, locale: str) -> list[str]:
    setting = next(s for s in flow.spec.settings if s.id == observation.setting)
    return texts(setting.label, locale)


@dataclass
class Kept:
    """What observe keeps of a page besides its settings, taken while the page settles."""

    personal: list[str] = field(default_factory=list)  # the texts the flow masks
    image: bytes | None = None  # the screenshot, if the run takes them and it did not time out
    error: PlaywrightError | None = None  # why they could not be taken (the settings are read all the same)


def take(page, flow: Loaded, locale: str, screenshot: bool) -> Kept:
    """The person's texts on the page, and its screenshot with them masked."""
    try:
        matched = masked(page, flow, locale)
        return Kept(
            personal_texts(page, flow, locale, matched), capture(page, flow, locale, matched) if screenshot else None
        )
    except PlaywrightError as exc:
        return Kept(error=exc)


def capture(page, flow: Loaded, locale: str, matched: list[tuple[object, int]]) -> bytes | None:
    """A screenshot with the person's name, picture and contact details masked; None if it timed out. `matched`:
    what each mask picks (`masked`)."""
    painted, overlaid = masks.split(page, flow.spec.mask, locale, [count for _matches, count in matched])
    try:
        with masks.painted(page, painted) as size:
            if not overlaid:
                return whole_page(page, size)
            # Playwright's masks are a pane it lays over the page for its own screenshot, and takes away after.
            return page.screenshot(
                full_page=True, mask=overlaid, mask_color=masks.COLOUR, animations="disabled", **JPEG
            )
    except PlaywrightTimeout:
        return None


# JPEG: a third of PNG's time and size, and the report embeds every screenshot.
JPEG = {"type": "jpeg", "quality": 70}
_sessions: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # each page's DevTools session, for its pictures


def whole_page(page, size: dict) -> bytes:
    """The whole page as JPEG, asked of Chromium as Playwright's full-page screenshot asks it in the end; `size`:
    the page's and its window's, as masks.painted gives them.

    Playwright's own first prepares every frame of the page in a script world of its own (a new one
    for each page a run opens) and cleans up after: about 10 ms of CPU a page in an audit, 40 ms on a
    page nothing else has touched (bench/README.md). Observe takes it on a settled page: nothing moves.
    """
    session = _sessions.get(page)
    if session is None:
        session = _sessions[page] = page.context.new_cdp_session(page)
    width, height = size["width"], size["height"]
    shot = session.send(
        "Page.captureScreenshot",
        {
            "format": JPEG["type"],
            "quality": JPEG["quality"],
            "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1},
            # Beyond the viewport only when the page is larger: Chromium then lays it out at its whole size.
            "captureBeyondViewport": width > size["viewWidth"] or height > size["viewHeight"],
        },
    )
    return base64.b64decode(shot["data"])


def save(image: bytes | None, flow: Loaded, folder: Path, prefix: str, warn: Callable[[str], None]) -> str | None:
    """The screenshot in `folder`, named after the flow (never after the person); its path with `prefix`."""
    if image is None:
        return None
    name = flow.id.replace("/", "-") + ".jpg"
    try:
        write_atomic(folder / name, image)
    except AuditorError as exc:  # a full disk: the observations file's own write will say so
        warn(f"warning: no screenshot of {flow.id}: {exc}")
        return None
    return f"{prefix}{name}"


def give_way(observations, folder: Path) -> bool:
    """Delete the run's screenshots (in `folder`, beside its observations) and forget them: when they have
    filled the disk, the readings come first. False when there were none to delete."""
    shots = [Path(folder) / p.screenshot for p in observations.pages if p.screenshot]
    if not any(shot.is_file() for shot in shots):
        return False
    for shot in shots:
        shot.unlink(missing_ok=True)
    observations.pages = [p.model_copy(update={"screenshot": None}) for p in observations.pages]
    return True
