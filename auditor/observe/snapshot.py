"""Reading a page's settings from one aria snapshot of its main region. Pure: no browser.

Observe takes the snapshot once the page has settled; `aria.inventory` turns it into the region's
controls in page order, each with its role, accessible name, state and the row text before it.
A setting's control is the one that carries one of its labels, as its accessible name or as the
text of its row. Its value is read wherever that control shows one of the setting's known option
texts (a switch's state, the chosen radio, the audience in an "Edit privacy" button's name, the
value beside the question on an Accounts Center row), whatever the control's type: the type seen
is recorded, so drift reports a retype while the value is still read.

The browser is asked for more only where the snapshot cannot answer ("Review setting" dialogs,
an audience's list of options): readers.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from auditor.observe.wording import NotFound, UnsupportedLocale, Words, starts_with, strip_prefix
from auditor.results import Control
from auditor.spec import SettingRead

BOOLEAN_ROLES = ("switch", "checkbox")  # whatever the element: an input, a labelled checkbox, a div
# The control a setting of each kind lives in, for inference: only kinds whose control says what it is.
INFERABLE = {"switch": BOOLEAN_ROLES, "radio_group": ("radiogroup",), "audience": ("button",)}


@dataclass
class Reading:
    value: str | int | None
    raw: str | None
    locator: str
    options: list[str] | None = None
    unknown_detail: str = ""  # set when the control was found but its value is not one the flow knows
    control: str | None = None  # the role of the control the value was read from
    inferred_label: str | None = None  # set when read from a control whose label is not one the flow knows
    claimed: list[int] = field(default_factory=list)  # the inventory's controls this setting was read from


class SnapshotReader:
    """Reads a page's settings from its controls: `SnapshotReader(controls, texts, words).read(setting)`.

    `texts` is every text of the region in page order (a status shows its value as text, not as a
    control). Settings are read in flow order; each claims the controls it was read from, so an
    inference never takes a control that another setting of the page carries.
    """

    def __init__(self, controls: list[Control], page_texts: list[str], words: Words):
        self.controls, self.page_texts, self.words = controls, page_texts, words
        self.claimed: set[int] = set()

    def read(self, setting: SettingRead) -> Reading:
        reading = getattr(self, f"_read_{setting.read}")(setting)
        self.claimed.update(reading.claimed)
        return reading

    def claim_labels(self, settings: list[SettingRead]) -> None:
        """Mark the controls that carry any of these settings' labels, before inferring one."""
        for setting in settings:
            try:
                self.claimed.update(i for i, _c in self._carrying(setting))
            except UnsupportedLocale:
                pass

    # -- finding a setting's controls
    def _carrying(self, setting: SettingRead, roles: tuple[str, ...] | None = None) -> list[tuple[int, Control]]:
        """The controls that carry one of the setting's labels, those named by it first."""
        labels = self.words.labels(setting)
        named, in_row = [], []
        for i, control in enumerate(self.controls):
            if roles is None or control.role in roles:
                how = self._carries(setting, control, labels)
                (named if how == "name" else in_row if how == "row" else []).append((i, control))
        return named + in_row

    def _carries(self, setting: SettingRead, control: Control, labels: list[str]) -> str | None:
        """ "name" when the control's accessible name is the label (a choice row's name goes on with its
        value), "row" when the row's text starts with it (and the name is generic, as "Edit privacy")."""
        name = control.name
        if name in labels:
            return "name"
        if name and control.role not in ("button", "link"):
            return None  # a switch, radio group or list is named by its own label: another label is another setting
        for label in labels:
            if name and starts_with(name, label) and self.words.canonical(setting, name[len(label) :])[0] is not None:
                return "name"
        if control.label and any(starts_with(control.label, label) for label in labels):
            return "row"
        return None

    def _found(self, setting: SettingRead, roles: tuple[str, ...] | None, what: str) -> tuple[int, Control]:
        found = self._carrying(setting, roles)
        if not found:
            raise NotFound(f"{what} not found")
        return found[0]

    def _where(self, setting: SettingRead, control: Control) -> str:
        label = self.words.labels(setting)[0]
        if control.name and starts_with(control.name, label):
            return f'role={control.role} name="{label}"'
        return f'row "{label}" >> role={control.role}'

    # -- a value wherever the setting's control shows one (any control type)
    def _shown(self, control: Control, labels: list[str]) -> list[str]:
        """The option texts a control shows as its value, most telling first."""
        if control.role == "radiogroup":
            return [control.state] if control.state else []
        if control.role in BOOLEAN_ROLES:
            return []
        shown = []
        if control.name and any(starts_with(control.name, t) for t in self.words.string("edit_privacy")):
            shown.append(self.words.audience_text(control.name, labels))
        if control.name:
            shown.append(strip_prefix(control.name, labels))  # "Ads shown outside of Meta Allowed" -> "Allowed"
        if control.state:
            shown += [control.state, strip_prefix(control.state, self.words.string("sharing_with"))]
        return [s for s in shown if s]

    def _valued(self, setting: SettingRead, index: int, control: Control, labels: list[str]) -> Reading | None:
        if control.role in BOOLEAN_ROLES:
            if set(self.words.value_texts(setting).values()) != {"on", "off"}:
                return None  # an audience or a choice is not a switch's on or off
            checked = control.state == "checked"
            return Reading(
                "on" if checked else "off",
                "checked" if checked else "not checked",
                self._where(setting, control),
                control=control.role,
                claimed=[index],
            )
        for text in self._shown(control, labels):
            value, _problem = self.words.canonical(setting, text)
            if value is not None:
                options = control.options or None
                return Reading(
                    value, text, self._where(setting, control), options, control=control.role, claimed=[index]
                )
        return None

    def _by_value(self, setting: SettingRead, preferred: tuple[str, ...]) -> Reading:
        """The value from the setting's control: the expected type first, any type showing a known option next."""
        labels = self.words.labels(setting)
        found = self._carrying(setting)
        found.sort(key=lambda pair: pair[1].role not in preferred)
        for index, control in found:
            reading = self._valued(setting, index, control, labels)
            if reading is not None:
                return reading
        if found:
            index, control = found[0]
            shown = next(iter(self._shown(control, labels)), None)
            value, problem = self.words.canonical(setting, shown)
            return Reading(
                value,
                shown,
                self._where(setting, control),
                control=control.role,
                claimed=[index],
                unknown_detail=problem,
            )
        return self._inferred(setting)

    def _inferred(self, setting: SettingRead) -> Reading:
        """No control carries a known label: read the one unclaimed control of the setting's kind, if only one."""
        roles = INFERABLE.get(setting.read)
        label = self.words.labels(setting)[0]
        if roles is None or setting.missing == "not_applicable":  # a control shown only to some: not a guess
            raise NotFound(f'"{label}" not found')
        candidates = [
            (i, c)
            for i, c in enumerate(self.controls)
            if c.role in roles and i not in self.claimed and self._of_kind(setting, c)
        ]
        if len(candidates) != 1:
            why = "" if not candidates else f" ({len(candidates)} unlabelled candidates: not guessing)"
            raise NotFound(f'"{label}" not found{why}')
        index, control = candidates[0]
        seen = control.name if control.role in BOOLEAN_ROLES + ("radiogroup",) else (control.label or control.name)
        reading = self._valued(setting, index, control, [seen])
        if reading is None:
            raise NotFound(f'"{label}" not found')
        reading.inferred_label = seen
        reading.locator = f'the only unlabelled {control.role} on the page, "{seen}"'
        return reading

    def _of_kind(self, setting: SettingRead, control: Control) -> bool:
        if setting.read == "audience":
            return any(starts_with(control.name, t) for t in self.words.string("edit_privacy"))
        return True

    # -- one reader per control kind (spec.ReadKind)
    def _read_switch(self, setting: SettingRead) -> Reading:
        return self._by_value(setting, BOOLEAN_ROLES)

    def _read_radio_group(self, setting: SettingRead) -> Reading:
        return self._by_value(setting, ("radiogroup",))

    def _read_audience(self, setting: SettingRead) -> Reading:
        return self._by_value(setting, ("button",))

    def _read_choice(self, setting: SettingRead) -> Reading:
        return self._by_value(setting, ("button",))

    def _read_status(self, setting: SettingRead) -> Reading:
        labels = self.words.labels(setting)
        mapping = self.words.value_texts(setting)
        for text in self.page_texts:
            if not any(starts_with(text, label) for label in labels):
                continue
            rest = strip_prefix(text, labels)
            for known in sorted(mapping, key=len, reverse=True):  # the value closes the row: "... Off"
                if rest == known or rest.endswith(" " + known):
                    return Reading(mapping[known], known, f'row "{labels[0]}"')
        try:
            return self._by_value(setting, ("button", "link"))
        except NotFound:
            raise NotFound(f'"{labels[0]}" not found') from None

    def _read_list(self, setting: SettingRead) -> Reading:
        index, control = self._found(setting, ("list",), "list")
        count = int(control.state or 0)
        return Reading(
            count, str(count), f'role=list name="{self.words.labels(setting)[0]}"', claimed=[index], control="list"
        )

    def _read_presence(self, setting: SettingRead) -> Reading:
        labels = self.words.labels(setting)
        where = f'link or text "{labels[0]}"'
        found = self._carrying(setting, ("link",))
        if found:
            index, control = found[0]
            return Reading(setting.present, control.name, where, claimed=[index], control="link")
        shown = next((t for t in self.page_texts if any(starts_with(t, label) for label in labels)), None)
        if shown is not None:
            return Reading(setting.present, shown, where)
        if setting.absent is None:
            raise NotFound(f"{where} not found")
        return Reading(setting.absent, None, where)

    def _read_link(self, setting: SettingRead) -> Reading:
        index, control = self._found(setting, ("link",), f'"{self.words.labels(setting)[0]}"')
        label = self.words.labels(setting)[0]
        return Reading(setting.present, label, f'row "{label}" >> role=link', claimed=[index], control="link")

    def _read_action(self, setting: SettingRead) -> Reading:
        index, control = self._found(setting, ("button",), f'"{self.words.labels(setting)[0]}"')
        label = self.words.labels(setting)[0]
        return Reading(
            setting.present, control.name, f'row "{label}" >> role=button', claimed=[index], control="button"
        )
