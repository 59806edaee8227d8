"""What is behind a button or a link: a dialog over the page, or a page of its own; read there, then back.

A person reads a setting whose page shows only "Review setting" (or "Edit") by following it: a
dialog opens, or a subpage (a GET, so the guard lets it through as any page load), and the options
are there, as radios, a list box or a value. `Behind(page, words).read(opener, setting, where)`
does the same: clicks the opener (the reader gives only a button, link, tab or menu item: never a
switch, a radio, a checkbox, an option or a combo box), reads the setting where it leads with the
snapshot reader, and comes back: a dialog is closed with Escape or its own Close, Cancel or Back
button (never one that answers it); from a subpage the browser goes back to the settings page,
whose references are then new (`moved`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from playwright.sync_api import Error as PlaywrightError

from auditor.observe import aria
from auditor.observe.pages import settled_snapshot
from auditor.observe.snapshot import Reading, SnapshotReader
from auditor.observe.wording import NotFound, Words, any_of
from auditor.reads import SettingRead

DIALOG_TIMEOUT_MS = 5_000
DIALOGS = "[role=dialog], [role=alertdialog], dialog[open]"


@dataclass
class Place:
    """Where an opener led: a dialog (its locator), a section it opened in place (the opener), or a subpage."""

    dialog: object | None
    snapshot: str
    opened: object | None = None  # the disclosure that showed the section in place

    @property
    def found_by(self) -> str:
        return "in_dialog" if self.dialog is not None else "after_expanding" if self.opened else "on_subpage"


class Behind:
    def __init__(self, page, words: Words):
        self.page, self.words = page, words
        self.moved = False  # the browser went to a subpage and back: the settings page's references are new

    def read(self, opener, setting: SettingRead, where: str, region=None) -> Reading:
        place = self.go(opener, region)
        try:
            reading = self.read_there(place.snapshot, setting, where)
        finally:
            self.come_back(place)
        reading.found_by = place.found_by
        return reading

    def go(self, opener, region=None) -> Place:
        """Click the opener and wait for what it opens: a dialog, another page, or (a disclosure) a section of
        `region` in place."""
        url, dialogs = self.page.url, self.page.locator(DIALOGS).filter(visible=True)
        before = dialogs.count()
        opener.click()
        deadline = time.monotonic() + DIALOG_TIMEOUT_MS / 1000
        while time.monotonic() < deadline:
            if dialogs.count() > before:
                dialog = dialogs.last
                dialog.get_by_role("radio").first.or_(dialog.get_by_role("button").first).first.wait_for(
                    timeout=DIALOG_TIMEOUT_MS
                )
                return Place(dialog, dialog.aria_snapshot(mode="ai"))
            if self.page.url != url:
                main = self.page.get_by_role("main").first
                main.wait_for(timeout=DIALOG_TIMEOUT_MS)
                snapshot, _ = settled_snapshot(self.page, main, DIALOG_TIMEOUT_MS, between=lambda: None)
                return Place(None, snapshot)
            if region is not None and opener.get_attribute("aria-expanded") == "true":
                snapshot, _ = settled_snapshot(self.page, region, DIALOG_TIMEOUT_MS, between=lambda: None)
                return Place(None, snapshot, opened=opener)
            self.page.wait_for_timeout(16)  # a frame: the click's effect shows meanwhile
        raise NotFound("its button opened neither a dialog nor a page")

    def come_back(self, place: Place) -> None:
        if place.dialog is not None:
            self.close(place.dialog)
            return
        if place.opened is not None:
            place.opened.click()  # the disclosure again: the section closes, as it was
            return
        self.page.go_back(wait_until="domcontentloaded")
        self.moved = True

    def close(self, dialog) -> None:
        """Escape, as a person would; failing that the dialog's own Close, Cancel or Back button. Never Confirm."""
        self.page.keyboard.press("Escape")
        try:
            dialog.wait_for(state="hidden", timeout=DIALOG_TIMEOUT_MS)
            return
        except PlaywrightError:
            pass
        names = self.words.string("close") + self.words.string("cancel") + self.words.string("back")
        dialog.get_by_role("button", name=any_of(names)).first.click()
        dialog.wait_for(state="hidden", timeout=DIALOG_TIMEOUT_MS)

    def read_there(self, snapshot: str, setting: SettingRead, where: str) -> Reading:
        """The setting as the dialog or subpage shows it; where they do not name it, their one set of radios."""
        nodes = aria.parse(snapshot)
        try:
            reading = SnapshotReader(nodes, self.words, [setting]).read(setting)
            if reading.value is not None or reading.options:
                reading.locator, reading.claimed = where, []
                return reading
        except NotFound:
            pass
        return from_radios(self.words, setting, nodes, where)


def from_radios(words: Words, setting: SettingRead, nodes: list[aria.Node], where: str) -> Reading:
    """The checked one of every radio in these nodes (a dialog of one setting's options)."""
    options = aria.radios(nodes)
    if not options:
        raise NotFound("where its button led, no option was shown")
    chosen = next((name for name, checked in options if checked), None)
    value, problem = words.canonical(setting, chosen)
    return Reading(value, chosen, where, [name for name, _ in options], problem, control="dialog")
