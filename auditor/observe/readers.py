"""Reading what one aria snapshot cannot show, in the browser. Never changes anything.

Most settings are read from the page's snapshot (snapshot.py). The browser is asked only for what
is behind a button (behind.py): a setting whose row shows no value but a "Review setting" or "Edit"
button or link, the profile picked in an Accounts Center choice, and when a run compares option
lists (a baseline, --options) an audience's or a choice's options. Only buttons, links, tabs and
menu items are clicked; a dialog is closed without answering it. Radios, switches and checkboxes
are only looked at. When a dialog auditor does not know covers the page (`covered_by`), nothing
is clicked: what the snapshot shows is read (`found_by: under_dialog`), the rest is `Blocked`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from auditor.locators import SAFE_CLICK_ROLES
from auditor.observe import aria
from auditor.observe.behind import DIALOG_TIMEOUT_MS, Behind, from_radios
from auditor.observe.locate import by_ref, locate
from auditor.observe.snapshot import Reading, SnapshotReader
from auditor.observe.wording import NotFound, Words, any_of, norm
from auditor.reads import SettingRead

# A button whose name starts with one of these acts rather than shows ("Remove", "Turn off", "Log out"): never
# followed to read a value, though the guard would stop any request it sent.
ACTING = frozenset(
    """remove delete turn log clear reset save send submit confirm allow accept decline disconnect deactivate
    block unblock unfollow follow disable enable add create""".split()
)


def acts(name: str | None) -> bool:
    first = norm(name or "").split(" ")[0]
    return first in ACTING


class Blocked(Exception):
    """What the setting needs a click for is under a dialog auditor does not know."""


class Reader:
    """Reads settings on one page: from its snapshot, and behind a button only where it must.

    `Reader(page, region, snapshot_reader, words, ...).read(setting)`. With `option_lists` the
    audience and choice dialogs are opened for their options (drift compares them). `fresh` gives a
    snapshot reader of the page as it is now, for after a subpage (the old references are gone).
    """

    def __init__(
        self,
        page,
        region,
        snapshot_reader: SnapshotReader,
        words: Words,
        option_lists: bool = False,
        covered_by: str | None = None,
        fresh: Callable[[], SnapshotReader] | None = None,
    ):
        self.page, self.region, self.snapshot, self.words = page, region, snapshot_reader, words
        self.option_lists, self.covered_by, self.fresh = option_lists, covered_by, fresh
        self.behind = Behind(page, words)
        self.personal: list[str] = []  # the person's names seen in dialogs (the account picker's profiles)

    def read(self, setting: SettingRead) -> Reading:
        if (
            setting.read == "choice"
            and setting.account
            and locate(self.region, setting.open, self.words.locale).count()
        ):
            self._may_click(setting)
            return self._read_choice(setting)  # the row shows one value; the dialog says whose
        reading = self.snapshot.read(setting)
        if reading.value is None and not reading.shows_option and (reading.opener or setting.open):
            self._may_click(setting)
            return self._follow(setting, reading)
        if self.covered_by is not None:
            reading.found_by = "under_dialog"
        elif self.option_lists and setting.read in ("audience", "choice") and reading.inferred_label is None:
            reading.options = self._options(setting, reading)
        return reading

    def _may_click(self, setting: SettingRead) -> None:
        if self.covered_by is not None:
            raise Blocked(f'the dialog "{self.covered_by}" covers the page, and the value is behind a button')

    def _follow(self, setting: SettingRead, seen: Reading) -> Reading:
        """The value where the setting's own button or link leads (the snapshot knows which: its reference)."""
        if self.behind.moved and self.fresh is not None:  # back from a subpage: the references are new
            self.snapshot, self.behind.moved = self.fresh(), False
            seen = self.snapshot.read(setting)
        if seen.opener is not None:
            opener, role = by_ref(self.page, self.region, seen.opener), seen.control or "button"
        else:
            opener, role = self._row_button(setting), setting.open.role
        if role not in SAFE_CLICK_ROLES or acts(seen.opener_name) or opener.get_attribute("aria-expanded") == "true":
            return seen  # a switch, a radio, a list box, a button that acts ("Remove"), a section open already
        where = f'row "{self.words.labels(setting)[0]}" >> {role}'
        reading = self.behind.read(opener, setting, where, self.region)
        reading.claimed = seen.claimed
        return reading

    def _row_button(self, setting: SettingRead):
        """The flow's `open` button in the setting's row, found in the page itself."""
        locale = self.words.locale
        label = self.page.get_by_text(any_of(self.words.labels(setting)))
        control = locate(self.page, setting.open, locale)
        # Every block holding both is an ancestor of the label: the last one in page order is the innermost.
        rows = self.region.locator("div").filter(has=label).filter(has=control)
        if not rows.count():
            raise NotFound(f'"{self.words.labels(setting)[0]}" not found')
        return locate(rows.last, setting.open, locale).first

    # -- what only a dialog shows
    def _options(self, setting: SettingRead, reading: Reading) -> list[str] | None:
        """The option list behind the control the value was read from (an audience or a choice row)."""
        if reading.control != "button" or reading.opener is None:
            return reading.options
        place = self.behind.go(by_ref(self.page, self.region, reading.opener))
        try:
            return from_radios(self.words, setting, aria.parse(place.snapshot), reading.locator).options
        finally:
            self.behind.come_back(place)

    def _read_choice(self, setting: SettingRead) -> Reading:
        locale = self.words.locale
        opener = locate(self.region, setting.open, locale)
        if not opener.count():
            raise NotFound(f"{setting.open.describe(locale)} not found")
        place = self.behind.go(opener.first, self.region)  # its options may also open in place (a menu)
        if place.dialog is None:  # no account to pick: the options are where it led, as for any setting
            try:
                reading = self.behind.read_there(place.snapshot, setting, setting.open.describe(locale))
            finally:
                self.behind.come_back(place)
            reading.found_by = place.found_by
            return reading
        dialog, nodes = place.dialog, aria.parse(place.snapshot)
        heading = next((n.name for top in nodes for n in top.walk() if n.role == "heading"), "")
        if dialog is not None and heading in self.words.string("select_your_account"):
            self.personal += profiles(nodes)
            platform = (setting.account or "facebook").capitalize()
            # The options dialog takes the picker's place at once: wait on the picker itself.
            picker = self.page.get_by_role("dialog", name=any_of(self.words.string("select_your_account")))
            picker.get_by_role("button", name=re.compile(re.escape(platform))).first.click()
            picker.wait_for(state="detached", timeout=DIALOG_TIMEOUT_MS)
            dialog = self.page.get_by_role("dialog").last
            dialog.get_by_role("radio").first.wait_for(timeout=DIALOG_TIMEOUT_MS)
            place.dialog, nodes = dialog, aria.parse(dialog.aria_snapshot())
        try:
            return from_radios(self.words, setting, nodes, setting.open.describe(locale))
        finally:
            self.behind.come_back(place)


def profiles(nodes) -> list[str]:
    """The person's profiles an account picker lists ("Alex Demo · Facebook", "alex.demo · Instagram"): each
    whole and without its platform, for the trace's scrubber (a username is as personal as a name)."""
    found = []
    for node in (n for top in nodes for n in top.walk() if n.role == "button" and n.name):
        bare = re.sub(r"\s*[·•|-]?\s*\b(Facebook|Instagram)\b\s*", " ", node.name).strip(" ·•|-")
        if bare != node.name.strip():  # names a platform: a profile, not the dialog's Close button
            found += [node.name, bare]
    return found
