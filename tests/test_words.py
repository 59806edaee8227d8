"""Words, not codes, and German throughout: every output a person reads, of a synthetic run that shows every
kind of value (each option of every setting the flows read, switches read as ARIA states, counts, what a
page offers, the derived exposure, every region, changes since the last audit, an apply and its undo).

report.html, report.md, the cohort summary, apply's words in the terminal, `auditor history` and the
--fail-on-change line are read as a person reads them (tests/human_text.py): no snake_case value, setting
id, region code, request name, ISO time or ARIA state, in English and in German; and in German no English
sentence. The demo's own outputs get the same reading in tests/test_demo.py.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pytest
from human_text import codes, english, readable

from auditor import data, i18n, spec, texts
from auditor.apply import plan as plans
from auditor.apply import record
from auditor.apply.marks import made_by
from auditor.apply.schema import load_changes
from auditor.apply.words import Words
from auditor.checklist import load_checklist
from auditor.cli.exits import moved
from auditor.cohort.summary import AccountRow, Failure, Summary, tally, write_summary
from auditor.evaluate import evaluate
from auditor.history.compare import Change, Since
from auditor.history.record import Recording
from auditor.history.timeline import timeline
from auditor.reads import SettingRead
from auditor.report import render
from auditor.results import Observation, Observations, Run, Source

STARTED = "2026-11-23T10:00:00+00:00"
COOKIES = [{"name": "c_user", "domain": ".facebook.com", "value": "100000000000001"}]
# Where the account is, as the Privacy Centre tells it: the objection form offered (EU, UK), not (US, OTHER),
# or not read (the pages did not tell).
REGION_SEEN = ("offered", "not_offered", None)
STOPPED = (
    "the facebook session is not logged in any more (expired or logged out) at facebook/posts: log in again with "
    "`auditor login facebook`, then run again; the settings read before that are in the results"
)


def options(setting: SettingRead) -> list:
    """Every value a setting can show: its options, on and off, counts, present and absent."""
    if setting.read in ("switch", "status") and not setting.values:
        return ["on", "off"]
    if setting.read == "list":
        return [0, 1, 4]
    if setting.values:
        return list(setting.values)
    return [setting.present, getattr(setting, "absent", None) or "not_offered"]  # absent: a presence only


def page_text(setting: SettingRead, value, locale: str, vocabulary) -> str | None:
    """What the page showed for `value`: a switch's ARIA state (as older readers wrote it), else its text."""
    if setting.read == "switch":
        return {"on": "checked", "off": "not checked"}[value]
    if isinstance(value, int):
        return f"{value} item(s)"
    localized = setting.values.get(value) if isinstance(setting.values, dict) else vocabulary.values.get(value)
    return localized.get(locale) if localized is not None else None


@lru_cache
def flows_and_vocabulary():
    return spec.load_flows(), spec.load_vocabulary()


@lru_cache
def default():
    return load_checklist("default")


@lru_cache
def synthetic(n: int, locale: str = "en_US") -> Observations:
    """Run `n` of the synthetic audit: each setting shows its n-th value; the region as REGION_SEEN[n % 3]."""
    flows, vocabulary = flows_and_vocabulary()
    seen = []
    for flow in flows:
        for setting in flow.spec.settings:
            choices = options(setting)
            value = choices[n % len(choices)]
            common = dict(setting=setting.id, platform=setting.platform or flow.spec.platform, flow=flow.id)
            if setting.id.startswith("meta.genai_object"):
                region = REGION_SEEN[n % 3]
                if region is None:
                    seen.append(Observation(**common, status="unknown", reason="timeout", detail=texts.UNSURE[2:]))
                    continue
                value = region
            if n == 1 and setting.id == "ig.private_account":  # the derived exposure cannot tell: "could not read"
                detail = "not read: the run's time limit (--timeout) passed first"
                seen.append(Observation(**common, status="unknown", reason="timeout", detail=detail))
                continue
            raw = page_text(setting, value, locale, vocabulary) if n % 2 == 0 else None
            seen.append(Observation(**common, status="observed", value=value, raw=raw))
    flows_used = [Source(id=f.id, sha256=f.sha256, checked_on=str(f.spec.checked_on)) for f in flows]
    run = Run(
        tool_version="0.1.0",
        started=STARTED,
        finished=STARTED,
        platforms=["facebook", "instagram"],
        browser="chromium 156 (test)",
        locale=locale,
        flows=flows_used,
    )
    return Observations(run=run, observations=seen)


