"""Reading what one aria snapshot cannot show, in the browser. Never changes anything.

Most settings are read from the page's snapshot (snapshot.py). The browser is asked only for what
is behind a button: a "Review setting" dialog, the profile picked in an Accounts Center choice, and
when a run compares option lists (a baseline, --options) an audience's or a choice's options. The
readers click only buttons that open a dialog to show options and close that dialog with Escape (or
its Close/Cancel button) without confirming. Radios, switches and checkboxes are only looked at.
"""

from __future__ import annotations

import re

from playwright.sync_api import Error as PlaywrightError

from auditor import aria
from auditor.snapshot import Reading, SnapshotReader
from auditor.spec import Locator, SettingRead
from auditor.wording import NotFound, UnsupportedLocale, Words, any_of, texts

__all__ = ["NotFound", "Reader", "Reading", "UnsupportedLocale", "any_of", "locate", "texts"]

DIALOG_TIMEOUT_MS = 5_000


def locate(scope, locator: Locator, locale: str | None):
    """A Playwright locator for a flow locator; locale None accepts the wording of every locale."""

    def words(localized):
        return localized.variants() if locale is None else texts(localized, locale)

    if locator.within is not None:
        scope = locate(scope, locator.within, locale)
    if locator.role:
        if locator.name is None:
            return scope.get_by_role(locator.role)
        return scope.get_by_role(locator.role, name=any_of(words(locator.name), locator.match))
    if locator.label is not None:
        return scope.get_by_label(any_of(words(locator.label)))
    if locator.text is not None:
        return scope.get_by_text(any_of(words(locator.text), locator.match))
    return scope.locator(locator.css)


