"""What a settings page shows one account: the JSON its front end renders, with drift applied.

The front end never sees setting ids or canonical values, only display texts and opaque
numeric ids, like Meta's pages; a mutation names an opaque id and the replica maps it back.
"""

from __future__ import annotations

import hashlib

from auditor.replica import layout
from auditor.replica.knobs import Knobs
from auditor.replica.patterns import Pattern, pattern_for
from auditor.replica.registry import Account, Control, Page, Text, catalog, personal, shown_in
from auditor.replica.store import Store

NEW_CONTROL = "drift.new_control"


def opaque_id(seed: int, *parts: str) -> str:
    """A stable 15-digit id like Meta's privacy ids, different for every seed."""
    digest = hashlib.sha256(":".join((str(seed), *parts)).encode()).hexdigest()
    return str(int(digest[:15], 16) % 10**15).rjust(15, "1")


def generation(account: Account, page: Page, knobs: Knobs) -> str:
    """The label generation this page shows: the account's, unless a `labels:` knob says otherwise."""
    chosen = next((k.target for k in knobs.of_kind("labels") if k.arg in (None, "*", page.id)), None)
    return chosen or account.labels


def page_visible(page: Page, account: Account, knobs: Knobs) -> bool:
    if knobs.find("remove_page", page.id):
        return False
    if not shown_in(page.generation, generation(account, page, knobs)):
        return False
    return _region_allows(page.only_for, account)


def _region_allows(only_for: str | None, account: Account) -> bool:
    eu_uk = account.region in ("EU", "UK")
    return {
        None: True,
        "eu": account.region == "EU",  # e.g. "Less personalized ads" (catalog 7)
        "eu_uk": eu_uk,
        "not_eu_uk": not eu_uk,
        "professional": account.ig_professional,
        "profile_lock": account.profile_lock_offered,
    }[only_for]


def controls_on(page: Page, account: Account, knobs: Knobs) -> list[tuple[Text | None, list[Control]]]:
    """The page's sections and their controls for this account, after move/remove drift."""
    cat = catalog()
    moved_here = [cat.control(k.target)[1] for k in knobs.of_kind("move") if k.arg == page.id]
    moved_away = {k.target for k in knobs.of_kind("move") if k.arg != page.id}
    removed = {k.target for k in knobs.of_kind("remove")}
    gen = generation(account, page, knobs)
    sections = []
    for i, section in enumerate(page.sections):
        controls = [
            c
            for c in section.controls
            if c.id not in removed
            and c.id not in moved_away
            and shown_in(c.generation, gen)
            and _region_allows(c.only_for, account)
        ]
        if i == len(page.sections) - 1:
            controls += [c for c in moved_here if c.id not in removed]
        heading = section.heading if gen != "legacy" or not section.heading_since else None
        sections.append((heading, controls))
    return sections


def build_page(page: Page, account: Account, locale: str, store: Store, knobs: Knobs, seed: int) -> dict:
    """The page's JSON for the front end, every part in it (layout.answer gives each read its share)."""
    gen = generation(account, page, knobs)
    title = page.title_2026 if gen == "2026" and page.title_2026 else page.title
    href = page_href(page)
    sections, drawn = [], []
    for i, (section, (heading, controls)) in enumerate(zip(page.sections, controls_on(page, account, knobs))):
        entries = []
        for c in controls:
            pattern = pattern_for(c, knobs)
            drawn.append(pattern)
            entries.append((pattern, _control(c, account, locale, store, knobs, seed, gen, pattern, href)))
        items = layout.arrange(entries, lambda n, i=i: opaque_id(seed, page.id, "part", str(i), n), locale)
        sections.append(
            {"heading": heading(locale) if heading else None, "collapsed": section.collapsed, "controls": items}
        )
    if knobs.find("add", page.id):
        new = catalog().new_control
        value = store.get(account.id, NEW_CONTROL) or "off"
        sections[0]["controls"].append(
            {
                "type": "switch",
                "key": opaque_id(seed, NEW_CONTROL),
                "label": new.label(locale),
                "description": new.description(locale),
                "checked": value == "on",
            }
        )
    knob = knobs.find("announce", page.id)
    announce = knob or any(p.overlay == "announce" for p in drawn)
    data = {
        "title": personal(title(locale), account),
        "intro": page.intro(locale) if page.intro else None,
        "sections": sections,
        "announcement": _announcement(locale, survey=bool(knob and knob.arg == "survey")) if announce else None,
    }
    if any(p.load == "scroll" for p in drawn):
        data["long_intro"] = layout.long_intro(locale)
    if any(p.load == "delayed" for p in drawn):
        data["delay"] = layout.PAGE_DELAY
    return data


def page_href(page: Page) -> str:
    """The page's path and query, as its own links name it."""
    return page.path + ("?" + "&".join(f"{k}={v}" for k, v in page.query.items()) if page.query else "")


