"""The pattern space without a browser: the draw is reproducible and valid, knobs pin or alias its
points, the page's JSON keeps every value and never a setting id, and a page comes in the parts it says."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import auditor_argv

from auditor.errors import InputError
from auditor.replica import layout, model
from auditor.replica.knobs import Knob, Knobs
from auditor.replica.patterns import (
    CONTROLS,
    LOADS,
    NAMES,
    Pattern,
    describe,
    draw,
    draw_one,
    parse,
    pattern_for,
    plain,
    space,
)
from auditor.replica.registry import catalog, load_accounts
from auditor.replica.store import Store

SEEDS = range(40)


def fresh_draw(seed: int) -> dict[str, Pattern]:
    return {c.id: draw_one(seed, c.id, c.type, p.id) for p, c in catalog().controls()}


def test_a_seed_draws_the_same_patterns_every_time_and_under_any_hash_seed():
    printed = describe(fresh_draw(7))
    assert printed == describe(fresh_draw(7)) == describe(draw(7))
    assert len(printed.splitlines()) == len(list(catalog().controls()))  # one line per setting
    code = "from auditor.replica.patterns import describe, draw; print(describe(draw(7)))"
    env = {**os.environ, "PYTHONHASHSEED": "1" if os.environ.get("PYTHONHASHSEED") != "1" else "2"}
    other = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert other.stdout.rstrip("\n") == printed  # another Python, another hash seed: the same draw
    assert describe(fresh_draw(8)) != printed


def test_a_printed_line_replays_as_a_pattern_knob():
    drawn = draw(11)
    for line in describe(drawn).splitlines():
        setting, spec = line.split()
        knobs = Knobs([Knob.parse(f"pattern:{setting}:{spec}")])
        assert pattern_for(catalog().control(setting)[1], knobs) == drawn[setting]


def test_every_drawn_pattern_is_one_of_its_setting_types():
    for seed in SEEDS:
        for setting, pattern in draw(seed).items():
            kind = catalog().control(setting)[1].type
            assert pattern.control in CONTROLS[kind] and pattern.name in NAMES[pattern.control], (seed, setting)
            assert parse(kind, str(pattern)) == pattern


def test_the_draws_reach_every_control_load_and_placement():
    drawn = [(catalog().control(s)[1].type, p) for seed in range(100) for s, p in draw(seed).items()]
    for kind, controls in CONTROLS.items():
        assert {p.control for k, p in drawn if k == kind} == set(controls), kind
    assert {p.load for _k, p in drawn} == set(LOADS)
    assert {p.section for _k, p in drawn} == {"open", "collapsed"}
    assert {p.overlay for _k, p in drawn} == {"none", "announce"}
    assert {p.name for k, p in drawn if p.control == "switch"} == set(NAMES["switch"])


def test_the_space_of_each_type_is_every_control_name_reach_button_and_wording():
    assert len(space("switch")) == 7 + 7 + 5 + 7 + 9  # value_row: 3 reaches x 3 buttons
    audience = space("audience")
    assert {p.wording for p in audience if p.control in ("menu", "value_row")} == {"plain", "live"}
    assert {p.wording for p in audience if p.control == "listbox"} == {None}
    assert {(p.reach, p.name) for p in space("review")} == {
        (r, n) for r in ("dialog", "subpage", "inline") for n in ("none", "labelledby", "aria_label")
    }
    assert all(p.wording is None for p in space("choice"))


def test_a_pattern_knob_wins_over_the_variation_for_its_setting_only():
    control = catalog().control("fb.friend_requests")[1]
    knobs = Knobs([Knob.parse("variation:3"), Knob.parse("pattern:fb.friend_requests:control=listbox,load=streamed")])
    assert pattern_for(control, knobs) == Pattern("listbox", "labelledby", load="streamed")
    other = catalog().control("fb.search_engine_link")[1]
    assert pattern_for(other, knobs) == draw(3)["fb.search_engine_link"]


@pytest.mark.parametrize(
    "knob, setting, pattern, json_type",
    [
        ("divswitch", "fb.stories_archive", Pattern("div_switch", "labelledby"), "div_switch"),
        ("checkbox", "fb.stories_archive", Pattern("checkbox", "label_for"), "checkbox"),
        (
            "choicerow",
            "fb.stories_audience",
            Pattern("choice_row", "content", reach="dialog", wording="plain"),
            "choice",
        ),
        ("retype", "fb.stories_audience", Pattern("radios", "labelledby"), "radio_group"),
    ],
)
def test_the_old_variation_knobs_are_points_of_the_space(knob, setting, pattern, json_type):
    control = catalog().control(setting)[1]
    knobs = Knobs([Knob.parse(f"{knob}:{setting}")])
    assert pattern_for(control, knobs) == pattern
    assert model.control_type(control, knobs) == json_type  # drawn by comet.js as before
    assert layout.legacy(control.type, pattern) == json_type


@pytest.mark.parametrize(
    "text, message",
    [
        ("pattern:fb.friend_requests:control=switch", "control=switch is not one for audience settings"),
        ("pattern:fb.search_engine_link:reach=subpage", "reach=subpage does not go with control=switch"),
        ("pattern:fb.search_engine_link:control=div_switch,name=label_for", "name=label_for does not go with"),
        ("pattern:fb.search_engine_link:load=later", "load=later does not go with"),
        ("pattern:fb.search_engine_link:colour=red", "'colour=red' is not DIMENSION=VALUE"),
        ("pattern:fb.nothing:control=switch", "unknown setting 'fb.nothing'"),
        ("variation:seven", "variation takes a seed"),
    ],
)
def test_bad_pattern_knobs_are_refused_with_a_reason(text, message):
    with pytest.raises(InputError, match=re.escape(message)):
        Knob.parse(text)


# ------------------------------------------------------------------ the page's JSON
@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    account = next(a for a in load_accounts() if a.id == "demo")
    store = Store(Path(tmp_path_factory.mktemp("patterns")) / "replica.sqlite", [account])
    yield account, store
    store.close()


def shown(data: dict) -> dict[str, tuple]:
    """key -> what the page shows of its value: the state, the value's text, the option texts."""
    return {
        c["key"]: (c.get("checked"), c.get("value_text"), [o["text"] for o in c.get("options", [])], c["label"])
        for c in layout.controls(data)
    }