class Reader:
    """Reads settings on one page: from its snapshot, and behind a button only where it must.

    `Reader(page, region, snapshot_reader, words, option_lists=False).read(setting)`; with
    `option_lists` the audience and choice dialogs are opened for their options (drift compares them).
    """

    def __init__(self, page, region, snapshot_reader: SnapshotReader, words: Words, option_lists: bool = False):
        self.page, self.region, self.snapshot, self.words = page, region, snapshot_reader, words
        self.option_lists = option_lists
        self.personal: list[str] = []  # the person's names seen in dialogs (the account picker's profiles)

    def read(self, setting: SettingRead) -> Reading:
        if setting.read == "review":
            return self._read_review(setting)
        if setting.read == "choice" and setting.account:
            return self._read_choice(setting)  # the row shows one value; the dialog says whose
        reading = self.snapshot.read(setting)
        if self.option_lists and setting.read in ("audience", "choice") and reading.inferred_label is None:
            reading.options = self._options(setting, reading)
        return reading

    # -- helpers
    def _labels(self, setting: SettingRead) -> list[str]:
        return self.words.labels(setting)

    def _find(self, locator, what: str):
        """The control: the page has settled (observe waited for it), so it is there now or not at all."""
        if not locator.count():
            raise NotFound(f"{what} not found")
        return locator.first

    def _row(self, setting: SettingRead, control):
        """The innermost block holding the setting's label and the given control.

        Every block that holds both is an ancestor of the label, so the last one in page order is
        the innermost. `control` must be built from the page: a `has` locator is relative.
        """
        label = self.page.get_by_text(any_of(self._labels(setting)))
        rows = self.region.locator("div").filter(has=label).filter(has=control)
        return self._find(rows.last, f'"{self._labels(setting)[0]}"')

    def _open_dialog(self, opener) -> tuple[object, list[aria.Node]]:
        opener.click()
        dialog = self.page.get_by_role("dialog").last
        dialog.wait_for(state="visible", timeout=DIALOG_TIMEOUT_MS)
        dialog.get_by_role("radio").first.or_(dialog.get_by_role("button").first).first.wait_for(
            timeout=DIALOG_TIMEOUT_MS
        )
        return dialog, aria.parse(dialog.aria_snapshot())

    def _close_dialog(self, dialog) -> None:
        """Escape, as a person would; failing that the dialog's own Close or Cancel button. Never Confirm."""
        self.page.keyboard.press("Escape")
        try:
            dialog.wait_for(state="hidden", timeout=DIALOG_TIMEOUT_MS)
            return
        except PlaywrightError:
            pass
        names = self.words.string("close") + self.words.string("cancel") + self.words.string("back")
        dialog.get_by_role("button", name=any_of(names)).first.click()
        dialog.wait_for(state="hidden", timeout=DIALOG_TIMEOUT_MS)

    def _from_radios(self, setting: SettingRead, nodes: list[aria.Node], where: str) -> Reading:
        options = aria.radios(nodes)
        chosen = next((name for name, checked in options if checked), None)
        value, problem = self.words.canonical(setting, chosen)
        return Reading(value, chosen, where, [name for name, _ in options], problem, control="dialog")

    def _in_dialog(self, opener, setting: SettingRead, where: str) -> Reading:
        dialog, nodes = self._open_dialog(opener)
        try:
            return self._from_radios(setting, nodes, where)
        finally:
            self._close_dialog(dialog)

    # -- what only a dialog shows
    def _options(self, setting: SettingRead, reading: Reading) -> list[str] | None:
        """The option list behind the control the value was read from (an audience or a choice row)."""
        if reading.control != "button":
            return reading.options
        if setting.read == "audience":
            button_re = any_of(self.words.string("edit_privacy"), "prefix")
            row = self._row(setting, self.page.get_by_role("button", name=button_re))
            opener = row.get_by_role("button", name=button_re).first
        else:
            opener = self._find(locate(self.region, setting.open, self.words.locale), setting.open.describe())
        return self._in_dialog(opener, setting, reading.locator).options

    def _read_review(self, setting: SettingRead) -> Reading:
        row = self._row(setting, locate(self.page, setting.open, self.words.locale))
        button = locate(row, setting.open, self.words.locale).first
        where = f'row "{self._labels(setting)[0]}" >> {setting.open.describe(self.words.locale)}'
        return self._in_dialog(button, setting, where)

    def _read_choice(self, setting: SettingRead) -> Reading:
        locale = self.words.locale
        opener = self._find(locate(self.region, setting.open, locale), setting.open.describe(locale))
        dialog, nodes = self._open_dialog(opener)
        heading = next((n.name for top in nodes for n in top.walk() if n.role == "heading"), "")
        if heading in self.words.string("select_your_account"):
            self.personal += profiles(nodes)
            platform = (setting.account or "facebook").capitalize()
            # `dialog` is the last dialog, which the options dialog becomes at once: wait on the picker itself.
            picker = self.page.get_by_role("dialog", name=any_of(self.words.string("select_your_account")))
            picker.get_by_role("button", name=re.compile(re.escape(platform))).first.click()
            picker.wait_for(state="detached", timeout=DIALOG_TIMEOUT_MS)
            dialog = self.page.get_by_role("dialog").last
            dialog.get_by_role("radio").first.wait_for(timeout=DIALOG_TIMEOUT_MS)
            nodes = aria.parse(dialog.aria_snapshot())
        try:
            return self._from_radios(setting, nodes, setting.open.describe(locale))
        finally:
            self._close_dialog(dialog)


def profiles(nodes) -> list[str]:
    """The person's profiles an account picker lists ("Alex Demo · Facebook", "alex.demo · Instagram"): each
    whole and without its platform, for the trace's scrubber (a username is as personal as a name)."""
    found = []
    for node in (n for top in nodes for n in top.walk() if n.role == "button" and n.name):
        bare = re.sub(r"\s*[·•|-]?\s*\b(Facebook|Instagram)\b\s*", " ", node.name).strip(" ·•|-")
        if bare != node.name.strip():  # names a platform: a profile, not the dialog's Close button
            found += [node.name, bare]
    return found
