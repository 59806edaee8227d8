"""The pattern goldens (tests/snapshots/patterns): which replica page shows which setting in which
pattern and value, how one entry is rendered in a browser, and what reading each case should give.

An entry is one page load: every valued setting of the page in a pattern of its own (so one load
serves several cases), its main region's aria snapshot as observe reads it, and per case the
expected reading. tests/capture_patterns.py writes them (through pattern_render, in a browser);
test_pattern_goldens checks them offline, test_replica_patterns proves a sample of them live.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache
from pathlib import Path

import yaml

from auditor.replica import model
from auditor.replica.html import page_url
from auditor.replica.knobs import Knobs
from auditor.replica.patterns import LOADS, SECTIONS, Pattern, parse, plain, space
from auditor.replica.registry import catalog

FOLDER = Path(__file__).parent / "snapshots" / "patterns"
VALUED = ("switch", "audience", "choice", "radio_group", "review", "status")
HOSTS = {
    "facebook": "www.facebook.com",
    "accounts_center": "accountscenter.facebook.com",
    "instagram": "www.instagram.com",
}
FLOWS = {
    "fb_find_and_contact": "facebook/how_people_find_and_contact_you",
    "ig_sharing_and_reuse": "instagram/sharing_and_reuse",
    "ac_login_alerts": "accounts_center/login_alerts",
    "ac_ad_settings": "accounts_center/ad_settings",
    "ig_messages_and_story_replies": "instagram/messages_and_story_replies",
    "ac_ad_partners": "accounts_center/ad_partners",
    "ac_two_factor": "accounts_center/two_factor",
}
# file -> (account, page) sweeps: every pattern of the space x every value, for every valued setting of
# the page at once (the page's setting with the most cases sets the number of loads; the others cycle).
SWEEPS = {
    "switch": [("demo", "ig_sharing_and_reuse"), ("demo", "ac_login_alerts")],
    "audience": [("demo", "fb_find_and_contact")],
    "choice": [("demo", "ac_ad_settings")],
    "radio_group": [("demo", "ig_messages_and_story_replies")],
    "review": [("demo", "ac_ad_partners")],
    "status": [("demo", "ac_two_factor")],
}
# German: every control (its first naming route, reach and button) x every value.
GERMAN = [("de", "fb_find_and_contact"), ("de", "ig_messages_and_story_replies"), ("de", "ac_ad_partners")]
# Loads, sections and the overlay: every load x section on these pages, controls cycling.
LOAD_PAGES = [("demo", "fb_find_and_contact"), ("demo", "ig_messages_and_story_replies"), ("demo", "ac_ad_settings")]


def valued(account, page_id: str) -> list:
    page = catalog().page(page_id)
    return [c for _heading, cs in model.controls_on(page, account, Knobs()) for c in cs if c.type in VALUED]


def values(control) -> list[str]:
    return ["on", "off"] if control.type == "switch" else list(control.options)


def _cycle(grids: dict[str, list[tuple[Pattern, str]]]) -> list[dict[str, tuple[Pattern, str]]]:
    """As many loads as the longest grid; each setting starts its grid elsewhere, so one page mixes patterns."""
    loads = max(map(len, grids.values()))
    return [
        {setting: grid[(n + 7 * i) % len(grid)] for i, (setting, grid) in enumerate(grids.items())}
        for n in range(loads)
    ]


def sweep(account, page_id: str, german: bool = False) -> list[dict[str, tuple[Pattern, str]]]:
    """The loads of one page: setting -> (pattern, value) for each."""
    grids = {}
    for control in valued(account, page_id):
        patterns = space(control.type)
        if german:  # one naming route per control
            patterns = [p for p in patterns if p.name == plain(control.type, p.control).name]
        grids[control.id] = [(p, v) for p in patterns for v in values(control)]
    return _cycle(grids)


def load_sweep(account, page_id: str) -> list[dict[str, tuple[Pattern, str]]]:
    """Every load x section (each load's settings in several controls), then an announcement over the page."""
    controls = valued(account, page_id)
    out = []
    for n, (load, section) in enumerate((lo, se) for lo in LOADS for se in SECTIONS):
        out.append(
            {
                c.id: (replace(_nth_control(c.type, n + i), load=load, section=section), _stored(account, c))
                for i, c in enumerate(controls)
            }
        )
    out.append({c.id: (replace(plain(c.type), overlay="announce"), _stored(account, c)) for c in controls})
    return out


def _nth_control(setting_type: str, n: int) -> Pattern:
    from auditor.replica.patterns import CONTROLS

    choices = CONTROLS[setting_type]
    return plain(setting_type, choices[n % len(choices)])


def _stored(account, control) -> str:
    return account.settings.get(control.id, control.default)


def needs(pattern: Pattern) -> str | None:
    """What reading the value takes beyond the main region's snapshot: a scroll, an expanded section,
    the review's dialog or subpage. None: the snapshot shows it (after waiting for a part that streams)."""
    if pattern.load == "scroll":
        return "scroll"
    if pattern.section == "collapsed":
        return "expand"
    if pattern.control == "review":
        return {"inline": "expand"}.get(pattern.reach, pattern.reach)
    return None


def url(page_id: str) -> str:
    page = catalog().page(page_id)
    return page_url(page, HOSTS[page.site])


# ------------------------------------------------------------------ the files
def dump(entries: list[dict]) -> str:
    """YAML with literal blocks for the snapshots, so a diff shows their lines."""

    class Literal(str):
        pass

    def literal(dumper, text):
        return dumper.represent_scalar("tag:yaml.org,2002:str", text, style="|")

    class Dumper(yaml.SafeDumper):
        pass

    Dumper.add_representer(Literal, literal)

    def blocks(value):
        if isinstance(value, dict):
            return {k: blocks(v) for k, v in value.items()}
        if isinstance(value, list):
            return [blocks(v) for v in value]
        return Literal(value) if isinstance(value, str) and "\n" in value else value

    return yaml.dump(blocks(entries), Dumper=Dumper, sort_keys=False, allow_unicode=True, width=1000)


def load(name: str) -> list[dict]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load((FOLDER / f"{name}.yml").read_text(encoding="utf-8"), Loader=loader) or []


def files() -> list[str]:
    return [*SWEEPS, "de_DE", "loads"]


@cache
def control(setting: str):
    return catalog().control(setting)[1]


@cache
def _parsed(setting_type: str, spec: str) -> Pattern:
    return parse(setting_type, spec)


def pattern_of(case: dict) -> Pattern:
    return _parsed(control(case["setting"]).type, case["pattern"])


# ------------------------------------------------------------------ what each pattern shows
def _value(text: str) -> str:
    """A value after a colon in a snapshot line, quoted or not (the snapshot quotes "On", "Off" ...)."""
    return f'"?{re.escape(text)}"?'


def _named(role: str, name: str | None) -> str:
    return f"- {role}" + (f' "{re.escape(name)}"' if name else "")


def expectations(case: dict, heading: str, locale: str) -> list[str]:
    """Regular expressions, each of which some line of the page's snapshot (stripped, its closing colon
    dropped) must match for this case: the control's role, its name (holding the label), its state or value.
    `heading` is the page's title (labelledby2 names a control without a description by it and its label)."""
    pattern = pattern_of(case)
    setting = control(case["setting"])
    label, shown = case["label"], case["shown"]
    desc = setting.description(locale) if setting.description else None
    by_route = {"labelledby2": f"{label} {desc}" if desc else f"{heading} {label}", "none": None, "content": None}
    name = by_route.get(pattern.name, label)
    kind = pattern.control
    if kind in ("switch", "button_switch", "div_switch", "checkbox"):
        role = "checkbox" if kind == "checkbox" else "switch"
        return [_named(role, name) + (" \\[checked\\]" if case["value"] == "on" else "")]
    if kind in ("value_row", "status"):
        row = f"- text: .*{re.escape(label)}.* {re.escape(shown)}"
        if kind == "status":
            return [row]
        word = catalog().strings["change" if pattern.button == "change" else "edit"](locale)
        return [row, _named("link" if pattern.reach == "subpage" else "button", word) + "( \\[expanded\\])?"]
    if kind == "audience_button":
        edit, sharing = (catalog().strings[k](locale) for k in ("edit_privacy", "sharing_with"))
        return [_named("button", f"{edit}. {sharing} {shown}.") + f"(: .*{re.escape(shown)})?"]
    if kind == "choice_row":
        return [_named("button", f"{label} {shown}")]
    if kind == "review":
        text = catalog().strings["review_setting"](locale)
        named = {"none": text, "labelledby": f"{text} {label}", "aria_label": label}[pattern.name]
        return [_named("link" if pattern.reach == "subpage" else "button", named) + "( \\[expanded\\])?(: .*)?"]
    if kind in ("radios", "aria_radios"):
        group = _named("group", label) if pattern.name == "legend" else _named("radiogroup", name)
        return [group, _named("radio", shown) + " \\[checked\\]"]
    if kind in ("listbox", "select"):
        group = _named("listbox" if kind == "listbox" else "combobox", name)
        return [group, _named("option", shown) + " \\[selected\\]"]
    if kind == "combobox":
        return [_named("combobox", name) + ": " + _value(shown)]
    if kind == "menu":  # a button is named by its text (the value) unless an author's name is given
        return (
            [_named("button", shown)]
            if name is None or pattern.name == "title"
            else [_named("button", name) + ": " + _value(shown)]
        )
    raise AssertionError(f"no expectation for control {kind}")


@cache
def _plain_lines(snapshot: str) -> tuple[str, ...]:
    return tuple(_plain_line(line) for line in snapshot.splitlines())


def _plain_line(line: str) -> str:
    """A snapshot line without YAML's quoting (`- 'button "A: b"': "c"` is `- button "A: b": c`)."""
    if "'" not in line and ': "' not in line:
        return line.strip().removesuffix(":")
    try:
        item = yaml.load(line, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))[0]
    except (yaml.YAMLError, TypeError, IndexError, KeyError):
        return line.strip()
    if isinstance(item, dict) and len(item) == 1:
        key, value = next(iter(item.items()))
        return f"- {key}" + ("" if value is None else f": {value}")
    return f"- {item}"


