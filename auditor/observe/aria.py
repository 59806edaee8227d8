"""Reading Playwright aria snapshots: the role/name tree that role locators see.

Pure: takes the snapshot text, returns nodes and the inventory of controls. Observe takes its
snapshots in Playwright's "ai" mode, which also keeps the page's containers (`generic` nodes,
which tell a row from the next) and marks each element with a `[ref=...]` that a locator
(`aria-ref=...`) can find again; the inventory is the same in either mode. The inventory is
what drift compares, so it keeps what identifies a control (role, accessible name, the row text
beside it, its section, its options) and leaves out what changes without Meta changing the page
(the person's values, list items such as app or device names, class names, order of other rows).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import yaml

from auditor.results import Control

# Every scalar as the text the page shows ("010", "1.50", "on" stay as they are), read by libyaml
# where PyYAML has it: a page's snapshot is parsed in a tenth of the time.
SNAPSHOT_LOADER = getattr(yaml, "CBaseLoader", yaml.BaseLoader)
_KEY = re.compile(r'^(?P<role>[a-z]+)(?: (?P<name>"(?:[^"\\]|\\.)*"|/.*/))?(?P<attrs>(?: \[[^\]]*\])*)$')
# Controls a person can change, or that open something; the inventory records these.
CONTROL_ROLES = (
    "switch",
    "checkbox",
    "radio",
    "radiogroup",
    "combobox",
    "listbox",
    "slider",
    "spinbutton",
    "button",
    "link",
    "list",
    "textbox",
    "tab",
)


# Nodes that say something (a question, a description, a value shown as text) rather than act.
TEXT_ROLES = ("text", "paragraph", "generic")
# What a list box, a combo box or a menu offers, and the attribute that marks the one chosen.
OPTION_ROLES = ("option", "menuitemradio", "menuitemcheckbox")
CHOSEN = ("selected", "checked")


@dataclass
class Node:
    role: str
    name: str = ""
    attrs: dict[str, str] = field(default_factory=dict)
    text: str = ""  # inline text after the colon
    children: list["Node"] = field(default_factory=list)
    index: int | None = None  # its place in the page's inventory, once `inventory` listed it

    @property
    def ref(self) -> str | None:
        """Playwright's reference to the element (ai-mode snapshots): `locate.by_ref` finds it again."""
        return self.attrs.get("ref")

    @property
    def chosen(self) -> bool:
        return any(self.attrs.get(a) in ("", "true") for a in CHOSEN)

    @property
    def checked(self) -> bool:
        return self.attrs.get("checked") in ("", "true")

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


def parse(snapshot: str) -> list[Node]:
    """The top-level nodes of an aria snapshot."""
    if not snapshot.strip():
        return []
    try:
        data = yaml.load(snapshot, Loader=SNAPSHOT_LOADER)
    except yaml.YAMLError:
        return []
    return [n for n in (_node(item) for item in data or []) if n is not None]


def _node(item) -> Node | None:
    if isinstance(item, str):
        return _from_key(item, None)
    if isinstance(item, dict) and len(item) == 1:
        key, value = next(iter(item.items()))
        return _from_key(str(key), value)
    return None


def _from_key(key: str, value) -> Node | None:
    if key.startswith("/"):
        return None  # a property line such as /url: or /placeholder:
    if key == "text":
        return Node("text", text=_scalar(value))
    match = _KEY.match(key.strip())
    if not match:
        return Node("text", text=key)
    name = match["name"] or ""
    if name.startswith('"'):
        name = json.loads(name)
    attrs = dict(_attr(a) for a in re.findall(r"\[([^\]]*)\]", match["attrs"] or ""))
    node = Node(match["role"], name, attrs)
    if isinstance(value, list):
        node.children = [n for n in (_node(child) for child in value) if n is not None]
    elif value is not None:
        node.text = _scalar(value)
    return node


def _scalar(value) -> str:
    return "" if value is None else str(value)


def _attr(text: str) -> tuple[str, str]:
    key, _, value = text.partition("=")
    return key, value


def radios(nodes: list[Node]) -> list[tuple[str, bool]]:
    """(accessible name, checked) of every radio, in page order."""
    return [(n.name or n.text, n.checked) for top in nodes for n in top.walk() if n.role == "radio"]


def texts(nodes: list[Node]) -> list[str]:
    """Every text of these nodes in page order (a row's label, a status shown as text)."""
    return [
        node.text or node.name
        for top in nodes
        for node in top.walk()
        if node.role in TEXT_ROLES and not node.children and (node.text or node.name)
    ]


def options(node: Node) -> tuple[list[str], str | None]:
    """What a list box, combo box or menu offers, and the one chosen (None if it shows none)."""
    offered = [n for n in node.walk() if n.role in OPTION_ROLES]
    chosen = next((n.name or n.text for n in offered if n.chosen), None)
    return [n.name or n.text for n in offered], chosen


def all_texts(nodes: list[Node], own_name: bool = True) -> list[str]:
    """Every name and text in these nodes' trees (a masked element's); the top nodes' own names only
    with `own_name`."""
    found = []
    for top in nodes:
        for node in top.walk():
            found += [node.name] if own_name or node is not top else []
            found.append(node.text)
    return [text for text in found if text]


def inventory(nodes: list[Node]) -> list[Control]:
    """Every control in these nodes, with the row text and section heading beside it."""
    controls: list[Control] = []
    _collect(nodes, controls, section=None, label=None)
    return controls


def _collect(
    nodes: list[Node], out: list[Control], section: str | None, label: str | None
) -> tuple[str | None, str | None]:
    """Walk in page order; `label` is the first text since the last control (the row's label)."""
    for node in nodes:
        if node.role == "heading":
            section, label = node.name or node.text, None
        elif node.role in TEXT_ROLES and not node.children:
            label = label or node.text or node.name or None
        elif node.role in CONTROL_ROLES:
            node.index = len(out)
            out.append(_control(node, label, section))
            label = None
        else:
            section, label = _collect(node.children, out, section, label)
    return section, label


def _control(node: Node, label: str | None, section: str | None) -> Control:
    if node.role == "list":
        items = sum(1 for child in node.children if child.role == "listitem")
        return Control(role="list", name=node.name, label=label, section=section, state=str(items))
    if node.role == "radiogroup":
        offered = [n.name or n.text for n in node.walk() if n.role == "radio"]
        chosen = next((n.name for n in node.walk() if n.role == "radio" and n.checked), None)
        return Control(role="radiogroup", name=node.name, label=label, section=section, state=chosen, options=offered)
    if node.role in ("listbox", "combobox"):
        offered, chosen = options(node)
        return Control(
            role=node.role, name=node.name, label=label, section=section, state=chosen or _state(node), options=offered
        )
    return Control(role=node.role, name=node.name, label=label, section=section, state=_state(node))


def _state(node: Node) -> str | None:
    if "checked" in node.attrs:
        return "checked" if node.checked else "unchecked"
    return node.text or None
