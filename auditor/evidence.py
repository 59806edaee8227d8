"""What observe keeps of a page besides its settings: the inventory of its controls (what drift
compares) and a screenshot with the person masked (what the report shows).

Both come from the page's main region as it is after the settings were read; the texts the flow
masks as personal are found first, so the observer can keep them out of the inventory and the trace.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import TimeoutError as PlaywrightTimeout

from auditor.errors import AuditorError
from auditor.files import write_atomic
from auditor.readers import locate, texts
from auditor.results import Control, Observation
from auditor.spec import Loaded

# The text of a masked element and the alt text of its pictures: a profile button shows the name only there.
PERSONAL_TEXT_JS = (
    "els => els.map(el => [el.innerText || '', el.getAttribute('alt') || '', "
    "...[...el.querySelectorAll('img[alt]')].map(i => i.alt)])"
)


def personal_texts(page, flow: Loaded, locale: str) -> list[str]:
    """What the flow masks as personal (the name, the picture's alt text, contact details), as text."""
    found: list[str] = []
    for mask in flow.spec.mask:
        found += [text for texts in locate(page, mask, locale).evaluate_all(PERSONAL_TEXT_JS) for text in texts]
    return found


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
                    "label": label,
                    "options": control.options or observation.options or [],
                }
            )
        marked.append(control)
    return marked


def _labels(flow: Loaded, observation: Observation, locale: str) -> list[str]:
    setting = next(s for s in flow.spec.settings if s.id == observation.setting)
    return texts(setting.label, locale)


def screenshot(page, flow: Loaded, locale: str, folder: Path, prefix: str, warn: Callable[[str], None]) -> str | None:
    """A screenshot with the person's name, picture and contact details masked, in `folder`; its path with `prefix`."""
    name = flow.id.replace("/", "-") + ".jpg"  # named after the flow, never after the person
    masks = [locate(page, m, locale) for m in flow.spec.mask] + [
        page.locator("img[alt]:not([alt=''])"),
        page.locator("input[type=email]"),
    ]
    try:
        # JPEG: a third of PNG's time and size, and the report embeds every screenshot.
        image = page.screenshot(
            full_page=True, mask=masks, mask_color="#7a7a7a", animations="disabled", type="jpeg", quality=70
        )
    except PlaywrightTimeout:
        return None
    try:
        write_atomic(folder / name, image)
    except AuditorError as exc:  # a full disk: the observations file's own write will say so
        warn(f"warning: no screenshot of {flow.id}: {exc}")
        return None
    return f"{prefix}{name}"