def pages_of(account):
    return [p for p in catalog().pages if model.page_visible(p, account, Knobs())]


def test_the_demo_shows_the_same_values_under_every_variation_and_never_a_setting_id(demo):
    account, store = demo
    setting_ids = [c.id for _p, c in catalog().controls()]
    for page in pages_of(account):
        plain_page = shown(model.build_page(page, account, account.locale, store, Knobs(), 0))
        for seed in range(8):
            data = model.build_page(page, account, account.locale, store, Knobs([Knob.parse(f"variation:{seed}")]), 0)
            varied = shown(data)
            for key, (checked, text, options, label) in plain_page.items():
                if checked is None:
                    assert varied[key][1:] == (text, options, label), (page.id, seed, label)
                else:  # a boolean: its state, and "On" / "Off" where a pattern shows it as text
                    assert (varied[key][0], varied[key][3]) == (checked, label), (page.id, seed, label)
            text = json.dumps(data)
            assert not [s for s in setting_ids if f'"{s}"' in text], (page.id, seed)


def test_a_page_comes_in_the_parts_its_patterns_say(demo):
    account, store = demo
    page = catalog().page("fb_find_and_contact")
    knobs = Knobs(
        [
            Knob.parse("pattern:fb.friends_list_visibility:load=streamed"),
            Knob.parse("pattern:fb.lookup_by_email:load=scroll,section=collapsed"),
            Knob.parse("pattern:fb.lookup_by_phone:control=value_row,reach=subpage"),
            Knob.parse("pattern:fb.search_engine_link:load=delayed"),
        ]
    )
    data = model.build_page(page, account, account.locale, store, knobs, 0)
    first, late = layout.answer(data, {}, "/settings/?tab=how_people_find_and_contact_you")
    assert late == layout.PAGE_DELAY  # the delayed setting makes the whole page's read late
    read = first["settings_page"]
    assert "delay" not in read and read["long_intro"] and len(read["long_intro"]) == 3  # a part loads on scroll
    parts = list(layout.parts(read))
    assert [(p["load"], p["collapsed"], "controls" in p) for p in parts] == [
        ("streamed", False, False),
        ("scroll", True, False),
    ]
    streamed, later = layout.answer(data, {"part": parts[0]["id"]}, "")
    assert late and later == layout.PART_DELAY["streamed"]
    assert [c["label"] for c in streamed["settings_section"]["controls"]] == ["Who can see your friends list?"]
    phone = next(c for c in layout.controls(data) if c["label"] == "People with your phone number")
    assert phone["ui"]["href"] == f"/settings/?tab=how_people_find_and_contact_you&screen={phone['key']}"
    screen, _ = layout.answer(data, {"screen": phone["key"]}, "/back")
    assert screen["settings_screen"] == {"back": "/back", "control": phone}
    email = next(c for c in layout.controls(data) if c["label"] == "People with your email address")
    assert layout.answer(data, {"screen": email["key"]}, "") == (None, 0.0)  # no subpage for it
    assert layout.answer(data, {"part": "1"}, "") == (None, 0.0)