def _announcement(locale: str, survey: bool = False) -> dict:
    strings = catalog().strings
    if survey:  # only answered away: no close control, Escape does nothing
        keys = ("title", "body", "action", "other")
        return {"survey": True, **{key: strings[f"survey_{key}"](locale) for key in keys}}
    return {key: strings[f"announce_{key}"](locale) for key in ("title", "body", "action")}


def _label(control: Control, gen: str, locale: str, knobs: Knobs) -> str:
    label = {"2026": control.label_2026, "legacy": control.label_legacy}.get(gen) or control.label
    text = label(locale)
    renamed = knobs.find("rename", control.id)
    if renamed:
        if renamed.arg:
            return renamed.arg
        if control.renamed:
            return control.renamed(locale)
        return renamed_text(text, locale)
    return text


def renamed_text(label: str, locale: str) -> str:
    """What the rename knob shows by default: a new wording, not the old one with a word added (a reader finds
    a setting by its wording anywhere in a name, so "... (new)" after the whole label would still be it)."""
    words = label.rstrip("?").split()
    return f"{' '.join(words[: max(1, len(words) - 2)])} ({'neu' if locale == 'de_DE' else 'new'})"


def control_options(control: Control, knobs: Knobs) -> list[str]:
    options = list(control.options)
    if knobs.find("options", control.id) and options:
        options = options[:-1] + (["no_one"] if "no_one" not in options else [])
    return options


def control_type(control: Control, knobs: Knobs) -> str:
    """The control the page shows: its catalog type, or the one its pattern (a knob, a variation) gives it."""
    return layout.json_type(control.type, pattern_for(control, knobs))


def current_value(control: Control, account: Account, store: Store, knobs: Knobs) -> str | None:
    value = store.get(account.id, control.id)
    changed_default = knobs.find("default", control.id)
    if changed_default and control.id not in account.settings and value == control.default:
        return changed_default.arg
    return value


def _control(
    control: Control,
    account: Account,
    locale: str,
    store: Store,
    knobs: Knobs,
    seed: int,
    gen: str,
    pattern: Pattern,
    href: str,
) -> dict:
    cat = catalog()
    kind = layout.json_type(control.type, pattern)
    out = {"type": kind, "key": opaque_id(seed, control.id), "label": _label(control, gen, locale, knobs)}
    if control.description:
        out["description"] = personal(control.description(locale), account)
    value = current_value(control, account, store, knobs)
    options = control_options(control, knobs)
    if control.type == "switch":
        options = ["on", "off"]
        if kind != "radio_group":  # a boolean shown as one (the retype drift shows On / Off radios)
            out["checked"] = value == "on"
            if control.confirm_title and control.button:  # a switch that asks before it turns on
                out["confirm_title"], out["button"] = control.confirm_title(locale), control.button(locale)
            if layout.is_boolean_widget(kind):
                return layout.decorate(out, control, pattern, [], locale, href)
    if options:
        out["options"] = [
            {
                "id": opaque_id(seed, control.id, option),
                "text": _option_text(control, option, locale, gen, cat),
                "description": cat.option_descriptions[option](locale)
                if option in cat.option_descriptions and kind in ("audience", "audience_button")
                else None,
                "checked": option == value,
            }
            for option in options
        ]
        chosen = next((o for o in out["options"] if o["checked"]), None)
        out["value_text"] = chosen["text"] if chosen else ""
    if control.type == "list":
        out["items"] = store.items(account.id, control.id)
        out["button"] = control.button(locale) if control.button else cat.strings["remove"](locale)
    for field in ("text", "button", "confirm_title"):
        text = getattr(control, field)
        if text is not None and field not in out:
            out[field] = text(locale)
    if control.href:
        out["href"] = control.href
    if control.pick_account:
        out["accounts"] = [f"{account.name} · Facebook", f"{account.ig_username} · Instagram"]
    return layout.decorate(out, control, pattern, options, locale, href)


def _option_text(control: Control, option: str, locale: str, generation: str, cat) -> str:
    if option in ("on", "off") and option not in control.option_texts:
        return cat.strings[option](locale)
    return cat.option_text(control, option, locale, generation)


def resolve_mutation(
    key: str, option_id: str | None, account: Account, knobs: Knobs, seed: int
) -> tuple[str, str | None]:
    """(setting id, canonical value) for a mutation's opaque ids; KeyError when unknown."""
    if key == opaque_id(seed, NEW_CONTROL):
        return NEW_CONTROL, None
    for _page, control in catalog().controls():
        if opaque_id(seed, control.id) != key:
            continue
        options = ["on", "off"] if control.type == "switch" else control_options(control, knobs)
        if option_id is None:
            return control.id, None
        for option in options:
            if opaque_id(seed, control.id, option) == option_id:
                return control.id, option
        raise KeyError(option_id)
    raise KeyError(key)