def since_every_change(findings) -> Since:
    """Changes of every kind since a last audit: values moved, settings new and gone, by auditor or not."""
    changes = []
    for n, x in enumerate(f for f in findings.findings if f.status in ("pass", "fail")):
        others = [v for v in x.recommended if v != x.value] or [x.value]
        kind = ("changed", "new", "gone")[n % 3]
        by = (None, "apply", "undo")[n % 3 if kind == "changed" else 0]
        before, after = (others[0], x.value) if kind == "changed" else (x.value, x.value)
        title = x.title if n % 2 else ""  # without a check's title: the setting's label on the page
        changes.append(Change(x.setting, kind, before, after, less_private=x.status == "fail", by=by, title=title))
    failing = [(x.check, x.title) for x in findings.findings if x.status == "fail"][:3]
    return Since(STARTED, changes, failing)


@pytest.fixture(scope="module")
def applied_and_plan():
    findings = evaluate(synthetic(0), default())
    plan = plans.from_findings(findings, load_changes(flows_and_vocabulary()[0]))
    done = [
        p.record(
            "verified",
            before=p.expected,
            after=p.wanted,
            time=STARTED,
            writes=["POST FXAccountsCenterToggleMutation"],
        )
        for p in plan.changes
    ]
    applied = record.Applied(
        tool_version="t", started=STARTED, platforms=["facebook", "instagram"], source="f", changes=done
    )
    return findings, plan, applied


def rendered(n: int, lang: str, locale: str, made) -> dict[str, str]:
    """report.html and report.md of synthetic run `n` in `lang`, with every kind of change since the last audit."""
    findings = evaluate(synthetic(n, locale), default())
    return render(findings, lang=lang, since=since_every_change(findings), made=made if n == 0 else None)


@pytest.mark.parametrize("lang, locale", [("en", "en_US"), ("en", "en_GB"), ("de", "en_US"), ("de", "de_DE")])
@pytest.mark.parametrize("n", range(4))
def test_every_value_of_every_kind_is_shown_in_words(n, lang, locale, applied_and_plan):
    shown = rendered(n, lang, locale, made_by(applied_and_plan[2]))
    html, md = readable(shown["report.html"]), shown["report.md"]
    assert codes(html) == [] and codes(md) == []
    on, off = ("On", "Off") if lang == "en" else ("An", "Aus")
    assert re.search(rf"(Now|What auditor saw|Jetzt|Was auditor gesehen hat):\s+({on}|{off})\s*\.", html)  # a switch
    if lang == "de":
        assert english(readable(shown["report.html"], without=("sources",))) == [] and english(md) == []


@pytest.mark.parametrize("lang", ["en", "de"])
def test_apply_says_every_value_in_words(lang, applied_and_plan):
    findings, plan, applied = applied_and_plan
    words = Words(plan, flows_and_vocabulary()[1], findings, lang)
    said = [
        words.described(),
        words.question(1, len(plan.changes), plan.changes[0]),
        words.progress(1, len(plan.changes), plan.changes[0], applied.changes[0]),
        words.summary(applied, Path("applied/apply.json"), Path("applied/report.html")),
    ]
    for text in said:
        assert codes(text) == [], text
    if lang == "de":
        assert english("\n".join(said)) == []


def test_history_and_fail_on_change_say_every_value_in_words(tmp_path, capsys, zone):
    zone("Europe/Berlin")
    db = tmp_path / "history.sqlite"
    checklist = default()
    recorded = None
    for n in range(3):
        seen = synthetic(n)
        observations = seen.model_copy(
            update={"run": seen.run.model_copy(update={"started": f"2026-11-2{n + 3}T10:00:00+00:00"})}
        )
        recorded = Recording(db, names=("alice",))
        recorded.record(observations, evaluate(observations, checklist), COOKIES, say=lambda line: None)
    lines = timeline(db)
    assert len(lines) > 20 and codes("\n".join(lines)) == []
    runs = [line.replace("\u202f", " ") for line in lines if line.startswith("  ") and not line.startswith("    ")]
    assert runs[2].startswith("  November 25, 2026, 11:00 AM CET  Facebook, Instagram  ")  # in the person's zone
    with pytest.raises(Exception):  # typer's Exit: the exit code is the CLI's business
        moved(recorded.since)
    said = capsys.readouterr().err
    assert said.startswith("auditor: changed since the last run (November 24, 2026): ") and codes(said) == []


@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_summary_says_everything_in_words(tmp_path, lang):
    checklist = default()
    found = {name: evaluate(synthetic(n), checklist) for n, name in enumerate(("one", "two"))}
    rows = [
        AccountRow(
            name=name,
            position=place,
            platforms=["facebook", "instagram"],
            status="incomplete" if name == "two" else "complete",
            reason=STOPPED if name == "two" else "",
            counts={s: sum(x.status == s for x in f.findings) for s in ("fail", "pass", "unknown")},
            top_failures=[Failure(check=x.check, title=x.title, severity=x.severity) for x in f.findings[:3]],
        )
        for place, (name, f) in enumerate(found.items(), start=1)
    ]
    summary = Summary(
        tool_version="0.1.0",
        started=STARTED,
        finished=STARTED,
        target="meta",
        browser="chromium (test)",
        workers=2,
        checklist=found["one"].checklist,
        accounts=rows,
        checks=tally(checklist, found),
    )
    html = write_summary(tmp_path, summary, lang).read_text(encoding="utf-8")
    text = readable(html)
    assert codes(text) == [] and not re.search(r'<p [^>]*lang="en"', html)  # every reason in its words
    if lang == "de":
        assert english(text) == [] and "Privatsphäre- und KI-Training-Einstellungen" in text
        assert "die Facebook-Sitzung ist nicht mehr angemeldet" in text


