"""History: runs recorded under a pseudonym, what changed between them, and a database that is never damaged
further. Most tests record runs built from tests/expected (no browser); two audit the replica end to end."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import stat
from pathlib import Path

import pytest
from conftest import cli_env, run_auditor
from json_schemas import validate

from auditor import i18n, results
from auditor.cli import main
from auditor.cohort.summary import Summary, tally, write_summary
from auditor.consistency import load_checklist
from auditor.evaluate import evaluate
from auditor.history import Recording, record_apply
from auditor.history.record import Applied
from auditor.history.store import MIGRATIONS, SCHEMA_VERSION
from auditor.history.timeline import timeline
from auditor.report import render
from auditor.results import Account, Observation, Observations, Run

EXPECTED = Path(__file__).parent / "expected"
UID = "100000000000001"
IG_UID = "17841400000001789"  # as long as a real one: a short id could turn up in the file by chance
COOKIES = [
    {"name": "c_user", "domain": ".facebook.com", "value": UID},
    {"name": "ds_user_id", "domain": ".instagram.com", "value": IG_UID},
]


@pytest.fixture(scope="module")
def checklist():
    return load_checklist("default")


@pytest.fixture(scope="module")
def replica_accounts():
    from auditor.replica.registry import load_accounts

    return {a.id: a for a in load_accounts()}


def audited(checklist, started: str, account: str = "demo", seen: dict | None = None, **values):
    """(observations, findings) of a run of `account` as tests/expected records it, with `values` changed
    (and what was `seen` of some settings)."""
    observations = []
    for folder in ("facebook", "instagram", "accounts_center", "meta"):
        for setting, recorded in json.loads((EXPECTED / folder / f"{account}.json").read_text()).items():
            seen_now = {**recorded, **({"value": values[setting], "status": "observed"} if setting in values else {})}
            seen_now = (seen or {}).get(setting, seen_now)
            observations.append(Observation(setting=setting, platform=folder, **seen_now))
    run = Run(tool_version="0.1.0", started=started, platforms=["facebook", "instagram"], target="https://127.0.0.1:1")
    found = Observations(run=run, observations=observations)
    return found, evaluate(found, checklist)


def record(path: Path, run, cookies=COOKIES, names=("alice",), **options) -> Recording:
    recording = Recording(path, names=names, **options)
    recording.record(*run, cookies, say=lambda line: None)
    return recording


def test_a_changed_value_is_found_and_marked_less_private(tmp_path, checklist):
    db = tmp_path / "history.sqlite"
    first = record(db, audited(checklist, "2026-01-05T10:00:00+00:00"))
    assert first.since is None and first.error is None
    second = record(db, audited(checklist, "2026-02-05T10:00:00+00:00", **{"fb.lookup_by_email": "friends"}))
    third = record(db, audited(checklist, "2026-03-05T10:00:00+00:00", **{"fb.lookup_by_email": "everyone"}))
    assert [(c.setting, c.kind, c.before, c.after) for c in second.since.changes] == [
        ("fb.lookup_by_email", "changed", "everyone", "friends")
    ]
    assert not second.since.changes[0].less_private
    (back,) = third.since.changes
    assert (back.before, back.after, back.less_private, back.by_apply) == ("friends", "everyone", True, False)
    assert back.alarming and third.since.moved == [back]
    assert third.since.previous == "2026-02-05T10:00:00+00:00"


def test_new_settings_settings_gone_and_unread_ones(tmp_path, checklist):
    db = tmp_path / "history.sqlite"
    gone = {"status": "unknown", "value": None, "reason": "not_found"}
    unread = {"status": "unknown", "value": None, "reason": "timeout"}
    record(
        db,
        audited(
            checklist,
            "2026-01-05T10:00:00+00:00",
            seen={
                "ac.ad_partners_activity": {
                    "status": "not_applicable",
                    "value": None,
                    "reason": "not_offered_for_account",
                }
            },
        ),
    )
    later = record(
        db,
        audited(
            checklist, "2026-02-05T10:00:00+00:00", seen={"fb.friend_requests": gone, "fb.lookup_by_phone": unread}
        ),
    )
    kinds = {(c.setting, c.kind, c.before, c.after) for c in later.since.changes}
    assert kinds == {("fb.friend_requests", "gone", "everyone", None), ("ac.ad_partners_activity", "new", None, "yes")}


def test_settings_a_run_did_not_read_are_neither_gone_nor_new(tmp_path, checklist):
    """A run of one page (--flow) between two whole runs: what it did not read tells nothing; what both read does."""
    db = tmp_path / "history.sqlite"
    record(db, audited(checklist, "2026-01-05T10:00:00+00:00"))
    whole, _ = audited(checklist, "2026-02-05T10:00:00+00:00", **{"fb.future_posts_audience": "friends"})
    posts = ("fb.future_posts_audience", "fb.limit_past_posts", "fb.review_activity_log")
    one_page = whole.model_copy(update={"observations": [o for o in whole.observations if o.setting in posts]})
    assert len(one_page.observations) == 3
    few = record(db, (one_page, evaluate(one_page, checklist)))
    assert [(c.setting, c.kind, c.before, c.after) for c in few.since.changes] == [
        ("fb.future_posts_audience", "changed", "public", "friends")
    ]
    again = record(db, audited(checklist, "2026-03-05T10:00:00+00:00", **{"fb.future_posts_audience": "friends"}))
    assert again.since.changes == []  # nothing new after the run of one page, nothing changed since it


def test_a_change_auditor_apply_recorded_is_marked_and_not_alarming(tmp_path, checklist):
    db = tmp_path / "history.sqlite"
    record(db, audited(checklist, "2026-01-05T10:00:00+00:00", **{"fb.lookup_by_email": "friends"}))
    assert record_apply(
        db,
        COOKIES,
        "https://127.0.0.1:2",
        [Applied("fb.lookup_by_email", "friends", "everyone", "2026-01-06T09:00:00+00:00")],
    )
    later = record(db, audited(checklist, "2026-02-05T10:00:00+00:00"))
    (change,) = later.since.changes
    assert (change.by_apply, change.less_private, change.alarming, later.since.moved) == (True, True, False, [])
    # An apply before the previous run does not explain a change after it.
    again = record(db, audited(checklist, "2026-03-05T10:00:00+00:00", **{"fb.lookup_by_email": "friends"}))
    back = record(db, audited(checklist, "2026-04-05T10:00:00+00:00"))
    assert [c.by_apply for c in again.since.changes + back.since.changes] == [False, False]
    assert not record_apply(db, [], "meta", [])  # no account in the cookies: nothing to record


def test_the_report_marks_a_change_by_auditor_apply(tmp_path, checklist):
    db = tmp_path / "history.sqlite"
    record(db, audited(checklist, "2026-01-05T10:00:00+00:00", **{"fb.lookup_by_email": "friends"}))
    record_apply(db, COOKIES, "https://127.0.0.1:2", [Applied("fb.lookup_by_email", "friends", "everyone")])
    run = audited(checklist, "2999-02-05T10:00:00+00:00")
    texts = render(run[1], since=record(db, run).since)
    html = texts["report.html"].split('<section id="since"', 1)[1].split("</section>", 1)[0]
    assert "by auditor apply" in html and "notice" not in html
    assert "Changed since your last audit (January 5, 2026)" in texts["report.md"]  # in the reader's format
    assert "By auditor apply." in texts["report.md"] and "Less private" not in texts["report.md"]


def test_an_undo_is_named_as_the_undo_in_the_report_and_the_timeline(tmp_path, checklist):
    db = tmp_path / "history.sqlite"
    record(db, audited(checklist, "2026-01-05T10:00:00+00:00"))
    record_apply(
        db, COOKIES, "https://127.0.0.1:2", [Applied("fb.lookup_by_email", "everyone", "friends", "2026-01-06")]
    )
    applied = record(db, audited(checklist, "2026-01-07T10:00:00+00:00", **{"fb.lookup_by_email": "friends"}))
    undo = [Applied("fb.lookup_by_email", "friends", "everyone", "2026-01-08T10:00:00+00:00")]
    record_apply(db, COOKIES, "https://127.0.0.1:2", undo, kind="undo")
    undone = record(db, audited(checklist, "2026-01-09T10:00:00+00:00"))
    assert [(c.by, c.alarming) for c in applied.since.changes] == [("apply", False)]
    assert [(c.by, c.alarming, c.less_private) for c in undone.since.changes] == [("undo", False, True)]
    html = render(audited(checklist, "2026-01-09T10:00:00+00:00")[1], since=undone.since)
    assert "by auditor undo" in html["report.html"] and "by auditor apply" not in html["report.html"]
    lines = timeline(db)
    assert "    People with your email address: Everyone -> Friends (by auditor apply)" in lines
    assert "    People with your email address: Friends -> Everyone (by auditor undo)" in lines
    assert not any("fb.lookup_by_email" in line or "everyone" in line for line in lines)  # no id, no code


def test_a_history_of_the_first_schema_is_migrated_and_its_changes_were_applies(tmp_path, checklist):
    db = tmp_path / "history.sqlite"
    with sqlite3.connect(db) as old:
        for statement in MIGRATIONS[0]:
            old.execute(statement)
        old.execute("PRAGMA user_version = 1")
        old.execute("INSERT INTO account (pseudonym) VALUES ('abc')")
        old.execute("INSERT INTO applied (account, setting, before, after, time) VALUES (1, 's', '1', '2', 't')")
    record(db, audited(checklist, "2026-01-05T10:00:00+00:00"))
    with sqlite3.connect(db) as check:
        assert check.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,) and SCHEMA_VERSION == 2
        assert check.execute("SELECT setting, kind FROM applied").fetchall() == [("s", "apply")]


def test_each_demo_replica_is_an_account_of_its_own(tmp_path, checklist):
    """Every `auditor demo` starts a fresh replica: a demo after `demo --apply` is a first audit, not an alarm."""
    db = tmp_path / "history.sqlite"

    def on(site: str, started: str, **values):
        observations, findings = audited(checklist, started, **values)
        account = Account(site=site, pseudonym="-", ids={}, key="-")
        observations.run.account = findings.run.account = account
        return observations, findings

    record(db, on("demo replica a1", "2026-01-05T10:00:00+00:00"))
    record_apply(
        db, COOKIES, "demo replica a1", [Applied("fb.lookup_by_email", "everyone", "friends", "2026-01-05T11")]
    )
    after = record(db, on("demo replica a1", "2026-01-05T12:00:00+00:00", **{"fb.lookup_by_email": "friends"}))
    assert [(c.by, c.alarming) for c in after.since.changes] == [("apply", False)]
    next_demo = record(db, on("demo replica b2", "2026-01-06T10:00:00+00:00"))  # seeded afresh
    assert next_demo.since is None  # its account's first audit: nothing to compare, nothing to alarm
    same_replica = record(db, on("demo replica a1", "2026-01-06T11:00:00+00:00"))  # the counterpart
    assert [(c.setting, c.alarming) for c in same_replica.since.changes] == [("fb.lookup_by_email", True)]
    with sqlite3.connect(db) as check:
        assert check.execute("SELECT count(*) FROM account").fetchone() == (2,)


def test_runs_of_other_accounts_and_of_meta_are_kept_apart(tmp_path, checklist):
    db = tmp_path / "history.sqlite"
    record(db, audited(checklist, "2026-01-05T10:00:00+00:00"))
    other = record(
        db,
        audited(checklist, "2026-02-05T10:00:00+00:00", account="us"),
        cookies=[{"name": "c_user", "domain": ".facebook.com", "value": "42"}],
        names=("bob",),
    )
    assert other.since is None
    # Facebook's id alone, or the name alone, finds the account of both ids.
    again = record(db, audited(checklist, "2026-03-05T10:00:00+00:00"), cookies=COOKIES[:1], names=())
    assert again.since is not None and again.since.previous.startswith("2026-01-05")


def test_the_timeline_and_its_filters(tmp_path, checklist, capsys, zone):
    zone("Europe/Berlin")  # times in the person's zone
    db = tmp_path / "history.sqlite"
    record(db, audited(checklist, "2026-01-05T10:00:00+00:00"))
    record(db, audited(checklist, "2026-02-05T10:00:00+00:00", **{"fb.lookup_by_email": "friends"}))
    record(
        db,
        audited(checklist, "2026-02-05T10:00:00+00:00", account="us"),
        cookies=[{"name": "c_user", "domain": ".facebook.com", "value": "42"}],
        names=("bob",),
    )
    assert main(["history", "--history", str(db), "--account", "alice"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 4 and lines[0].startswith("account ")
    said = lines[1].replace("\u202f", " ")  # CLDR puts a narrow no-break space before AM
    assert said.startswith("  January 5, 2026, 11:00 AM CET  Facebook, Instagram  ") and "to change" in said
    assert "could not be read" in said and "T10:00" not in said
    assert lines[3] == "    People with your email address: Everyone -> Friends"
    shown = lines[0].split()[1]
    assert main(["history", "--history", str(db), "--account", shown[:6], "--since", "2026-02-01"]) == 0
    assert capsys.readouterr().out.splitlines()[1:] == lines[2:]
    assert main(["history", "--history", str(db)]) == 0
    assert capsys.readouterr().out.count("account ") == 2


@pytest.mark.parametrize(
    "args, needle",
    [
        (["--since", "5 Feb"], "is not a date"),
        (["--account", "nobody"], "--account: no account 'nobody'"),
        (["--export", "/proc/history.csv"], "--export:"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path, checklist, capsys, args, needle):
    db = tmp_path / "history.sqlite"
    record(db, audited(checklist, "2026-01-05T10:00:00+00:00"))
    assert main(["history", "--history", str(db), *args]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("auditor: error:") and needle in err, err
    assert main(["history", "--history", str(tmp_path / "none.sqlite")]) == 2
    assert not (tmp_path / "none.sqlite").exists()


def test_the_csv_export_has_pseudonyms_and_no_formulas(tmp_path, checklist, capsys):
    db = tmp_path / "history.sqlite"
    record(db, audited(checklist, "2026-01-05T10:00:00+00:00", **{"fb.lookup_by_email": "=HYPERLINK(1)"}))
    assert main(["history", "--history", str(db), "--export", str(tmp_path / "h.csv")]) == 0
    rows = list(csv.DictReader(io.StringIO((tmp_path / "h.csv").read_text())))
    settings = {r["id"]: r for r in rows if r["kind"] == "setting"}
    assert settings["fb.lookup_by_email"]["value"] == "'=HYPERLINK(1)"
    assert settings["fb.future_posts_audience"]["value"] == "public"
    assert {r["account"] for r in rows} == {capsys.readouterr().out and rows[0]["account"]} and len(
        rows[0]["account"]
    ) == 12
    assert any(r["kind"] == "finding" and r["status"] == "fail" for r in rows)


def test_the_json_export_has_the_csv_rows_with_json_values_and_its_published_schema(tmp_path, checklist):
    db = tmp_path / "history.sqlite"
    record(db, audited(checklist, "2026-01-05T10:00:00+00:00", **{"fb.lookup_by_email": "=HYPERLINK(1)"}))
    record(db, audited(checklist, "2026-02-05T10:00:00+00:00"))
    assert main(["history", "--history", str(db), "--export", str(tmp_path / "h.csv")]) == 0
    assert main(["history", "--history", str(db), "--export", str(tmp_path / "h.json"), "--since", "2026-02-01"]) == 0
    assert validate(tmp_path / "h.json") == "history"
    exported = json.loads((tmp_path / "h.json").read_text())
    rows = list(csv.DictReader(io.StringIO((tmp_path / "h.csv").read_text())))
    february = [r for r in rows if r["started"].startswith("2026-02")]
    assert [(r["kind"], r["id"], r["status"]) for r in exported["rows"]] == [
        (r["kind"], r["id"], r["status"]) for r in february
    ]
    values = {r["id"]: r["value"] for r in exported["rows"] if r["kind"] == "setting"}
    assert values["fb.future_posts_audience"] == "public"
    counted = {s: v for s, v in values.items() if isinstance(v, int)}  # a count stays a number, as it was read
    assert counted and all(str(v) == next(r["value"] for r in february if r["id"] == s) for s, v in counted.items())


@pytest.mark.parametrize(
    "value, cell",
    [
        ("\t=cmd|' /C calc'!A0", "'\t=cmd|' /C calc'!A0"),  # a tab first: some spreadsheets skip it
        ("\r=1+1", "'=1+1"),  # a carriage return is no text: dropped, and what follows neutralised
        ("friends\rpublic", "friendspublic"),
        ("-1", "'-1"),
    ],
)
def test_a_csv_cell_starting_with_a_tab_or_a_carriage_return_is_text_too(tmp_path, checklist, capsys, value, cell):
    db = tmp_path / "history.sqlite"
    record(db, audited(checklist, "2026-01-05T10:00:00+00:00", **{"fb.lookup_by_email": value}))
    assert main(["history", "--history", str(db), "--export", str(tmp_path / "h.csv")]) == 0
    raw = (tmp_path / "h.csv").read_bytes()
    assert b"\r" not in raw  # no carriage return, quoted or not, that would split a row in some readers
    rows = list(csv.DictReader(io.StringIO(raw.decode())))
    assert next(r for r in rows if r["id"] == "fb.lookup_by_email")["value"] == cell


def test_the_cohort_summary_counts_the_accounts_failing_now_and_at_their_previous_run(tmp_path, checklist):
    db, bob = tmp_path / "history.sqlite", [{"name": "c_user", "domain": ".facebook.com", "value": "42"}]
    record(db, audited(checklist, "2026-01-05T10:00:00+00:00", **{"fb.lookup_by_email": "friends"}))
    record(db, audited(checklist, "2026-01-05T10:00:00+00:00", account="us"), cookies=bob, names=("bob",))
    alice = record(db, audited(checklist, "2026-02-05T10:00:00+00:00"))
    bob_now = record(db, audited(checklist, "2026-02-05T10:00:00+00:00", account="us"), cookies=bob, names=("bob",))
    now = {"alice": audited(checklist, "2026-02-05T10:00:00+00:00")[1], "bob": audited(checklist, "x", account="us")[1]}
    before = {"alice": alice.since.previous_failing, "bob": bob_now.since.previous_failing}
    rows = {row.check: row for row in tally(checklist, now, before)}
    check = next(c.id for c in checklist.spec.checks if c.setting == "fb.lookup_by_email")
    assert (len(rows[check].failing), rows[check].failing_before) == (2, 1)
    assert all(row.failing_before is None for row in tally(checklist, now))
    html = write_summary(tmp_path, summary_of(checklist, tally(checklist, now, before))).read_text()
    assert "At the previous run</th>" in html


# ---------------------------------------------------------------------- privacy of the files
def test_the_database_holds_no_name_email_phone_or_account_id(tmp_path, checklist, replica_accounts):
    demo = replica_accounts["demo"]
    db = tmp_path / "data" / "auditor" / "history.sqlite"
    record(db, audited(checklist, "2026-01-05T10:00:00+00:00"), names=(demo.email, demo.name))
    data = db.read_bytes()
    for secret in (demo.name, demo.email, demo.phone, UID, IG_UID, "alex"):
        assert secret.encode() not in data and secret.lower().encode() not in data.lower(), secret
    key = db.with_name("history.sqlite.key")
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and stat.S_IMODE(db.stat().st_mode) == 0o600
    assert stat.S_IMODE(db.parent.stat().st_mode) == 0o700


# ---------------------------------------------------------------------- a database never damaged further
def test_a_damaged_file_is_left_as_it_is(tmp_path, checklist):
    for damage in (b"not a database at all" * 100, b"SQLite format 3\x00" + b"\xff" * 4000):
        db = tmp_path / "history.sqlite"
        db.write_bytes(damage)
        recording = record(db, audited(checklist, "2026-01-05T10:00:00+00:00"))
        assert "is damaged" in str(recording.error) and "left as it is" in str(recording.error)
        assert db.read_bytes() == damage and "\n" not in str(recording.error)


def test_a_newer_schema_is_left_as_it_is(tmp_path, checklist):
    db = tmp_path / "history.sqlite"
    record(db, audited(checklist, "2026-01-05T10:00:00+00:00"))
    with sqlite3.connect(db) as newer:
        newer.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    before = db.read_bytes()
    recording = record(db, audited(checklist, "2026-02-05T10:00:00+00:00"))
    assert "written by a newer auditor" in str(recording.error)
    assert db.read_bytes() == before


def test_a_database_another_run_holds_is_waited_for_then_named(tmp_path, checklist):
    db = tmp_path / "history.sqlite"
    record(db, audited(checklist, "2026-01-05T10:00:00+00:00"))
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        recording = record(db, audited(checklist, "2026-02-05T10:00:00+00:00"), busy_seconds=0.2)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert str(recording.error).startswith(f"the history {db} is in use by another auditor run")
    with sqlite3.connect(db) as check:
        assert check.execute("SELECT count(*) FROM run").fetchone() == (1,)


def test_ctrl_c_while_recording_leaves_no_half_run(tmp_path, checklist, monkeypatch):
    from auditor.history import record as recorder

    db = tmp_path / "history.sqlite"
    record(db, audited(checklist, "2026-01-05T10:00:00+00:00"))
    inserted = recorder._insert_run

    def interrupted(*args):
        inserted(*args)
        raise KeyboardInterrupt

    monkeypatch.setattr(recorder, "_insert_run", interrupted)
    with pytest.raises(KeyboardInterrupt):
        record(db, audited(checklist, "2026-02-05T10:00:00+00:00"))
    with sqlite3.connect(db) as check:
        counts = [check.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("run", "setting", "finding")]
    assert counts[0] == 1 and counts[1] > 0 and counts[2] > 0
    monkeypatch.undo()
    assert record(db, audited(checklist, "2026-03-05T10:00:00+00:00")).since.previous.startswith("2026-01-05")


# ---------------------------------------------------------------------- end to end, on the replica
# A class each: the test runner hands each class to a worker of its own, so these long runs go side by side.


@pytest.mark.long
class TestTwoAudits:
    def test_two_audits_show_exactly_the_change_made_in_between(self, replica, tmp_path, capsys):
        env, db = cli_env(tmp_path, replica.store.accounts["demo"]), tmp_path / "h" / "history.sqlite"
        audit = ["run", "facebook", "--flow", "facebook/posts", "--replica", replica.url, "--history", str(db)]
        replica.store.set("demo", "fb.future_posts_audience", "friends")
        first = run_auditor(*audit, "-o", tmp_path / "1", env=env)
        assert first.returncode == 0, first.stderr
        assert "since your last audit" not in (tmp_path / "1" / "report.html").read_text()
        replica.store.set("demo", "fb.future_posts_audience", "public")
        second = run_auditor(*audit, "--fail-on-change", "-o", tmp_path / "2", env=env)
        assert second.returncode == 3, second.stderr
        assert "Your future posts are public: Friends -> Public" in second.stderr
        assert "fb.future_posts_audience" not in second.stderr and "friends" not in second.stderr
        html = (tmp_path / "2" / "report.html").read_text()
        section = html.split('<section id="since"', 1)[1].split("</section>", 1)[0]
        assert f"Changed since your last audit ({first_started(tmp_path / '1')})" in section
        changed, newly_failing = section.split("<li")[1:]
        assert changed.startswith(' class="notice">') and "Your future posts are public</strong>" in changed
        assert "fb.future_posts_audience" not in section  # a person reads the check's title, never the id
        assert "was Friends, now Public." in changed and "Meta or someone else may have" in changed
        assert "train its AI</strong>: passed at your last audit, fails now." in newly_failing  # the derived check
        md = (tmp_path / "2" / "report.md").read_text()
        assert "was Friends, now Public. **Less private.**" in md
        third = run_auditor(*audit, "--fail-on-change", "--name", "work", "-o", tmp_path / "3", env=env)
        assert third.returncode == 0, third.stderr
        assert "Nothing changed since your last audit" in (tmp_path / "3" / "report.html").read_text()
        assert main(["history", "--history", str(db), "--account", "work"]) == 0  # the name finds all three runs
        lines = capsys.readouterr().out.splitlines()
        changes = [line.strip() for line in lines if line.startswith("    ")]
        assert changes == [
            "Who can see your future posts?: Friends -> Public (less private)",
            "Some of your content is public, and Meta may use it to train its AI: "
            "passed at the audit before, fails now",
        ], lines
        assert replica.writes() == []


@pytest.mark.long
class TestADamagedHistory:
    def test_a_damaged_history_still_gets_the_audit_its_files_and_exit_1(self, replica, tmp_path):
        env, db = cli_env(tmp_path, replica.store.accounts["demo"]), tmp_path / "history.sqlite"
        db.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
        page = ("--flow", "facebook/posts")  # one page: what is read does not matter here, only what is kept
        done = run_auditor(
            "run", "facebook", *page, "--replica", replica.url, "--history", db, "-o", tmp_path / "out", env=env
        )
        assert done.returncode == 1, done.stderr
        errors = [line for line in done.stderr.splitlines() if line.startswith("auditor: error:")]
        assert len(errors) == 1 and "is damaged" in errors[0] and "Traceback" not in done.stderr
        assert {"observations.json", "findings.json", "report.html", "report.md"} <= {
            p.name for p in (tmp_path / "out").iterdir()
        }
        assert db.read_bytes() == b"SQLite format 3\x00" + b"\xff" * 4000
        # The same for an account of a cohort: its files are written, its row says why, the run exits 1.
        accounts = tmp_path / "accounts.yml"
        accounts.write_text(
            "accounts:\n  - {name: demo, platforms: [facebook],"
            " email_env: AUDITOR_EMAIL, password_env: AUDITOR_PASSWORD}\n"
        )
        cohort = run_auditor(
            "run",
            "--accounts",
            accounts,
            *page,
            "--replica",
            replica.url,
            "--history",
            db,
            "-o",
            tmp_path / "c",
            env=env,
        )
        assert cohort.returncode == 1, cohort.stderr
        row = json.loads((tmp_path / "c" / "summary.json").read_text())["accounts"][0]
        assert row["status"] == "incomplete" and row["reason"].startswith("not recorded in the history:")
        assert (tmp_path / "c" / "demo" / "report.html").exists()
        assert db.read_bytes() == b"SQLite format 3\x00" + b"\xff" * 4000


def first_started(folder: Path) -> str:
    """The first run's date as the report writes it (the demo's pages are en_US)."""
    return i18n.day(results.read(folder / "observations.json", results.Observations).run.started, "en", "en_US")


def summary_of(checklist, checks) -> Summary:
    source = results.Source(id=checklist.id, sha256=checklist.sha256)
    when = "2026-02-05T10:00:00+00:00"
    return Summary(
        tool_version="0.1.0",
        started=when,
        finished=when,
        target="meta",
        browser="",
        workers=1,
        checklist=source,
        accounts=[],
        checks=checks,
    )
