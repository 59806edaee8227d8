"""Flows are data: strictly validated, read-only by construction, and every error is `file:line: field: message`."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import cli_env, run_auditor

from auditor import data, spec, yamlio
from auditor.cli import main

BASE = """\
title: "Facebook settings: Posts"
platform: facebook
checked_on: 2026-11-22
sources: [S-dummies]
url: https://www.facebook.com/settings/?tab=posts
ready: {role: heading, name: {en_US: "Posts", de_DE: "Beiträge"}}
steps:
  - expand: {role: button, name: "More"}
settings:
  - id: fb.future_posts_audience
    read: audience
    label: {en_US: "Who can see your future posts?", de_DE: "Wer kann deine zukünftigen Beiträge sehen?"}
    values: [public, friends, only_me]
"""
CHECKLIST = """\
id: tiny
title: Tiny
version: "1"
description: One check, for these tests.
checks:
  - id: posts
    setting: fb.future_posts_audience
    expect: [friends, only_me]
    severity: high
    category: audience
    title: Posts are not public
    failure_title: Posts are public
    why: Public posts can be read by anyone.
    how: ["Open Settings > Posts and choose Friends."]
    url: https://www.facebook.com/settings/?tab=posts
    sources: [S-dummies]
"""


@pytest.fixture
def flows_dir(tmp_path) -> Path:
    root = tmp_path / "flows"
    (root / "facebook").mkdir(parents=True)
    shutil.copy(data.flows_dir() / "vocabulary.yml", root / "vocabulary.yml")
    (root / "facebook" / "posts.yml").write_text(BASE, encoding="utf-8")
    (tmp_path / "tiny.yml").write_text(CHECKLIST, encoding="utf-8")
    return root


def check(capsys, flows_dir: Path) -> tuple[int, str]:
    code = main(["flows", "check", "--flows", str(flows_dir), "--checklist", str(flows_dir.parent / "tiny.yml")])
    return code, capsys.readouterr().err.strip()


def test_the_base_flow_is_valid(capsys, flows_dir):
    assert check(capsys, flows_dir)[0] == 0


@pytest.mark.parametrize(
    "old, new, line, field, message",
    [
        (
            '  - expand: {role: button, name: "More"}',
            '  - click: {role: switch, name: "Private account"}',
            8,
            "steps.0.click",
            "a click on a switch could change a setting; flows are read-only",
        ),
        (
            '  - expand: {role: button, name: "More"}',
            "  - click: {role: radio, name: Public}",
            8,
            "steps.0.click",
            "a click on a radio could change a setting",
        ),
        (
            '  - expand: {role: button, name: "More"}',
            '  - click: {text: "Private account"}',
            8,
            "steps.0.click",
            "click needs role: one of button, link, tab, menuitem",
        ),
        (
            '  - expand: {role: button, name: "More"}',
            "  - click: {role: combobox, name: Audience}",
            8,
            "steps.0.click",
            "a click on a combobox could change a setting",
        ),
        ("    values: [public, friends, only_me]\n", "", 10, "settings.0", "read: audience needs values"),
        ("url: https://www", "url: http://www", 5, "url", "url must be an https:// URL"),
        ("checked_on: 2026-11-22", "checked_on: someday", 3, "checked_on", "Input should be a valid date"),
        (
            "    read: audience",
            "    read: audience\n    colour: blue",
            12,
            "settings.0.colour",
            "Extra inputs are not permitted",
        ),
        ("    read: audience", "    read: slider", 11, "settings.0.read", "Input should be"),
        # One model per kind of step and of read: an error names the kind it is in.
        (
            '  - expand: {role: button, name: "More"}',
            '  - tap: {role: button, name: "More"}',
            8,
            "steps.0.tap",
            "not a step: a step is one of open, click, expand, wait_for, scroll_to, press, close_dialog",
        ),
        (
            '  - expand: {role: button, name: "More"}',
            '  - expand: {role: button, nam: "More"}',
            8,
            "steps.0.expand.nam",
            "Extra inputs are not permitted",
        ),
        (
            "    read: audience",
            "    read: audience\n    account: facebook",
            12,
            "settings.0.account",
            "Extra inputs are not permitted (read: audience; account goes with read: choice)",
        ),
        (
            "    read: audience",
            "    read: choice\n    open: {role: button, name: Edit}\n    account: twitter",
            13,
            "settings.0.account",
            "Input should be 'facebook' or 'instagram' (read: choice)",
        ),
        ("sources: [S-dummies]", "sources: [S-dummies]\nsources: [S-rubig]", 5, "sources", "duplicate key"),
        ("ready: {role: heading,", "ready: {role: heading", 6, "(yaml)", ""),
        ("platform: facebook", "platform: instagram", 1, "platform", "says instagram but the file is under facebook/"),
    ],
)
def test_a_bad_flow_is_one_line_naming_file_line_and_field(capsys, flows_dir, old, new, line, field, message):
    path = flows_dir / "facebook" / "posts.yml"
    path.write_text(BASE.replace(old, new), encoding="utf-8")
    code, err = check(capsys, flows_dir)
    assert code == 2
    assert len(err.splitlines()) == 1
    assert err.startswith(f"auditor: error: {path}:{line}: {field}:"), err
    assert message in err


def test_a_value_missing_from_the_vocabulary_is_named(capsys, flows_dir):
    (flows_dir / "facebook" / "posts.yml").write_text(BASE.replace("only_me]", "only_me, nobody]"), encoding="utf-8")
    code, err = check(capsys, flows_dir)
    assert code == 2 and "nobody not in vocabulary.yml" in err


def test_a_setting_read_by_two_flows_is_refused(capsys, flows_dir):
    (flows_dir / "facebook" / "posts_again.yml").write_text(BASE, encoding="utf-8")
    code, err = check(capsys, flows_dir)
    assert code == 2 and "fb.future_posts_audience is also read by facebook/posts" in err


def test_on_off_yes_no_stay_words_not_booleans(tmp_path):
    doc = yamlio.loads("a: on\nb: off\nc: yes\nd: no\ne: true\n", tmp_path / "x.yml")
    assert doc.data == {"a": "on", "b": "off", "c": "yes", "d": "no", "e": True}


def test_every_shipped_flow_reads_english_and_german():
    vocabulary = spec.load_vocabulary()
    for flow in spec.load_flows():
        for setting in flow.spec.settings:
            for locale in ("en_US", "en_GB", "de_DE"):
                assert setting.label.texts(locale), (flow.id, setting.id, locale)
                values = (
                    setting.values.values()
                    if isinstance(setting.values, dict)
                    else [vocabulary.values[v] for v in setting.values]
                )
                assert all(v.texts(locale) for v in values), (flow.id, setting.id, locale)


def test_a_yaml_file_is_parsed_again_only_once_it_changed(tmp_path):
    """A run reads the flows several times: an unchanged file is not parsed again, a changed one is (its size or its
    modification time changed), and each caller gets data of its own."""
    path = tmp_path / "f.yml"
    path.write_text("a: [1, 2]\n")
    first = yamlio.load(path)
    first.data["a"].append(3)
    assert yamlio.load(path).data == {"a": [1, 2]} and yamlio.load(path).line(("a",)) == 1
    path.write_text("a: [5, 6]\n")  # the same size
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000_000))
    assert yamlio.load(path).data == {"a": [5, 6]}
    path.write_text("\nb: [5, 6, 7]\n")
    changed = yamlio.load(path)
    assert changed.data == {"b": [5, 6, 7]} and changed.line(("b",)) == 2


def test_flows_inspect_prints_the_pages_aria_snapshot(context, log_in, replica, tmp_path):
    log_in("demo")
    session = tmp_path / "session.json"
    context.storage_state(path=str(session))
    posts = "https://www.facebook.com/settings/?tab=posts"
    done = run_auditor("flows", "inspect", posts, "--replica", replica.url, "--session", session, env=cli_env(tmp_path))
    assert done.returncode == 0, done.stderr
    assert '- heading "Posts" [level=1]' in done.stdout
    assert '- button "Edit privacy. Sharing with' in done.stdout
    assert replica.writes() == []


def test_libyaml_reads_every_shipped_yaml_file_as_the_checked_loader_does(monkeypatch):
    """The flows, checklists and the replica's data, read by libyaml (fast), are what the checked loader (which says
    why a file is refused) reads from them: the same data, and the same line for every key and item."""
    root = Path(__file__).resolve().parents[1]
    files = [p for folder in ("flows", "checklists", "auditor/replica/data") for p in (root / folder).rglob("*.yml")]
    texts = {path: path.read_text(encoding="utf-8") for path in files}
    fast = {path: yamlio.loads(text, path, aliases=True) for path, text in texts.items()}
    assert len(files) > 30 and yamlio._Fast is not None  # PyYAML's wheels carry libyaml
    monkeypatch.setattr(yamlio, "_Fast", None)
    for path, text in texts.items():
        checked = yamlio.loads(text, path, aliases=True)
        assert (fast[path].data, fast[path]._lines) == (checked.data, checked._lines), path
