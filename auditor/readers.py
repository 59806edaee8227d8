"""Reading one setting from a loaded page, by role and accessible name. Never changes anything.

Each reader finds its control from the setting's label, reads the current value, and maps the
text it saw to a canonical value. Readers click only buttons that open a dialog to show options
("Edit privacy ...", "Review setting", an Accounts Center row) and close that dialog with Escape
(or its Close/Cancel button) without confirming. Radios, switches and checkboxes are only looked at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from playwright.sync_api import Error as PlaywrightError

from auditor import aria
from auditor.spec import Locator, SettingRead, Vocabulary

FIND_TIMEOUT_MS = 3_000  # the longest a loaded page may take to settle before a control counts as missing
SHOWN_TIMEOUT_MS = 500  # a control in the page but not yet shown (an animation, a late layout)
DIALOG_TIMEOUT_MS = 5_000


class NotFound(Exception):
    """The control is not on the page (or not in this locale's wording)."""


class UnsupportedLocale(Exception):
    """The flow has no wording for this UI locale."""


@dataclass
class Reading:
    value: str | int | None
    raw: str | None
    locator: str
    options: list[str] | None = None
    unknown_detail: str = ""  # set when the control was found but its value is not one the flow knows


def fallback_locales(locale: str) -> list[str]:
    """The UI locale first, then its sister wordings (en_US and en_GB differ only in places)."""
    return {"en_US": ["en_US", "en_GB"], "en_GB": ["en_GB", "en_US"]}.get(locale, [locale])


def texts(localized, locale: str) -> list[str]:
    out: list[str] = []
    for loc in fallback_locales(locale):
        out += [t for t in localized.texts(loc) if t not in out]
    if not out:
        raise UnsupportedLocale(f"no {locale} wording")
    return out


def any_of(candidates: list[str], how: str = "exact") -> re.Pattern:
    body = "|".join(re.escape(t) for t in candidates)
    return re.compile({"exact": f"^(?:{body})$", "prefix": f"^(?:{body})", "contains": f"(?:{body})"}[how])


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
    """Reads settings on one page: `Reader(page, region, vocabulary, locale).read(setting)`."""

    def __init__(self, page, region, vocabulary: Vocabulary, locale: str):
        self.page, self.region, self.vocab, self.locale = page, region, vocabulary, locale
        self._settled = False  # whether the page has had its one chance to finish loading (see _find)

    def read(self, setting: SettingRead) -> Reading:
        return getattr(self, f"_read_{setting.read}")(setting)

    # -- helpers
    def _labels(self, setting: SettingRead) -> list[str]:
        return texts(setting.label, self.locale)

    def _string(self, key: str) -> list[str]:
        return texts(self.vocab.strings[key], self.locale)

    def _value_texts(self, setting: SettingRead) -> dict[str, str]:
        """Option text -> canonical value, in this locale (and its sister wording)."""
        mapping: dict[str, str] = {}
        items = (
            setting.values.items()
            if isinstance(setting.values, dict)
            else ((v, self.vocab.values[v]) for v in setting.values)
        )
        for canonical, localized in items:
            for text in texts(localized, self.locale):
                mapping.setdefault(text, canonical)
        return mapping

    def _canonical(self, setting: SettingRead, text: str | None) -> tuple[str | None, str]:
        """The canonical value of an option text; an accessible name may go on with a description."""
        if not text:
            return None, "no option was shown as chosen"
        mapping = self._value_texts(setting)
        if text in mapping:
            return mapping[text], ""
        for known in sorted(mapping, key=len, reverse=True):
            if text.startswith(known + " ") or text.startswith(known + "\n"):
                return mapping[known], ""
        return None, f'option "{text}" is not one the flow knows'

    def _find(self, locator, what: str, state: str = "visible"):
        """The control, once the page has settled; NotFound when it is not there.

        The ready marker shows that the settings arrived, so a control is usually there at once.
        When it is not, the page gets one chance to finish loading (no requests for half a
        second, at most FIND_TIMEOUT_MS) before it counts as missing: waiting per control would
        make a setting that is rightly absent (another region, another account type) cost seconds.
        """
        if not locator.count() and not self._settled:
            try:
                self.page.wait_for_load_state("networkidle", timeout=FIND_TIMEOUT_MS)
            except PlaywrightError:
                pass  # a page that keeps fetching: look at what it shows now
            self._settled = True
        if not locator.count():
            raise NotFound(f"{what} not found")
        try:
            locator.first.wait_for(state=state, timeout=SHOWN_TIMEOUT_MS)
        except PlaywrightError:
            raise NotFound(f"{what} not found") from None
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
        names = self._string("close") + self._string("cancel") + self._string("back")
        dialog.get_by_role("button", name=any_of(names)).first.click()
        dialog.wait_for(state="hidden", timeout=DIALOG_TIMEOUT_MS)

    def _from_radios(self, setting: SettingRead, nodes: list[aria.Node], where: str) -> Reading:
        options = aria.radios(nodes)
        chosen = next((name for name, checked in options if checked), None)
        value, problem = self._canonical(setting, chosen)
        return Reading(value, chosen, where, [name for name, _ in options], problem)

    # -- readers, one per control kind (spec.ReadKind)
    def _read_audience(self, setting: SettingRead) -> Reading:
        button_re = any_of(self._string("edit_privacy"), "prefix")
        row = self._row(setting, self.page.get_by_role("button", name=button_re))
        button = row.get_by_role("button", name=button_re).first
        shown = button.inner_text().strip()
        where = f'row "{self._labels(setting)[0]}" >> role=button name^="{self._string("edit_privacy")[0]}"'
        dialog, nodes = self._open_dialog(button)
        try:
            reading = self._from_radios(setting, nodes, where)
        finally:
            self._close_dialog(dialog)
        if reading.value is None and shown:  # the button shows the audience too
            value, _ = self._canonical(setting, shown)
            if value is not None:
                reading.value, reading.raw, reading.unknown_detail = value, shown, ""
        return reading

    def _read_switch(self, setting: SettingRead) -> Reading:
        switch = self._find(self.region.get_by_role("switch", name=any_of(self._labels(setting))), "switch")
        checked = switch.is_checked()
        return Reading(
            "on" if checked else "off",
            "checked" if checked else "not checked",
            f'role=switch name="{self._labels(setting)[0]}"',
        )

    def _read_radio_group(self, setting: SettingRead) -> Reading:
        group = self._find(self.region.get_by_role("radiogroup", name=any_of(self._labels(setting))), "radio group")
        return self._from_radios(
            setting, aria.parse(group.aria_snapshot()), f'role=radiogroup name="{self._labels(setting)[0]}"'
        )

    def _read_review(self, setting: SettingRead) -> Reading:
        row = self._row(setting, locate(self.page, setting.open, self.locale))
        button = locate(row, setting.open, self.locale).first
        dialog, nodes = self._open_dialog(button)
        try:
            return self._from_radios(
                setting, nodes, f'row "{self._labels(setting)[0]}" >> {setting.open.describe(self.locale)}'
            )
        finally:
            self._close_dialog(dialog)

    def _read_choice(self, setting: SettingRead) -> Reading:
        opener = self._find(locate(self.region, setting.open, self.locale), setting.open.describe(self.locale))
        dialog, nodes = self._open_dialog(opener)
        heading = next((n.name for top in nodes for n in top.walk() if n.role == "heading"), "")
        if heading in self._string("select_your_account"):
            platform = (setting.account or "facebook").capitalize()
            # `dialog` is the last dialog, which the options dialog becomes at once: wait on the picker itself.
            picker = self.page.get_by_role("dialog", name=any_of(self._string("select_your_account")))
            picker.get_by_role("button", name=re.compile(re.escape(platform))).first.click()
            picker.wait_for(state="detached", timeout=DIALOG_TIMEOUT_MS)
            dialog = self.page.get_by_role("dialog").last
            dialog.get_by_role("radio").first.wait_for(timeout=DIALOG_TIMEOUT_MS)
            nodes = aria.parse(dialog.aria_snapshot())
        try:
            return self._from_radios(setting, nodes, setting.open.describe(self.locale))
        finally:
            self._close_dialog(dialog)

    def _read_presence(self, setting: SettingRead) -> Reading:
        wanted = any_of(self._labels(setting))
        found = self.page.get_by_role("link", name=wanted).or_(self.region.get_by_text(wanted))
        where = f'link or text "{self._labels(setting)[0]}"'
        try:
            element = self._find(found, where)
        except NotFound:
            if setting.absent is None:
                raise
            return Reading(setting.absent, None, where)
        return Reading(setting.present, element.inner_text().strip(), where)

    def _read_link(self, setting: SettingRead) -> Reading:
        self._row(setting, self.page.get_by_role("link"))
        return Reading(setting.present, self._labels(setting)[0], f'row "{self._labels(setting)[0]}" >> role=link')

    def _read_action(self, setting: SettingRead) -> Reading:
        row = self._row(setting, self.page.get_by_role("button"))
        button = row.get_by_role("button").first.inner_text().strip()
        return Reading(setting.present, button, f'row "{self._labels(setting)[0]}" >> role=button')

    def _read_list(self, setting: SettingRead) -> Reading:
        # An empty list has no height, so it is never "visible"; role lookup already skips hidden ones.
        found = self._find(self.region.get_by_role("list", name=any_of(self._labels(setting))), "list", "attached")
        count = found.get_by_role("listitem").count()
        return Reading(count, f"{count} item(s)", f'role=list name="{self._labels(setting)[0]}"')

    def _read_status(self, setting: SettingRead) -> Reading:
        shown = any_of(list(self._value_texts(setting)))
        row = self._row(setting, self.page.get_by_text(shown))
        raw = row.get_by_text(shown).first.inner_text().strip()
        value, problem = self._canonical(setting, raw)
        return Reading(value, raw, f'row "{self._labels(setting)[0]}"', unknown_detail=problem)
