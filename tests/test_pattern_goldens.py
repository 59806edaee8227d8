"""The pattern goldens (tests/snapshots/patterns, written by `python -m tests.capture_patterns`) are
well-formed and complete: every pattern of every kind, with every value of a setting of that kind, in
English and German, every load and placement; and each snapshot shows its control as its pattern says
(role, a name holding the label, its state or value). test_replica_patterns proves a sample live."""

from __future__ import annotations

import re

import pattern_cases as cases
import pattern_render as render
import pytest

from auditor import spec
from auditor.replica.patterns import CONTROLS, LOADS, NAMES, PART_LOADS, SECTIONS, Pattern, plain, space
from auditor.replica.registry import catalog, load_accounts

FLOWS = {f.id: f for f in spec.load_flows()}
ACCOUNTS = {a.id: a for a in load_accounts()}
KEYS = {"id", "account", "flow", "url", "locale", "cases", "snapshot"}
CASE_KEYS = {"setting", "pattern", "value", "shown", "label", "needs"}


@pytest.fixture(scope="module")
def golden():
    return {name: cases.load(name) for name in cases.files()}


def presentation(pattern: Pattern) -> Pattern:
    return Pattern(pattern.control, pattern.name, pattern.reach, pattern.button, pattern.wording)


def test_every_entry_is_well_formed(golden):
    ids = [e["id"] for entries in golden.values() for e in entries]
    assert len(ids) == len(set(ids))
    for name, entries in golden.items():
        assert entries, f"{name}.yml holds no entry"
        for entry in entries:
            assert KEYS <= set(entry) <= KEYS | {"before", "followed"}, entry["id"]
            assert (
                entry["locale"] == ACCOUNTS[entry["account"]].locale and entry["url"] == FLOWS[entry["flow"]].spec.url
            )
            assert entry["snapshot"].startswith("- main:"), entry["id"]
            flow_settings = {s.id for s in FLOWS[entry["flow"]].spec.settings}
            patterns = {c["setting"]: cases.pattern_of(c) for c in entry["cases"]}
            for case in entry["cases"]:
                assert set(case) == CASE_KEYS and case["setting"] in flow_settings, entry["id"]
                control = catalog().control(case["setting"])[1]
                assert case["value"] in cases.values(control), entry["id"]
                assert case["needs"] == cases.needs(patterns[case["setting"]]), entry["id"]
            later = any(p.load in PART_LOADS or p.section == "collapsed" for p in patterns.values())
            assert ("before" in entry) == later, entry["id"]
            opened = {s for s, p in patterns.items() if render.opens(p)}
            assert set(entry.get("followed", {})) == opened, entry["id"]


def covered(entries, setting: str) -> set[tuple[Pattern, str]]:
    return {
        (presentation(cases.pattern_of(c)), c["value"]) for e in entries for c in e["cases"] if c["setting"] == setting
    }


def test_every_pattern_of_every_kind_is_there_with_every_value(golden):
    for name, sweeps in cases.SWEEPS.items():
        for account_id, page_id in sweeps:
            for control in cases.valued(ACCOUNTS[account_id], page_id):
                wanted = {(p, v) for p in space(control.type) for v in cases.values(control)}
                assert wanted <= covered(golden[name], control.id), (name, control.id)
    kinds = {catalog().control(c["setting"])[1].type for e in golden["audience"] for c in e["cases"]}
    assert kinds == {"audience", "switch"}
    assert sum(len(e["cases"]) for entries in golden.values() for e in entries) >= 1000


def test_german_has_every_control_with_every_value(golden):
    for account_id, page_id in cases.GERMAN:
        for control in cases.valued(ACCOUNTS[account_id], page_id):
            wanted = {
                (plain(control.type, c).control, v) for c in CONTROLS[control.type] for v in cases.values(control)
            }
            got = {(p.control, v) for p, v in covered(golden["de_DE"], control.id)}
            assert wanted <= got, control.id
    assert {e["locale"] for e in golden["de_DE"]} == {"de_DE"}


def test_every_load_and_placement_is_there_and_an_announcement(golden):
    entries = golden["loads"]
    for account_id, page_id in cases.LOAD_PAGES:
        flow = cases.FLOWS[page_id]
        seen = {
            (cases.pattern_of(c).load, cases.pattern_of(c).section)
            for e in entries
            if e["flow"] == flow
            for c in e["cases"]
        }
        assert seen == {(lo, se) for lo in LOADS for se in SECTIONS}, page_id
        assert any(cases.pattern_of(c).overlay == "announce" for e in entries if e["flow"] == flow for c in e["cases"])
    waiting = [e for e in entries if any(cases.pattern_of(c).load in PART_LOADS for c in e["cases"])]
    for entry in waiting:  # the part is not in the page's first view, and it is in the last
        for case in entry["cases"]:
            if cases.pattern_of(case).load in PART_LOADS:
                assert entry["snapshot"].count(case["label"]) > entry["before"].count(case["label"]), entry["id"]


def test_each_snapshot_shows_each_control_as_its_pattern_says(golden):
    failures = []
    for entries in golden.values():
        for entry in entries:
            for case in entry["cases"]:
                lacking = cases.missing(entry["snapshot"], case, entry["locale"])
                if lacking:
                    failures.append((entry["id"], case["setting"], case["pattern"], lacking))
    assert failures == [], failures[:5]


def test_a_review_shows_its_value_where_it_leads(golden):
    for entries in golden.values():
        for entry in entries:
            for case in entry["cases"]:
                if case["setting"] in entry.get("followed", {}) and cases.pattern_of(case).control == "review":
                    tree = entry["followed"][case["setting"]]
                    assert f'- radio "{case["shown"]}" [checked]' in tree, entry["id"]


def test_every_control_and_naming_route_is_in_the_goldens(golden):
    """The space itself: each control of NAMES under each of its names shows up somewhere."""
    seen = {
        (cases.pattern_of(c).control, cases.pattern_of(c).name)
        for es in golden.values()
        for e in es
        for c in e["cases"]
    }
    wanted = {(control, name) for kind in CONTROLS for control in CONTROLS[kind] for name in NAMES[control]}
    wanted -= {(k, n) for k in ("list", "link", "action") for n in NAMES[k]}  # no value to read
    assert wanted <= seen
    assert all(re.fullmatch(r"[A-Za-z_]+-\d{4}", e["id"]) for es in golden.values() for e in es)
