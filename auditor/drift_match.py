"""Which control is which across two runs, for drift: each run's pages (inventory and settings read), and how
a control is known in both: by the setting read from it, else its role and label, never its place. Pure."""

from __future__ import annotations

from dataclasses import dataclass

from auditor.results import Control, Observation, Observations, PageInventory


@dataclass
class Page:
    inventory: PageInventory | None
    settings: dict[str, Observation]


def pages_of(observations: Observations) -> dict[str, Page]:
    pages = {p.flow: Page(p, {}) for p in observations.pages}
    for o in observations.observations:
        if o.flow:
            pages.setdefault(o.flow, Page(None, {})).settings[o.setting] = o
    return pages


# Roles whose accessible name is the setting's own label; a button's name is often generic
# ("Edit privacy. Sharing with Friends.", "Review setting"), so it is known by its row's text.
NAMED_ROLES = ("switch", "checkbox", "radiogroup", "combobox", "listbox", "list", "link", "slider", "spinbutton")


def label_of(control: Control) -> str:
    if control.role in NAMED_ROLES and control.name:
        return control.name
    return control.label or control.name


def identity(control: Control) -> tuple[str, str]:
    """How a control is recognised across runs: by the setting read from it, else role and label."""
    if control.setting:
        return ("setting", control.setting)
    return (control.role, label_of(control))


def new_controls(old_page: Page | None, new_page: Page) -> list[Control]:
    """Controls on a page now that the baseline did not have there."""
    if new_page.inventory is None or new_page.inventory.status != "ok":
        return []
    known = {identity(c) for c in old_page.inventory.controls} if old_page and old_page.inventory else set()
    return [c for c in new_page.inventory.controls if identity(c) not in known]
