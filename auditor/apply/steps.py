"""One change on an open settings page: the steps of the flow's `change:` part, and what came of them.

Only this module clicks a control that changes a setting, and only inside `Network.change`, the
guard's window for the setting the person confirmed. Before the first step it tells the window
which save to expect (the flow's `save:`, with the ids the page's own read gives the setting and
the new value), and arms it as the changing click begins: that save, sent from then on, is the
only write the guard lets through (auditor.guard). It never tries twice: whatever happens is
reported, and anything the flow does not know (a dialog it does not expect, a confirmation it
has no answer for, a save that gets no answer) stops the whole apply with the dialog dismissed,
never answered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from auditor.apply.reading import documents
from auditor.apply.schema import Changeable
from auditor.guard import Window
from auditor.locators import Localized, Locator
from auditor.observe.locate import locate
from auditor.observe.wording import any_of, texts
from auditor.openings import Expected, expected_save
from auditor.spec import Vocabulary

DIALOG_MS = 5_000  # a dialog opens or closes within this
SAVE_MS = 8_000  # the page's save gets its answer within this, or the change stops the apply


class Stop(Exception):
    """The page did something the flow does not know: the apply stops here."""


class AlreadySet(Exception):
    """The page already shows the new value: nothing to change."""


class Unidentified(Exception):
    """The page's own read does not say which request would save this setting: nothing is clicked."""


@dataclass(frozen=True)
class Saved:
    status: int | None  # HTTP status of the save's answer; None: no answer came
    note: str = ""


class Changer:
    """Runs one change's steps on a page whose settings are shown: `Changer(...).run(value)`."""

    def __init__(self, page, region, item: Changeable, vocabulary: Vocabulary, locale: str, window: Window, answers=()):
        self.page, self.region, self.item, self.vocab, self.locale = page, region, item, vocabulary, locale
        self.window = window  # the guard's window for this change: what it expects, let through and blocked
        self.answers = answers  # the page's answers to its own reads (auditor.apply.reading.PageRead)
        self.dialog = None

    def run(self, value: str) -> Saved:
        dialogs = self.page.get_by_role("dialog")
        if dialogs.count():
            raise Stop("a dialog was open before the change began (one the flow does not know)")
        expected = self._expected(value)
        if expected is None:
            raise Unidentified(
                f"the page's own read does not name the setting's save ({self.item.change.save.request}, "
                "its row and the new value's id), so nothing was clicked; the page may have changed"
            )
        self.window.expect(expected)
        try:
            with self.page.expect_response(lambda r: self.window.let_through(r.request), timeout=SAVE_MS) as answer:
                for step in self.item.change.steps:
                    if step.changes:
                        self.window.arm()  # the confirmed click: its save may go out from here on
                    step.run(self, value)
            status = answer.value.status
        except PlaywrightTimeout:
            status = None
        except (AlreadySet, Stop, PlaywrightError):
            self._dismiss()
            raise
        if status is None:
            left_open = dialogs.count() > 0
            self._dismiss()
            if self.window.sent:
                raise Stop(f"the save got no answer within {SAVE_MS // 1000} s")
            if self.window.after_click:
                raise Stop(
                    f"its save was blocked by the guard: the page sent {self.window.after_click[0]}, not the save "
                    f"the flow names ({expected.name} for this setting and value); the flow may need updating"
                )
            if left_open:
                raise Stop("the page asked something the flow does not know (a dialog stayed open, nothing was saved)")
            raise Stop("the page sent no save after the flow's change steps (the page may have changed)")
        try:
            dialogs.first.wait_for(state="detached", timeout=DIALOG_MS)
        except PlaywrightTimeout:
            self._dismiss()
            if status < 400:
                raise Stop("the dialog did not close after the save") from None
        return Saved(status, "" if status < 400 else f"Meta answered the save with HTTP {status}")

    def _expected(self, value: str) -> Expected | None:
        change = self.item.change
        options = self._value_texts(value) if change.how == "pick" else []
        return expected_save(change.save, documents(self.answers), self._labels(), change.how, value, options)

    def _labels(self) -> list[str]:
        return texts(self.item.read.label, self.locale)

    # -- what each kind of step does (auditor/apply/schema.py: each runs one of these)
    def open_row(self, button: Locator) -> None:
        control = locate(self.page, button, self.locale)
        label = self.page.get_by_text(any_of(self._labels()))
        row = self.region.locator("div").filter(has=label).filter(has=control).last
        row.locator(locate(self.page, button, self.locale)).first.click()
        self.dialog = self.page.get_by_role("dialog").last
        self.dialog.wait_for(state="visible", timeout=DIALOG_MS)

    def choose_account(self, platform: str) -> None:
        """Accounts Center asks which profile first: pick it, then the setting's own dialog opens."""
        asked = texts(self.vocab.strings["select_your_account"], self.locale)
        picker = self.page.get_by_role("dialog", name=any_of(asked))
        if not picker.count():
            return
        picker.get_by_role("button", name=re.compile(re.escape(platform.capitalize()))).first.click()
        picker.wait_for(state="detached", timeout=DIALOG_MS)
        self.dialog = self.page.get_by_role("dialog").last
        self.dialog.get_by_role("radio").first.wait_for(timeout=DIALOG_MS)

    def pick(self, value: str) -> None:
        scope = self.dialog or self.region.get_by_role("radiogroup", name=any_of(self._labels()))
        option = scope.get_by_role("radio", name=any_of(self._value_texts(value))).first
        if option.is_checked():
            raise AlreadySet
        option.click()

    def flip(self, value: str) -> None:
        wanted = value == "on"
        switch = self._boolean().first
        if switch.is_checked() == wanted:
            raise AlreadySet
        switch.click()
        # Either the page saves at once (the switch shows the new state) or it asks first (a dialog).
        self.page.get_by_role("dialog").or_(self._boolean(checked=wanted)).first.wait_for(timeout=DIALOG_MS)

    def _boolean(self, **state):
        """The setting's on/off control: whatever the page's tree calls a switch or a checkbox, as the reader
        reads it (a native switch, a `div` with role switch, a plain checkbox named by its label)."""
        name = any_of(self._labels())
        return self.region.get_by_role("switch", name=name, **state).or_(
            self.region.get_by_role("checkbox", name=name, **state)
        )

    def confirm(self, answer: Localized) -> None:
        """Answer the open dialog with the flow's button; no dialog: the page saved without asking."""
        dialog = self.page.get_by_role("dialog").last
        if not self.page.get_by_role("dialog").count():
            return
        button = dialog.get_by_role("button", name=any_of(texts(answer, self.locale)))
        if not button.count():
            self._dismiss()
            raise Stop("the page asked for a confirmation the flow does not know")
        button.first.click()

    def _value_texts(self, value: str) -> list[str]:
        values = self.item.read.values
        localized = values[value] if isinstance(values, dict) else self.vocab.values[value]
        return texts(localized, self.locale)

    def _dismiss(self) -> None:
        """Leave no dialog open, unanswered: Escape, as a person would (never Confirm)."""
        try:
            for _ in range(self.page.get_by_role("dialog").count()):
                self.page.keyboard.press("Escape")
        except PlaywrightError:
            pass
