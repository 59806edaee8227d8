"""The `change:` part of a flow: how `auditor apply` changes a setting. Loaded and checked only by apply.

A flow's read part cannot express a change (auditor.spec refuses these steps there). A change is
a short list of steps from its own closed vocabulary, and exactly one of them changes something:

  open_row: LOCATOR   click a button in the setting's row (or the row itself) that opens its dialog
  account: PLATFORM   pick that profile when Accounts Center asks "Select your account"
  pick: true          choose the new value's option (in the open dialog, else in the radio group named by the label)
  flip: true          click the switch named by the label
  confirm: TEXT       click the open dialog's button with this name (the save, or a confirmation Meta asks for)

`to` lists the values the steps can set; a checklist's other values stay a change by hand.

`save` names the one request the page sends to save the setting, the only write the guard lets
through during the change (auditor.openings): `request`, its GraphQL friendly name; `setting`,
the variable that carries the setting's id; `value`, the one that carries the new value (true or
false for a switch, the option's id for a pick). The ids themselves are the page's own: the
guard takes them from the page's read, from the row that holds the setting's label.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

from pydantic import ConfigDict, Field, field_validator, model_validator

from auditor import yamlio
from auditor.locators import SAFE_CLICK_ROLES, Localized, Locator
from auditor.models import Frozen
from auditor.reads import SettingRead
from auditor.spec import Loaded, load_file
from auditor.tagged import by_key

# Which read kinds each changing step can change, and so be read back by the same reader.
CHANGES_READ = {"pick": ("audience", "review", "choice", "radio_group"), "flip": ("switch",)}


class _Step(Frozen):
    """One kind of change step; `run(changer, value)` runs it with the Changer on the page (auditor.apply.steps)."""

    changes: ClassVar[str | None] = None  # the step that changes the setting: pick or flip


class OpenRow(_Step):
    open_row: Locator

    @field_validator("open_row")
    @classmethod
    def _a_button(cls, locator: Locator) -> Locator:
        if locator.role not in SAFE_CLICK_ROLES:
            raise ValueError(f"open_row needs role: one of {', '.join(SAFE_CLICK_ROLES)} (it only opens a dialog)")
        return locator

    def run(self, changer, value: str) -> None:
        changer.open_row(self.open_row)


class ChooseAccount(_Step):
    account: Literal["facebook", "instagram"]

    def run(self, changer, value: str) -> None:
        changer.choose_account(self.account)


class Pick(_Step):
    pick: Literal[True]
    changes: ClassVar[str | None] = "pick"

    def run(self, changer, value: str) -> None:
        changer.pick(value)


class Flip(_Step):
    flip: Literal[True]
    changes: ClassVar[str | None] = "flip"

    def run(self, changer, value: str) -> None:
        changer.flip(value)


class Confirm(_Step):
    confirm: Localized

    def run(self, changer, value: str) -> None:
        changer.confirm(self.confirm)


ChangeStep = by_key(
    "change step", {"open_row": OpenRow, "account": ChooseAccount, "pick": Pick, "flip": Flip, "confirm": Confirm}
)


class Save(Frozen):
    request: str = Field(pattern=r"^[A-Za-z0-9_]+Mutation$")
    setting: str = Field(pattern=r"^[A-Za-z0-9_]+$")
    value: str = Field(pattern=r"^[A-Za-z0-9_]+$")


class Change(Frozen):
    setting: str
    to: list[str] = Field(min_length=1)
    save: Save
    steps: list[ChangeStep] = Field(min_length=1)

    @model_validator(mode="after")
    def _one_change(self):
        changing = [s.changes for s in self.steps if s.changes]
        if len(changing) != 1:
            raise ValueError("steps: exactly one step (pick or flip) changes the setting")
        return self

    @property
    def how(self) -> str:
        return next(s.changes for s in self.steps if s.changes)


class FlowChanges(Frozen):
    """A flow file seen by apply: only its `change:` part (the read part is auditor.spec's)."""

    model_config = ConfigDict(extra="ignore", frozen=True)
    change: list[Change] = []


@dataclass(frozen=True)
class Changeable:
    """A setting apply can change: its flow, how the flow reads it, and how to change it."""

    flow: Loaded
    read: SettingRead
    change: Change


def load_changes(flows: list[Loaded]) -> dict[str, Changeable]:
    """Every flow's change part, checked against its read part; bad input names file, line and field."""
    found: dict[str, Changeable] = {}
    for flow in flows:
        if not flow.spec.change:
            continue
        changes = load_file(flow.path, FlowChanges, flow.id).spec.change
        doc = yamlio.load(flow.path)  # for the line of an error below
        reads = {s.id: s for s in flow.spec.settings}
        for index, change in enumerate(changes):
            read = reads.get(change.setting)
            known = (list(read.values) if read.values else ["on", "off"]) if read else []
            unknown = [v for v in change.to if v not in known]
            if read is None:
                raise doc.error(("change", index, "setting"), f"{change.setting} is not read by this flow")
            if read.read not in CHANGES_READ[change.how]:
                raise doc.error(("change", index, "steps"), f"{change.how} cannot change a setting read as {read.read}")
            if unknown:
                message = f"{unknown[0]} is not one of the setting's values ({', '.join(known)})"
                raise doc.error(("change", index, "to"), message)
            if change.setting in found:
                raise doc.error(("change", index, "setting"), f"{change.setting} has a change already")
            found[change.setting] = Changeable(flow, read, change)
    return found
