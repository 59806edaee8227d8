"""How a page shows its settings' patterns (patterns.py): each control's JSON, the page's parts that
arrive later, and the reads that bring them (the page's first read, a part's own read, a subpage).

The front end (static/patterns.js, static/parts.js) draws what this says; it still never sees a
setting id or a canonical value. A control in its plain pattern has no `ui` and is drawn by
comet.js exactly as before.
"""

from __future__ import annotations

from auditor.replica.patterns import PART_LOADS, Pattern
from auditor.replica.registry import Control, catalog

# Patterns the plain front end already draws (the replica before the pattern space, and the knobs
# that became aliases): (control, name) -> its JSON type.
LEGACY = {
    ("switch", "labelledby"): "switch",
    ("div_switch", "labelledby"): "div_switch",
    ("checkbox", "label_for"): "checkbox",
    ("audience_button", "none"): "audience",
    ("choice_row", "content"): "choice",
    ("radios", "labelledby"): "radio_group",
    ("review", "none"): "review",
}
# The mutation each kind of setting saves through, whatever control shows it (as the plain page does).
WRITES = {"switch": "Toggle", "audience": "PrivacySelector", "choice": "AdPreferencesSetting",
          "review": "AdPreferencesSetting", "radio_group": "Radio"}  # fmt: skip
CONFIRMED = ("choice", "review")  # kinds whose options are saved by "Confirm", not by the click itself
# Seconds a part's own read is answered late, and the page's first read under `delayed`. A part
# rendered on scroll sends its read once seen, and that read takes its time too, as a feed's does.
PART_DELAY = {"streamed": 2.0, "skeleton": 1.2, "slow": 3.0, "scroll": 1.0}
PAGE_DELAY = 1.5
# "Friends except" with the people it leaves out, as public scripts saw the live name (made-up people).
EXCLUDED = ("Jamie Rivera", "Tom Okafor")


def legacy(setting_type: str, pattern: Pattern) -> str | None:
    """The plain front end's control type for a pattern it draws itself; None for one patterns.js draws."""
    if setting_type in ("status", "list", "link", "action"):
        return setting_type
    if pattern.wording == "live" or (pattern.reach or "dialog") != "dialog":
        return None
    return LEGACY.get((pattern.control, pattern.name))


def json_type(setting_type: str, pattern: Pattern) -> str:
    """The control type the front end draws."""
    return legacy(setting_type, pattern) or pattern.control


def is_boolean_widget(kind: str) -> bool:
    """Does this JSON type show a boolean by its state (checked), not by an option text?"""
    return kind in ("switch", "div_switch", "checkbox", "button_switch")


def decorate(out: dict, control: Control, pattern: Pattern, values: list[str], locale: str, page_href: str) -> dict:
    """Add what a pattern the plain front end does not draw needs (`ui`), in place; returns `out`.

    `values` are the canonical values of out["options"], in order (the page never gets them)."""
    if legacy(control.type, pattern):
        return out
    strings = catalog().strings
    ui = {
        "name": pattern.name,
        "reach": pattern.reach,
        "write": WRITES[control.type],
        "confirm": control.type in CONFIRMED,
        "radio_name": "radio" if control.type == "review" else f"choice_{out['key']}",
    }
    if pattern.button:
        ui["button"] = pattern.button
        ui["button_text"] = strings["change" if pattern.button == "change" else "edit"](locale)
    if pattern.reach == "subpage":
        ui["href"] = page_href + ("&" if "?" in page_href else "?") + f"screen={out['key']}"
    options = out.get("options", [])
    if pattern.wording == "live":
        ui["wording"] = "live"
        for option, value in zip(options, values):
            option["summary"] = live_text(value, option["text"], locale)
        chosen = next((o for o in options if o["checked"]), None)
        out["value_text"] = chosen["summary"] if chosen else out.get("value_text", "")
    if control.type == "switch":
        for option, value in zip(options, values):
            option["enabled"] = value == "on"
    out["ui"] = ui
    return out


def live_text(value: str, text: str, locale: str) -> str:
    """An audience's name as Meta's live pages show it in the selector's button (catalog 12)."""
    strings = catalog().strings
    if value == "friends_of_friends":
        return strings["your_friends_of_friends"](locale)
    if value == "friends_except":
        return strings["friends_except_names"](locale).replace("{names}", ", ".join(EXCLUDED))
    return text


def arrange(entries: list[tuple[Pattern, dict]], make_id, locale: str) -> list[dict]:
    """A section's controls in page order, runs of those that load later or sit collapsed made parts.

    A part is {"type": "part", "id", "load", "collapsed", "controls", ...}: loaded with the page when
    its load is `now` (only collapsed), else through a read of its own (the page's first read leaves
    its controls out).
    """
    strings = catalog().strings
    out: list[dict] = []
    run: list[dict] = []
    key: tuple[str, bool] | None = None

    def flush():
        if run:
            load, collapsed = key
            out.append(
                {
                    "type": "part",
                    "id": make_id(str(len(out))),
                    "load": load,
                    "collapsed": collapsed,
                    "text": strings["more_settings"](locale),
                    "loading": strings["loading"](locale),
                    "controls": list(run),
                }
            )
            run.clear()

    for pattern, item in entries:
        here = (pattern.load if pattern.load in PART_LOADS else "now", pattern.section == "collapsed")
        if here != key:
            flush()
            key = here
        if here == ("now", False):
            out.append(item)
        else:
            run.append(item)
    flush()
    return out


def parts(data: dict):
    for section in data["sections"]:
        for item in section["controls"]:
            if item["type"] == "part":
                yield item


def controls(data: dict):
    """Every control of the page's data, inside parts too."""
    for section in data["sections"]:
        for item in section["controls"]:
            yield from item["controls"] if item["type"] == "part" else [item]


def first_read(data: dict) -> dict:
    """The page's first read: a part that comes by its own read is there without its controls."""
    sections = [
        {**s, "controls": [_without_controls(i) if _later(i) else i for i in s["controls"]]} for s in data["sections"]
    ]
    return {k: v for k, v in data.items() if k != "delay"} | {"sections": sections}


def _later(item: dict) -> bool:
    return item["type"] == "part" and item["load"] in PART_LOADS


def _without_controls(item: dict) -> dict:
    return {k: v for k, v in item.items() if k != "controls"}


def screen_control(data: dict, key: str) -> dict | None:
    """The control a subpage (`?screen=KEY`) shows, if it is one whose options open on a page of their own."""
    return next((c for c in controls(data) if c["key"] == key and c.get("ui", {}).get("reach") == "subpage"), None)


def answer(data: dict, variables: dict, page_href: str) -> tuple[dict | None, float]:
    """What a read of this page gets (its `data`), and how late: the page itself, one of its parts
    (`part`), or the control of one of its subpages (`screen`). None: no such part or subpage."""
    if "part" in variables:
        found = next((p for p in parts(data) if p["id"] == variables["part"] and _later(p)), None)
        if found is None:
            return None, 0.0
        return {"settings_section": {"controls": found["controls"]}}, PART_DELAY[found["load"]]
    if "screen" in variables:
        control = screen_control(data, str(variables["screen"]))
        if control is None:
            return None, 0.0
        return {"settings_screen": {"back": page_href, "control": control}}, 0.0
    return {"settings_page": first_read(data)}, data.get("delay", 0.0)


def long_intro(locale: str) -> list[str]:
    """The long introduction above a page with a part rendered on scroll (made-up text, as Meta's vary)."""
    strings = catalog().strings
    return [strings[f"intro_long_{n}"](locale) for n in (1, 2, 3)]
