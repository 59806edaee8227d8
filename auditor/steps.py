"""A flow's steps to its settings: a small closed vocabulary, one model per kind, each run on the page as a
person would. No Playwright import: a step is given the page.

  open: URL              go to this https:// address on Meta's sites
  click: LOCATOR         click a button, link, tab or menu item
  expand: LOCATOR        the same, to open a collapsed section
  wait_for: LOCATOR      wait until it shows
  scroll_to: LOCATOR     scroll it into view
  press: KEY             press Escape, Tab, PageDown, PageUp, Home or End
  close_dialog: true     press Escape and wait until the dialog is gone

A click on a switch, checkbox, radio, option or combobox could change a setting, so a flow cannot
express it (auditor.locators), and the steps that change a setting are refused here: they belong
under `change:`, which only `auditor apply` runs (auditor/apply/schema.py).
"""

from __future__ import annotations

from typing import Literal

from pydantic import field_validator

from auditor.locators import Locator, safe_click
from auditor.models import Frozen
from auditor.observe.locate import locate
from auditor.tagged import by_key

# The steps of a flow's `change:` part (auditor/apply/schema.py), which only `auditor apply` loads.
CHANGE_STEPS = ("open_row", "pick", "flip", "confirm", "account")


class Open(Frozen):
    open: str

    @field_validator("open")
    @classmethod
    def _https(cls, url: str) -> str:
        if not url.startswith("https://"):
            raise ValueError("open takes an https:// URL on Meta's sites")
        return url

    def run(self, page, locale: str) -> None:
        page.goto(self.open, wait_until="domcontentloaded")


class Click(Frozen):
    click: Locator

    @field_validator("click")
    @classmethod
    def _read_only(cls, locator: Locator) -> Locator:
        return safe_click(locator, "click")

    def run(self, page, locale: str) -> None:
        locate(page, self.click, locale).first.click()


class Expand(Frozen):
    expand: Locator

    @field_validator("expand")
    @classmethod
    def _read_only(cls, locator: Locator) -> Locator:
        return safe_click(locator, "expand")

    def run(self, page, locale: str) -> None:
        locate(page, self.expand, locale).first.click()


class WaitFor(Frozen):
    wait_for: Locator

    def run(self, page, locale: str) -> None:
        locate(page, self.wait_for, locale).first.wait_for(state="visible")


class ScrollTo(Frozen):
    scroll_to: Locator

    def run(self, page, locale: str) -> None:
        locate(page, self.scroll_to, locale).first.scroll_into_view_if_needed()


class Press(Frozen):
    press: Literal["Escape", "Tab", "PageDown", "PageUp", "Home", "End"]

    def run(self, page, locale: str) -> None:
        page.keyboard.press(self.press)


class CloseDialog(Frozen):
    close_dialog: Literal[True]

    def run(self, page, locale: str) -> None:
        page.keyboard.press("Escape")
        page.get_by_role("dialog").wait_for(state="detached")


def _a_change(step: dict) -> str | None:
    named = [key for key in CHANGE_STEPS if key in step]
    return f"{named[0]} is a change step: it belongs under change:, which only auditor apply runs" if named else None


Step = by_key(
    "step",
    {
        "open": Open,
        "click": Click,
        "expand": Expand,
        "wait_for": WaitFor,
        "scroll_to": ScrollTo,
        "press": Press,
        "close_dialog": CloseDialog,
    },
    refuse=_a_change,
)
