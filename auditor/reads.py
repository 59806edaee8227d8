"""How a flow reads each setting on its page: one model per kind of control (`read: switch`), with the fields
that kind takes, and which of the snapshot reader's ways reads it (auditor/observe/snapshot.py). No browser.

  audience, radio_group, status   the option shown; needs values (the canonical options)
  review, choice                  the option behind the flow's `open` button; needs values and open
                                  (a choice may name the `account` to pick when Accounts Center asks)
  switch                          on or off
  list                            how many items it lists
  link, action                    `present` when the row has one (never clicked)
  presence                        `present` when its link or text is on the page, else `absent`
"""

from __future__ import annotations

from typing import Literal

from pydantic import field_validator, model_validator

from auditor.locators import Localized, Locator, safe_click
from auditor.models import Frozen
from auditor.results import Platform, Reason
from auditor.tagged import by_field


class SettingRead(Frozen):
    """What every kind has. `read_in(snapshot)` reads the setting from a page's snapshot (a SnapshotReader)."""

    id: str
    read: str
    label: Localized  # the setting's label: the row text, or the control's accessible name
    values: list[str] | dict[str, Localized] = []  # canonical values; texts from vocabulary.yml unless given
    open: Locator | None = None  # the button that shows the options, where the row's own control shows none
    missing: Literal["unknown", "not_applicable"] = "unknown"  # what a missing control means
    missing_reason: Reason = "not_found"
    missing_detail: str = ""
    platform: Platform | None = None  # defaults to the flow's platform

    @field_validator("open")
    @classmethod
    def _read_only(cls, locator: Locator | None) -> Locator | None:
        return safe_click(locator, "open") if locator is not None else None

    def read_in(self, snapshot):
        return snapshot.by_value(self)


class _Options(SettingRead):
    """A kind whose value is one of its options: the flow lists them."""

    @model_validator(mode="after")
    def _needs_values(self):
        if not self.values:
            raise ValueError(f"read: {self.read} needs values (the canonical options)")
        return self


class _Behind(_Options):
    """A kind whose options show behind a button: the flow names it."""

    @model_validator(mode="after")
    def _needs_open(self):
        if self.open is None:
            raise ValueError(f"read: {self.read} needs open: the button that shows its options")
        return self


class Audience(_Options):
    read: Literal["audience"]


class RadioGroup(_Options):
    read: Literal["radio_group"]


class Switch(SettingRead):
    read: Literal["switch"]


class Review(_Behind):
    read: Literal["review"]


class Choice(_Behind):
    read: Literal["choice"]
    account: Literal["facebook", "instagram"] | None = None  # the profile to pick in "Select your account"


class Status(_Options):
    read: Literal["status"]

    def read_in(self, snapshot):
        return snapshot.status(self)


class ItemList(SettingRead):
    read: Literal["list"]

    def read_in(self, snapshot):
        return snapshot.count(self)


class Link(SettingRead):
    read: Literal["link"]
    present: str = "available"  # the value when found

    def read_in(self, snapshot):
        return snapshot.link(self)


class Action(SettingRead):
    read: Literal["action"]
    present: str = "available"

    def read_in(self, snapshot):
        return snapshot.action(self)


class Presence(SettingRead):
    read: Literal["presence"]
    present: str = "available"
    absent: str | None = None  # the value when not found (otherwise: unknown, not_found)

    def read_in(self, snapshot):
        return snapshot.presence(self)


AnySettingRead = by_field(
    "read",
    "read",
    {
        "audience": Audience,
        "switch": Switch,
        "radio_group": RadioGroup,
        "review": Review,
        "choice": Choice,
        "link": Link,
        "action": Action,
        "list": ItemList,
        "status": Status,
        "presence": Presence,
    },
)
