"""The report in the reader's language: every message and every shipped check has German; plurals, dates, --lang."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import sample_reports
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from auditor import data, i18n
from auditor.checklist import load_checklist
from auditor.cli import main

SHIPPED = ("default", "ai-training", "at-risk")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
GOLDEN = Path(__file__).parent / "golden" / "findings"


def extracted() -> set[str | tuple[str, str]]:
    """Every message a person reads, as pybabel extracts it with auditor/locale/babel.cfg: the templates', the
    values' and notes' words in Python, and the notes in the flows' data files."""
    with (data.PACKAGE / "locale" / "babel.cfg").open(encoding="utf-8") as cfg:
        method_map, options = parse_mapping_cfg(cfg)
    found = extract_from_dir(data.PACKAGE.parent, method_map, options)
    return {message for _, _, message, _, _ in found}


def test_every_message_of_the_templates_has_german():
    with i18n.catalog_file("de").open("rb") as po:
        catalog = read_po(po, locale="de")
    messages = extracted()
    assert len(messages) > 250  # the extraction did read the templates, the Python and the flows
    assert (
        "On" in messages
        and "Facebook does not offer profile locking to this account (only in some countries)" in messages
    )
    missing = []
    for message in messages:
        entry = catalog.get(message if isinstance(message, str) else message[0])
        texts = [] if entry is None else [entry.string] if isinstance(entry.string, str) else list(entry.string)
        if entry is None or entry.fuzzy or not all(texts):
            missing.append(message)
            continue
        wanted = set(PLACEHOLDER.findall(message if isinstance(message, str) else message[1]))
        assert all(set(PLACEHOLDER.findall(text)) == wanted for text in texts), message
    assert missing == []


@pytest.mark.parametrize("name", SHIPPED)
def test_every_shipped_check_has_german(name):
    checklist = load_checklist(name).spec
    assert checklist.de is not None and checklist.de.title != checklist.title
    lacking = [
        check.id
        for check in checklist.checks
        if check.de is None
        or len(check.de.how) != len(check.how)
        or bool(check.de.recommended_text) != bool(check.recommended_text)
        or check.de.why == check.why
    ]
    assert lacking == []


@pytest.mark.parametrize(
    "locale, lang", [("de_DE", "de"), ("de-AT", "de"), ("en_GB", "en"), ("fr_FR", "en"), (None, "en")]
)
def test_the_report_speaks_the_language_of_the_pages(locale, lang):
    assert i18n.language_of(locale) == lang


@pytest.mark.parametrize(
    "lang, page, shown",
    [("de", "de_DE", "23. November 2026"), ("en", "en_GB", "23 November 2026"), ("en", "en_US", "November 23, 2026")],
)
def test_dates_are_in_the_readers_format(lang, page, shown):
    assert i18n.day("2026-11-23T10:00:00+00:00", lang, page) == shown
    assert i18n.day("not a date", lang, page) == "not a date"


def test_a_german_account_gets_a_german_report_with_real_plurals(tmp_path):
    html = sample_reports.report("de", tmp_path).read_text(encoding="utf-8")
    md = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert '<html lang="de">' in html and "geprüft am 23. November 2026" in html
    checklist = load_checklist("default").spec
    for check in checklist.checks:  # every check's words are the German ones
        assert check.title not in html and check.failure_title not in html, check.id
    assert "Wer kann deine zukünftigen Beiträge sehen?" in html
    assert "# Ihr Bericht zu Ihren Privatsphäre-Einstellungen" in md
    for text in (html, md):
        assert "item(s)" not in text and "(s)" not in text
    assert re.search(r"(Jetzt|Was auditor gesehen hat): <strong dir=\"auto\">\d+ (App|Apps|Kontakt|Kontakte)\b", html)
    junit = (tmp_path / "junit.xml").read_text(encoding="utf-8")
    assert "Your privacy" not in junit and checklist.checks[0].title in junit  # JUnit stays English for machines


def test_counts_have_their_real_plural(tmp_path):
    html = sample_reports.report("demo", tmp_path, lang="en").read_text(encoding="utf-8")
    counted = re.findall(r"(?:Now|What auditor saw): <strong dir=\"auto\">([^<]+)</strong>", html)
    assert counted and all("item" not in text for text in counted)
    assert re.search(r"\b1 (app|session|contact|topic|category|advertiser|person)\b", " ".join(counted)) or any(
        re.fullmatch(r"(0|[2-9]\d*) (apps|sessions|contacts|topics|categories|advertisers|people)", text)
        for text in counted
    )


@pytest.mark.parametrize("lang, heading", [("de", "Wie offen Sie sind"), ("en", "How exposed you are")])
def test_lang_chooses_the_reports_language(tmp_path, capsys, lang, heading):
    shutil.copy(GOLDEN / "eu.json", tmp_path / "findings.json")
    assert main(["report", str(tmp_path / "findings.json"), "-o", str(tmp_path / "out"), "--lang", lang]) == 0
    assert heading in (tmp_path / "out" / "report.html").read_text(encoding="utf-8")


def test_an_unknown_language_is_bad_input(tmp_path, capsys):
    shutil.copy(GOLDEN / "eu.json", tmp_path / "findings.json")
    assert main(["report", str(tmp_path / "findings.json"), "-o", str(tmp_path / "out"), "--lang", "fr"]) == 2
    assert "--lang" in capsys.readouterr().err and not (tmp_path / "out").exists()
