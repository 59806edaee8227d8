"""A page's snapshot as a person reads it: which setting each control and each row belongs to. Pure.

The snapshot is taken in Playwright's "ai" mode, which keeps the page's containers (`generic`
nodes), so a row is the block that holds a question, its value and its button, whatever markup
draws it. A control belongs to a setting when one of the setting's wordings is contained in its
accessible name (it may go on with a description, a value or the option: the longest wording
wins, and two settings' wordings of one length claim nothing). A control whose name says no
setting (an "Edit" button, a switch with no name) belongs to the setting of its row: the
innermost block around it that mentions a setting, if it mentions just one.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from auditor.observe.aria import Node
from auditor.observe.wording import contains, norm

# Roles whose name or text is something the page says (a question, a description, a value shown as text).
TEXT_ROLES = ("text", "generic", "paragraph", "heading", "strong", "emphasis", "label", "cell", "term", "definition")


@dataclass
class Spot:
    """One node of the snapshot, in page order, with the block it sits in."""

    node: Node
    parent: int | None
    end: int = 0  # the index after its last descendant
    own: str = ""  # what it says itself (name and inline text), normalised
    control: int | None = None  # its index in the page's inventory, if it is one of its controls


@dataclass(frozen=True)
class Claim:
    setting: str
    how: str  # "name": its accessible name holds the wording; "row": its row does


class Layout:
    """The nodes of a snapshot in page order, with their blocks; `wordings` is setting id -> its wordings."""

    def __init__(self, nodes: list[Node], wordings: dict[str, list[str]]):
        self.spots: list[Spot] = []
        for node in nodes:
            self._add(node, None, inside_control=False)
        self.wordings = {setting: [norm(w) for w in texts if norm(w)] for setting, texts in wordings.items()}
        self._mentioned = [self.best(spot.own) for spot in self.spots]
        self.claims: dict[int, Claim] = {}  # spot index -> the setting its control belongs to
        for i, spot in enumerate(self.spots):
            if spot.control is not None:
                claim = self._claim(i)
                if claim is not None:
                    self.claims[i] = claim

    def _add(self, node: Node, parent: int | None, inside_control: bool) -> None:
        index = len(self.spots)
        spot = Spot(node, parent, own=norm(" ".join(t for t in (node.name, node.text) if t)))
        if node.index is not None and not inside_control:
            spot.control = node.index
        self.spots.append(spot)
        for child in node.children:
            self._add(child, index, inside_control or spot.control is not None)
        spot.end = len(self.spots)

    # -- what a text mentions
    def best(self, text: str) -> str | None:
        """The setting whose wording the text holds, the longest wording winning; None for none or a tie."""
        found = [(len(w), s) for s, ws in self.wordings.items() for w in ws if contains(text, w)]
        if not found:
            return None
        longest = max(length for length, _s in found)
        winners = {s for length, s in found if length == longest}
        return winners.pop() if len(winners) == 1 else None

    def said_by_any(self, text: str) -> bool:
        return any(contains(text, w) for ws in self.wordings.values() for w in ws)

    def mentions(self, block: int, leave_out: int | None = None) -> set[str]:
        """The settings a block mentions anywhere inside it (leaving out one node's own subtree)."""
        skip = range(leave_out, self.spots[leave_out].end) if leave_out is not None else range(0)
        return {s for j in self.inside(block, itself=True) if j not in skip and (s := self._mentioned[j])}

    # -- the page's blocks
    def inside(self, block: int, itself: bool = False) -> range:
        return range(block if itself else block + 1, self.spots[block].end)

    def ancestors(self, index: int) -> Iterator[int]:
        parent = self.spots[index].parent
        while parent is not None:
            yield parent
            parent = self.spots[parent].parent

    def row_of(self, setting: str, start: int) -> int:
        """The largest block around `start` that belongs to this setting alone."""
        row = start
        for block in self.ancestors(start):
            if self.mentions(block) - {setting} or self._holds_others_control(block, setting):
                break
            row = block
        return row

    def _holds_others_control(self, block: int, setting: str) -> bool:
        return any(j in self.claims and self.claims[j].setting != setting for j in self.inside(block))

    def label_spot(self, setting: str) -> int | None:
        """The node that says the setting's wording and is not a control: its question, or failing one, a heading
        (a page's title may hold a setting's wording: "Messages and story replies")."""
        said = [
            i
            for i, spot in enumerate(self.spots)
            if spot.control is None and spot.node.role in TEXT_ROLES and self._mentioned[i] == setting
        ]
        return min(said, key=lambda i: (self.spots[i].node.role == "heading", i), default=None)

    def texts(self, block: int, start: int | None = None) -> list[tuple[int, str]]:
        """(index, the text as shown) of every node in the block that says something and is neither a control nor
        a heading (a section's title, never a value); those after `start` (the question) first."""
        found = [
            (j, " ".join(t for t in (spot.node.name, spot.node.text) if t))
            for j in self.inside(block, itself=True)
            if (spot := self.spots[j]).own
            and spot.node.role in TEXT_ROLES
            and spot.node.role != "heading"
            and not self._in_control(j)
        ]
        return sorted(found, key=lambda pair: start is not None and pair[0] < start)

    def _in_control(self, index: int) -> bool:
        return self.spots[index].control is not None or any(
            self.spots[a].control is not None for a in self.ancestors(index)
        )

    # -- which setting a control belongs to
    def _claim(self, index: int) -> Claim | None:
        named = self._mentioned[index]
        if named is not None:
            return Claim(named, "name")
        for block in self.ancestors(index):
            said = self.mentions(block, leave_out=index)
            if len(said) == 1:
                return Claim(said.pop(), "row")
            if said:  # a block that holds several settings is a section, not the control's row
                return None
        return None

    def controls_of(self, setting: str) -> list[int]:
        """The spots of the controls that belong to the setting: those named by it first, then those nearest its
        question (one in the question's own row before one further out, such as the disclosure of the section
        around it), in page order."""
        question = self.label_spot(setting)
        mine = [
            (claim.how != "name", self._apart(question, i), i)
            for i, claim in self.claims.items()
            if claim.setting == setting
        ]
        return [i for _how, _apart, i in sorted(mine)]

    def _apart(self, question: int | None, index: int) -> int:
        """How far a control is from the setting's question: the size of the smallest block that holds both."""
        if question is None:
            return 0
        for block in (index, *self.ancestors(index)):
            if question in self.inside(block, itself=True):
                return self.spots[block].end - block
        return len(self.spots)
