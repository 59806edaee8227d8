"""The pattern space: every equivalent accessible way the replica can show one setting, and the draw.

A setting of each catalog type (data/catalog.yml) can be rendered in any pattern the WAI-ARIA
Authoring Practices give for its kind, reached, named, loaded and placed in any of the ways a
settings page may use. A Pattern is one point of that space; `draw(seed)` picks one per setting,
reproducibly. Only the page's presentation changes: the same option texts, the same reads and
writes (GraphQL-shaped, the same mutations), the same values.

Dimensions (the first of each list is the plain replica's):
  control  the widget (CONTROLS below, per catalog type)
  name     how the widget gets its accessible name (NAMES below, per control):
           labelledby (aria-labelledby the label), labelledby2 (the label and the description, or
           the heading and the label when there is no description), aria_label, label_for
           (`<label for>`), wrap (a wrapping `<label>`), title, none (no name: the label is text in
           the same row), legend (a fieldset's legend), content (the control's own text)
  reach    where the options open: dialog, subpage (a page of its own), inline (an expanded section)
  button   the value row's button: edit ("Edit"), change ("Change"), icon (an icon named "Edit")
  wording  an audience's value as Meta's live pages name it: plain, live ("Sharing with X. " with
           its trailing space, "Your friends of friends", "Friends except: NAME, NAME")
  load     now, delayed (the page's data late), streamed (a second read answered later, no
           loading sign), skeleton (placeholder blocks, then the part), scroll (rendered once
           scrolled into view, below a long introduction), slow (a part with a progress bar, late)
  section  open, collapsed (behind a button with aria-expanded=false)
  overlay  none, announce (an unknown announcement dialog over the page)
"""

from __future__ import annotations

import random
from dataclasses import dataclass, fields, replace
from functools import cache

ALL_NAMES = ("labelledby", "labelledby2", "aria_label", "label_for", "wrap", "title", "none")
ARIA_NAMES = ("labelledby", "labelledby2", "aria_label", "title", "none")
CHOICES = ("radios", "aria_radios", "listbox", "menu", "select", "combobox", "value_row")

# Catalog type -> the controls it may be drawn as (the plain replica's first).
CONTROLS: dict[str, tuple[str, ...]] = {
    "switch": ("switch", "button_switch", "div_switch", "checkbox", "value_row"),
    "audience": ("audience_button", "choice_row", *CHOICES),
    "choice": ("choice_row", *CHOICES),
    "radio_group": ("radios", "choice_row", *CHOICES[1:]),
    "review": ("review",),
    "status": ("status",),
    "list": ("list",),
    "link": ("link",),
    "action": ("action",),
}
# Control -> the naming routes it can take (its plain one first). A div is not labelable: no
# `<label for>` or wrapping label for it; a native radio group is named as a group.
NAMES: dict[str, tuple[str, ...]] = {
    "switch": ALL_NAMES,
    "button_switch": ALL_NAMES,
    "div_switch": ARIA_NAMES,
    "checkbox": ("label_for", *(n for n in ALL_NAMES if n != "label_for")),
    "value_row": ("none",),
    "audience_button": ("none",),
    "choice_row": ("content",),
    "radios": (*ARIA_NAMES, "legend"),
    "aria_radios": ARIA_NAMES,
    "listbox": ARIA_NAMES,
    "menu": ALL_NAMES,
    "select": ("label_for", *(n for n in ALL_NAMES if n != "label_for")),
    "combobox": ARIA_NAMES,
    "review": ("none", "labelledby", "aria_label"),
    "status": ("none",),
    "list": ("labelledby",),
    "link": ("content",),
    "action": ("none",),
}
REACHES: dict[str, tuple[str, ...]] = {
    "value_row": ("dialog", "subpage", "inline"),
    "review": ("dialog", "subpage", "inline"),
    "audience_button": ("dialog",),
    "choice_row": ("dialog",),
}
BUTTONS = ("edit", "change", "icon")
# Controls that show an audience's value as a summary text (where Meta's live wording shows).
SUMMARIES = ("audience_button", "choice_row", "value_row", "menu", "combobox")
WORDINGS = ("plain", "live")
LOADS = ("now", "delayed", "streamed", "skeleton", "scroll", "slow")
SECTIONS = ("open", "collapsed")
OVERLAYS = ("none", "announce")
# Loads that bring the setting's part through a read of its own, after the page's first one.
PART_LOADS = ("streamed", "skeleton", "scroll", "slow")


@dataclass(frozen=True)
class Pattern:
    """One setting's presentation; None where a dimension does not apply to the control."""

    control: str
    name: str
    reach: str | None = None
    button: str | None = None
    wording: str | None = None
    load: str = "now"
    section: str = "open"
    overlay: str = "none"

    def __str__(self) -> str:
        """`control=listbox,name=labelledby2,...`: the SPEC of a `pattern:SETTING:SPEC` knob that replays it."""
        return ",".join(f"{f.name}={getattr(self, f.name)}" for f in fields(self) if getattr(self, f.name) is not None)