def test_a_note_no_catalog_translates_stays_english_and_says_so():
    """A reader's own diagnosis (Playwright's words, say) has no German: shown in English, marked lang="en"."""
    findings = evaluate(synthetic(0), default())
    odd = "the page's controls could not be listed: Target page, context or browser has been closed"
    first = findings.findings[0].model_copy(update={"status": "unknown", "reason": "error", "detail": odd})
    findings = findings.model_copy(update={"findings": [first, *findings.findings[1:]]})
    html = render(findings, lang="de")["report.html"]
    escaped = odd.replace("'", "&#39;")
    assert f'<p class="detail" dir="auto" lang="en">{escaped}</p>' in html
    assert texts.note(odd, "de") is None


# ---------------------------------------------------------------------- German throughout
def test_the_german_changed_since_section(applied_and_plan):
    """ "war Freunde, jetzt Öffentlich", each setting by its title or its label, in German, never by a code."""
    findings = evaluate(synthetic(0, "de_DE"), default())
    changes = [
        Change("fb.friend_requests", "changed", "friends_of_friends", "everyone", less_private=True),
        Change("ac.ads_about_meta", "changed", "dont_use", "use", title="Werbung über Meta"),
        Change("ac.search_history_ig", "changed", "3_days", "1_year", by="apply"),
        Change("ig.private_account", "changed", "off", "on", by="undo"),
        Change("ac.where_logged_in", "new", None, 4),
        Change("fb.tag_review", "gone", True, None),
    ]
    since = Since("2026-11-01T10:00:00+00:00", changes, [("fb-future-posts-not-public", "Ihre Beiträge")])
    html = render(findings, lang="de", since=since)["report.html"]
    section = readable(html.split('<section id="since"', 1)[1].split("</section>", 1)[0])
    assert "Geändert seit Ihrer letzten Prüfung (1. November 2026)" in section
    assert "Wer kann dir Freundschaftsanfragen senden?\n:\nwar Freunde von Freunden, jetzt Alle." in section
    assert "Werbung über Meta\n:\nwar Meine Aktivitäten nicht verwenden, um mir Werbeanzeigen über Meta" in section
    assert "war 3 Tage, jetzt 1 Jahr.\ndurch auditor apply" in section
    assert "Privates Konto\n:\nwar Aus, jetzt An.\ndurch auditor undo" in section
    assert "neue Einstellung, jetzt 4 Sitzungen." in section and "nicht mehr auf der Seite (war An)." in section
    assert "weniger privat" in section
    assert (
        "Ihre künftigen Beiträge sind öffentlich\n: bei Ihrer letzten Prüfung in Ordnung, jetzt nicht mehr." in section
    )
    assert codes(section) == [] and english(section) == []


@pytest.mark.parametrize("name", ["default", "ai-training", "at-risk"])
def test_every_data_text_a_person_reads_has_german(name):
    """The flows' notes, the not-applicable list's, evaluate's own notes, the checklist's title: all in German."""
    notes = [s.missing_detail for f in flows_and_vocabulary()[0] for s in f.spec.settings if s.missing_detail]
    notes += [item.detail for item in spec.load_not_applicable()] + list(texts.fixed_notes("en"))
    notes += ["applies only in the EU and EEA and the UK; the pages did not show where you are"]
    notes += ["could not read fb.future_posts_audience, ig.private_account", "instagram was not audited"]
    german = {note: texts.note(note, "de") for note in notes}
    assert [note for note, said in german.items() if not said or said == note] == []
    assert all(codes(said) == [] and english(said) == [] for said in german.values()), german
    checklist = load_checklist(name).spec
    assert i18n.shipped_title(name, "de") == checklist.de.title != checklist.title


def test_no_literal_text_in_a_template_escapes_translation():
    """Every word a template writes is inside _() or ngettext() (junit.xml is for machines, English)."""
    for path in sorted(data.templates_dir().glob("*.j2")):
        if path.name == "junit.xml.j2":
            continue
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"(?s)\{#.*?#\}|<(script|style)\b.*?</\1>|\{\{.*?\}\}|\{%.*?%\}|<[^>]*>", " ", text)
        words = set(re.findall(r"[A-Za-z][A-Za-z0-9_-]*", text)) - {"sha256"}  # a hash's name
        assert words == set(), (path.name, words)