def test_an_announcement_over_the_page_is_the_pages_when_a_setting_draws_it(demo):
    account, store = demo
    page = catalog().page("fb_stories")
    knobs = Knobs([Knob.parse("pattern:fb.stories_archive:overlay=announce")])
    assert model.build_page(page, account, account.locale, store, knobs, 0)["announcement"]["title"] == (
        "Say hello to Meta AI"
    )
    assert model.build_page(page, account, account.locale, store, Knobs(), 0)["announcement"] is None


def test_an_audience_in_metas_live_wording_names_friends_of_friends_and_who_is_excepted(demo):
    account, store = demo
    page = catalog().page("fb_find_and_contact")
    knobs = Knobs(
        [
            Knob.parse("pattern:fb.friend_requests:wording=live"),
            Knob.parse("pattern:fb.friends_list_visibility:control=menu,wording=live"),
        ]
    )
    store.set("demo", "fb.friend_requests", "friends_of_friends")
    store.set("demo", "fb.friends_list_visibility", "friends_except")
    try:
        data = model.build_page(page, account, account.locale, store, knobs, 0)
    finally:
        store.reset()
    requests, friends = [c for c in layout.controls(data) if c["type"] in ("audience_button", "menu")]
    assert requests["value_text"] == "Your friends of friends"
    assert friends["value_text"] == "Friends except: Jamie Rivera, Tom Okafor"
    assert [o["text"] for o in friends["options"]][2] == "Friends except..."  # the option itself keeps its text


def test_a_plain_page_has_no_pattern_data(demo):
    account, store = demo
    for page in pages_of(account):
        data = model.build_page(page, account, account.locale, store, Knobs(), 0)
        assert not list(layout.parts(data)) and "long_intro" not in data and "delay" not in data
        assert all("ui" not in c for c in layout.controls(data)), page.id
    assert plain("switch") == Pattern("switch", "labelledby")


def test_replica_serve_prints_the_patterns_of_its_variation():
    command = auditor_argv("replica", "serve", "--port", "0", "--variation", "5")
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    printed = []
    with process, process.stdout:
        try:
            for line in process.stdout:
                if line.startswith("replica: "):  # serving: the draw came before
                    break
                printed.append(line.rstrip("\n"))
        finally:
            process.terminate()
    assert printed == ["variation 5: the pattern of every setting", *describe(draw(5)).splitlines()]


def test_the_demo_writes_the_patterns_of_its_variation(tmp_path):
    from auditor.demo import write_variation

    text = write_variation(tmp_path / "demo", 9).read_text(encoding="utf-8")
    assert text == f"# auditor demo --variation 9\n{describe(draw(9))}\n"
