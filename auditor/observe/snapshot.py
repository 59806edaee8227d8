"""Reading a page's settings from one aria snapshot of its main region, as a person reads them. Pure.

Observe takes the snapshot once the page has settled. A setting's control is one that belongs to
it (rows.py: its wording in the control's name, or in the control's row); its value is read from
whatever that control shows (a switch's state, the chosen radio, option or menu item, the audience
in an "Edit privacy" button's name, the value beside the question on an Accounts Center row),
whatever the control's type: the type seen is recorded, so drift reports a retype while the value
is still read. A control that shows no value ("Edit", "Change") leaves it to its row: a text there
that is one of the setting's options is the value (the older "question · value · Edit" layout).
Each reading says how the setting was found (`found_by`: "name" or "row_text").

The browser is asked for more only where the snapshot cannot answer ("Review setting" dialogs or
subpages, an audience's list of options): readers.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from auditor.observe import aria
from auditor.observe.rows import Layout
from auditor.observe.wording import NotFound, Shown, UnsupportedLocale, Words, norm
from auditor.reads import SettingRead
from auditor.results import Control

BOOLEAN_ROLES = ("switch", "checkbox")  # whatever the element: an input, a labelled checkbox, a div
CHOICE_ROLES = ("radiogroup", "listbox", "combobox")  # controls that mark the option chosen
# The control a setting of each kind lives in, for inference: only kinds whose control says what it is.
INFERABLE = {"switch": BOOLEAN_ROLES, "radio_group": ("radiogroup",), "audience": ("button",)}
PREFERRED = {
    "switch": BOOLEAN_ROLES,
    "radio_group": ("radiogroup", "radio"),
    "audience": ("button",),
    "choice": ("button",),
    "review": CHOICE_ROLES + ("radio",),
    "status": ("button", "link"),
}


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
    found_by: str = "name"  # how the setting was found: name, row_text (the page-level ways: readers, stage)
    opener: str | None = None  # the aria ref of the control that shows the options, where the page has one
    opener_name: str | None = None  # and its accessible name
    shows_option: bool = False  # unknown, though the control shows an option's wording (another setting's)


class SnapshotReader:
    """Reads a page's settings from its snapshot: `SnapshotReader(nodes, words, settings).read(setting)`.

    `settings` are every setting of the page's flow: they compete for the page's controls.
    """

    def __init__(self, nodes: list[aria.Node], words: Words, settings: list[SettingRead]):
        self.words = words
        self.controls: list[Control] = aria.inventory(nodes)
        wordings = {}
        for setting in settings:
            try:
                wordings[setting.id] = words.labels(setting)
            except UnsupportedLocale:
                pass
        self.layout = Layout(nodes, wordings)
        self.used: set[int] = {self.layout.spots[i].control for i in self.layout.claims}

    def read(self, setting: SettingRead) -> Reading:
        reading = setting.read_in(self)  # each kind of read says which of the ways below reads it
        self.used.update(reading.claimed)
        return reading

    # -- where a setting is
    def _spot(self, index: int) -> aria.Node:
        return self.layout.spots[index].node

    def _mine(self, setting: SettingRead, roles: tuple[str, ...] | None = None) -> list[int]:
        """The spots of the setting's controls (of these roles), the expected kind first."""
        preferred = PREFERRED.get(setting.read, ())
        mine = [i for i in self.layout.controls_of(setting.id) if roles is None or self._spot(i).role in roles]
        return sorted(mine, key=lambda i: self._spot(i).role not in preferred)

    def _reading(self, setting: SettingRead, index: int, value, raw, **more) -> Reading:
        node, claim = self._spot(index), self.layout.claims.get(index)
        how = "name" if claim is None or claim.how == "name" else "row_text"
        label = self.words.labels(setting)[0]
        where = f'role={node.role} name="{label}"' if how == "name" else f'row "{label}" >> role={node.role}'
        return Reading(
            value,
            raw,
            where,
            control=node.role,
            claimed=[self.layout.spots[index].control],
            found_by=how,
            opener=node.ref,
            opener_name=node.name,
            **more,
        )

    # -- a value wherever the setting's control shows one (any control type)
    def _valued(self, setting: SettingRead, index: int) -> Reading | None:
        node = self._spot(index)
        if node.role == "radio":
            return None  # one of several: the row's radios are read together
        if node.role in BOOLEAN_ROLES:
            if set(self.words.value_texts(setting).values()) != {"on", "off"}:
                return None  # an audience or a choice is not a switch's on or off
            return self._reading(setting, index, "on" if node.checked else "off", "On" if node.checked else "Off")
        if node.role in CHOICE_ROLES:
            offered, chosen = (self.controls[node.index].options, self.controls[node.index].state)
            shown = self.words.option_in(setting, chosen) if chosen else None
            if shown is not None and shown.value is not None:
                return self._reading(setting, index, shown.value, shown.text, options=offered or None)
            return None
        for text in (node.text, node.name):  # a button's own text ("Public") before its name
            shown = self.words.option_in(setting, text)
            if shown.value is not None:
                return self._reading(setting, index, shown.value, shown.text)
        return None

    def _radios(self, setting: SettingRead) -> Reading | None:
        """Radios of the setting's row that no radio group holds: the one checked."""
        radios = self._mine(setting, ("radio",))
        chosen = next((i for i in radios if self._spot(i).checked), None)
        if chosen is None:
            return None
        shown = self.words.option_in(setting, self._spot(chosen).name)
        offered = [self._spot(i).name for i in radios]
        reading = self._reading(setting, chosen, shown.value, shown.text, options=offered, unknown_detail=shown.problem)
        reading.claimed = [self.layout.spots[i].control for i in radios]
        return reading

    def _in_row(self, setting: SettingRead) -> Reading | None:
        """A value shown as text in the setting's row: a text that is one of its options, or closes its question."""
        start = self.layout.label_spot(setting.id)
        mine = self._mine(setting)
        if start is None and not mine:
            return None
        row = self.layout.row_of(setting.id, start if start is not None else mine[0])
        texts = self.layout.texts(row, start)
        shown = next((s for _j, t in texts if (s := self.words.option_in(setting, t, whole=True)).value), None)
        if shown is None:
            labels = [norm(label) for label in self.words.labels(setting)]
            closing = [self.words.option_in(setting, t) for _j, t in texts if any(w in norm(t) for w in labels)]
            shown = next((s for s in closing if s.value is not None), None)
        if shown is None:
            return None
        button = next((i for i in mine if self._spot(i).role in ("button", "link")), None)
        label = self.words.labels(setting)[0]
        return Reading(
            shown.value,
            shown.text,
            f'row "{label}"',
            control="text",
            claimed=[self.layout.spots[i].control for i in mine],
            found_by="row_text",
            opener=self._spot(button).ref if button is not None else None,
            opener_name=self._spot(button).name if button is not None else None,
        )

    def by_value(self, setting: SettingRead) -> Reading:
        """The value from the setting's controls, the expected type first; from its row's text next."""
        mine = self._mine(setting)
        for index in mine:
            reading = self._valued(setting, index)
            if reading is not None:
                return reading
        reading = self._radios(setting) or self._in_row(setting)
        if reading is not None:
            return reading
        if mine:
            return self._unknown(setting, mine[0])
        return self._inferred(setting)

    def _unknown(self, setting: SettingRead, index: int) -> Reading:
        """The setting's control is there, showing no option the flow knows: unknown, with what it shows."""
        node = self._spot(index)
        shown = next(
            (s for t in (node.text, node.name) if t and (s := self.words.option_in(setting, t)).text),
            Shown(None, None, "no option was shown as chosen"),
        )
        reading = self._reading(setting, index, None, shown.text)
        reading.unknown_detail, reading.shows_option = shown.problem, shown.known
        return reading

    def _inferred(self, setting: SettingRead) -> Reading:
        """No control carries a known label: read the one unclaimed control of the setting's kind, if only one."""
        roles = INFERABLE.get(setting.read)
        label = self.words.labels(setting)[0]
        if roles is None or setting.missing == "not_applicable":  # a control shown only to some: not a guess
            raise NotFound(f'"{label}" not found')
        candidates = [
            i
            for i, spot in enumerate(self.layout.spots)
            if spot.control is not None
            and spot.node.role in roles
            and spot.control not in self.used
            and not self.layout.said_by_any(spot.own)  # two settings' wordings of one length: not unlabelled
            and self._of_kind(setting, spot.node)
        ]
        if len(candidates) != 1:
            why = "" if not candidates else f" ({len(candidates)} unlabelled candidates: not guessing)"
            raise NotFound(f'"{label}" not found{why}')
        index = candidates[0]
        node, control = self._spot(index), self.controls[self._spot(index).index]
        seen = control.name if node.role in BOOLEAN_ROLES + ("radiogroup",) else (control.label or control.name)
        reading = self._valued(setting, index)
        if reading is None:
            raise NotFound(f'"{label}" not found')
        reading.inferred_label = seen
        reading.locator = f'the only unlabelled {node.role} on the page, "{seen}"'
        return reading

    def _of_kind(self, setting: SettingRead, node: aria.Node) -> bool:
        if setting.read == "audience":
            return any(norm(node.name).startswith(norm(t)) for t in self.words.string("edit_privacy"))
        return True

    # -- the ways a kind of read (auditor.reads) reads its setting, besides by_value: its control's value
    def status(self, setting: SettingRead) -> Reading:
        reading = self._in_row(setting)
        if reading is not None:
            return reading
        try:
            return self.by_value(setting)
        except NotFound:
            raise NotFound(f'"{self.words.labels(setting)[0]}" not found') from None

    def count(self, setting: SettingRead) -> Reading:
        index = self._found(setting, ("list",), "list")
        count = int(self.controls[self._spot(index).index].state or 0)
        return self._reading(setting, index, count, str(count))

    def presence(self, setting: SettingRead) -> Reading:
        labels = self.words.labels(setting)
        where = f'link or text "{labels[0]}"'
        links = self._mine(setting, ("link",))
        if links:
            reading = self._reading(setting, links[0], setting.present, self._spot(links[0]).name)
            reading.locator = where
            return reading
        start = self.layout.label_spot(setting.id)
        if start is not None:
            return Reading(setting.present, labels[0], where, found_by="row_text")
        if setting.absent is None:
            raise NotFound(f"{where} not found")
        return Reading(setting.absent, None, where)

    def link(self, setting: SettingRead) -> Reading:
        index = self._found(setting, ("link",), f'"{self.words.labels(setting)[0]}"')
        return self._reading(setting, index, setting.present, self.words.labels(setting)[0])

    def action(self, setting: SettingRead) -> Reading:
        index = self._found(setting, ("button",), f'"{self.words.labels(setting)[0]}"')
        return self._reading(setting, index, setting.present, self._spot(index).name)

    def _found(self, setting: SettingRead, roles: tuple[str, ...], what: str) -> int:
        found = self._mine(setting, roles)
        if not found:
            raise NotFound(f"{what} not found")
        return found[0]