def flat(snapshot: str) -> str:
    """An "ai" mode snapshot as the default mode shows the same page: containers (`generic`) left out, the texts
    side by side in one `text` line. Either form may be given."""
    out: list[str] = []
    texts: list[str] = []

    def walk(items, depth):
        for item in items or []:
            key, value = next(iter(item.items())) if isinstance(item, dict) else (item, None)
            key = str(key)
            if key.split(" ")[0] in ("generic", "text") and not isinstance(value, list):
                texts.append(str(value if value is not None else ""))
                continue
            if key.split(" ")[0] == "generic":
                walk(value, depth)
                continue
            if texts:
                out.append("  " * depth + "- text: " + " ".join(t for t in texts if t))
                texts.clear()
            if isinstance(value, list):
                out.append("  " * depth + f"- {key}:")
                walk(value, depth + 1)
                if texts:
                    out.append("  " * (depth + 1) + "- text: " + " ".join(t for t in texts if t))
                    texts.clear()
            else:
                out.append("  " * depth + f"- {key}" + ("" if value is None else f": {value}"))

    walk(yaml.load(snapshot, Loader=getattr(yaml, "CBaseLoader", yaml.BaseLoader)), 0)
    if texts:
        out.append("- text: " + " ".join(texts))
    return "\n".join(out)


def missing(snapshot: str, case: dict, locale: str) -> list[str]:
    """The expectations of a case that no line of the snapshot meets."""
    found = re.search(r'- heading "(.*)" \[level=1\]', snapshot)
    lines = _plain_lines(flat(snapshot))
    wanted = expectations(case, found.group(1) if found else "", locale)
    compiled = [(want, re.compile(want)) for want in wanted]
    return [want for want, pattern in compiled if not any(pattern.fullmatch(line) for line in lines)]