def applies(setting_type: str, control: str) -> dict[str, tuple[str, ...]]:
    """The values each presentational dimension may take for this control (a single None: not applicable)."""
    return {
        "name": NAMES[control],
        "reach": REACHES.get(control, (None,)),
        "button": BUTTONS if control == "value_row" else (None,),
        "wording": WORDINGS if setting_type == "audience" and control in SUMMARIES else (None,),
    }


def plain(setting_type: str, control: str | None = None) -> Pattern:
    """The plain replica's pattern of a type (or of one of its controls, with that control's first choices)."""
    control = control or CONTROLS[setting_type][0]
    return Pattern(control, **{dim: values[0] for dim, values in applies(setting_type, control).items()})


def parse(setting_type: str, text: str) -> Pattern:
    """`control=listbox,name=labelledby2,load=streamed` (spaces also separate) over the type's plain
    pattern; what is not given takes the control's first choice. ValueError says what is wrong."""
    given: dict[str, str] = {}
    dimensions = [f.name for f in fields(Pattern)]
    for item in text.replace(",", " ").split():
        key, sep, value = item.partition("=")
        if not sep or key not in dimensions:
            raise ValueError(f"{item!r} is not DIMENSION=VALUE (dimensions: {', '.join(dimensions)})")
        given[key] = value
    control = given.pop("control", CONTROLS[setting_type][0])
    if control not in CONTROLS[setting_type]:
        choices = ", ".join(CONTROLS[setting_type])
        raise ValueError(f"control={control} is not one for {setting_type} settings (one of {choices})")
    pattern = plain(setting_type, control)
    allowed = {**applies(setting_type, control), "load": LOADS, "section": SECTIONS, "overlay": OVERLAYS}
    for key, value in given.items():
        if value not in allowed[key]:
            choices = ", ".join(v for v in allowed[key] if v) or "none: it does not apply"
            raise ValueError(f"{key}={value} does not go with control={control} ({choices})")
        pattern = replace(pattern, **{key: value})
    return pattern


def space(setting_type: str) -> list[Pattern]:
    """Every presentation of the type (control x name x reach x button x wording), loaded at once, in the open."""
    out = []
    for control in CONTROLS[setting_type]:
        dims = applies(setting_type, control)
        for name in dims["name"]:
            for reach in dims["reach"]:
                for button in dims["button"]:
                    for wording in dims["wording"]:
                        out.append(Pattern(control, name, reach, button, wording))
    return out


# The draw: every dimension uniform among its valid values, but most settings load at once and stay
# open, and an announcement covers one page in eight (drawn per page: it is the page's).
LOAD_WEIGHTS = {"now": 3, "delayed": 1, "streamed": 1, "skeleton": 1, "scroll": 1, "slow": 1}
COLLAPSED_CHANCE = 1 / 4
ANNOUNCE_CHANCE = 1 / 8


def draw_one(seed: int, setting_id: str, setting_type: str, page_id: str) -> Pattern:
    # A string seed is hashed with SHA-512 by random.Random: the same on every run and Python (no hash seed).
    rng = random.Random(f"variation:{seed}:{setting_id}")
    control = rng.choice(CONTROLS[setting_type])
    chosen = {dim: rng.choice(values) for dim, values in applies(setting_type, control).items()}
    load = rng.choices(list(LOAD_WEIGHTS), weights=list(LOAD_WEIGHTS.values()))[0]
    section = "collapsed" if rng.random() < COLLAPSED_CHANCE else "open"
    overlay = "announce" if random.Random(f"variation:{seed}:page:{page_id}").random() < ANNOUNCE_CHANCE else "none"
    return Pattern(control, **chosen, load=load, section=section, overlay=overlay)


@cache
def draw(seed: int) -> dict[str, Pattern]:
    """A pattern for every setting of the catalog, the same for the same seed."""
    from auditor.replica.registry import catalog

    return {c.id: draw_one(seed, c.id, c.type, p.id) for p, c in catalog().controls()}


def describe(drawn: dict[str, Pattern]) -> str:
    """The draw, one line per setting: `SETTING  SPEC` (the knob `pattern:SETTING:SPEC` replays a line)."""
    width = max(map(len, drawn), default=0)
    return "\n".join(f"{setting.ljust(width)}  {pattern}" for setting, pattern in drawn.items())


# The knobs that were single variations before the pattern space: each is now one point of it.
ALIASES = {
    "divswitch": ("switch", "control=div_switch"),
    "checkbox": ("switch", "control=checkbox"),
    "choicerow": ("audience", "control=choice_row"),
}


def pattern_for(control, knobs) -> Pattern:
    """The pattern a setting shows under the knobs in force: a `pattern:` knob aimed at it, else the
    `variation:` draw, else a variation alias (divswitch, checkbox, choicerow, retype), else the plain one."""
    knob = knobs.find("pattern", control.id)
    if knob is not None:
        return parse(control.type, knob.arg)
    variation = next(iter(knobs.of_kind("variation")), None)
    if variation is not None:
        return draw(int(variation.target))[control.id]
    if knobs.find("retype", control.id) and control.type in ("audience", "switch"):
        return Pattern("radios", "labelledby")  # the retype drift: inline radios (a switch's are On / Off)
    for kind, (setting_type, spec) in ALIASES.items():
        if control.type == setting_type and knobs.find(kind, control.id):
            return parse(setting_type, spec)
    return plain(control.type)
