"""report: findings.json -> report.html, report.md and junit.xml, offline; one browser test reads the HTML.

Inputs are the golden findings of tests/test_evaluate.py (the contract between the two stages).
"""

from __future__ import annotations

import base64
import json
import re
import shutil
import struct
import xml.etree.ElementTree as ET
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest
import xmlschema
from playwright.sync_api import expect

from auditor import data, results
from auditor.cli import main
from auditor.report import render, write_report
from auditor.rerun import evaluate_and_report

GOLDEN = Path(__file__).parent / "golden" / "findings"
SCHEMA = xmlschema.XMLSchema(Path(__file__).parent / "junit-10.xsd")
SEVERITY = ("critical", "high", "medium", "low", "info")
HOSTILE_TITLE = "<script>alert('x')</script> \"quoted\" & 'single' <img src=x onerror=alert(1)>"
RTL = "\u05e9\u05dc\u05d5\u05dd \u202eevil\u202c \u0645\u0631\u062d\u0628\u0627"
RTL_SHOWN = (
    "\u05e9\u05dc\u05d5\u05dd evil \u0645\u0631\u062d\u0628\u0627"  # right-to-left script stays, the override goes
)
# Every bidi control: embeddings and overrides, isolates, the marks and the Arabic letter mark.
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
LONG = "long" * 5000


def golden(case: str) -> results.Findings:
    return results.read(GOLDEN / f"{case}.json", results.Findings)


def png(width: int = 2, height: int = 2) -> bytes:
    """A real, tiny PNG (grey pixels)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    rows = b"".join(b"\x00" + b"\x80\x80\x80" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


class Outline(HTMLParser):
    """Headings (level, text, section id), start tags with their attributes, and text by element."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.headings: list[tuple[int, str, str | None]] = []
        self.tags: list[tuple[str, dict]] = []
        self.texts: list[tuple[str, dict, str]] = []
        self._open: list[tuple[str, dict]] = []
        self._section: list[str | None] = []
        self._heading: list[str] | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag in ("br", "img", "meta", "link", "input"):
            return
        self._open.append((tag, attrs))
        if tag in ("section", "footer", "header"):
            self._section.append(attrs.get("id", tag))
        if re.fullmatch(r"h[1-6]", tag):
            self._heading = []

    def handle_endtag(self, tag):
        if re.fullmatch(r"h[1-6]", tag) and self._heading is not None:
            self.headings.append(
                (int(tag[1]), "".join(self._heading).strip(), self._section[-1] if self._section else None)
            )
            self._heading = None
        if tag in ("section", "footer", "header") and self._section:
            self._section.pop()
        while self._open and self._open.pop()[0] != tag:
            pass

    def handle_data(self, text):
        if self._heading is not None:
            self._heading.append(text)
        if self._open and text.strip():
            self.texts.append((*self._open[-1], text))

    def in_section(self, section: str, level: int) -> list[str]:
        return [text for lvl, text, sec in self.headings if sec == section and lvl == level]


@pytest.fixture
def eu_report(tmp_path, capsys):
    """The EU golden findings in their own folder with the screenshot they name; the report in another."""
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    shutil.copy(GOLDEN / "eu.json", run_dir / "findings.json")
    (run_dir / "evidence").mkdir()
    (run_dir / "evidence" / "facebook-posts.png").write_bytes(png())
    out = tmp_path / "report"
    code = main(["report", str(run_dir / "findings.json"), "-o", str(out)])
    assert (code, capsys.readouterr().out.strip()) == (0, str(out / "report.html"))
    return out


def test_report_writes_three_files_and_the_screenshots_it_shows(eu_report):
    assert sorted(p.name for p in eu_report.iterdir()) == ["evidence", "junit.xml", "report.html", "report.md"]
    assert (eu_report / "evidence" / "facebook-posts.png").read_bytes() == png()


def test_html_answers_three_questions_first_then_every_finding_by_platform_and_topic(eu_report):
    findings = golden("eu")
    html = (eu_report / "report.html").read_text(encoding="utf-8")
    outline = Outline(html)
    assert [h for lvl, h, _ in outline.headings if lvl == 1] == ["Your privacy settings report"]
    assert [h for lvl, h, _ in outline.headings if lvl == 2] == [
        "What matters most",
        "Can Meta train its AI on your posts?",
        "How exposed you are",
        "Your settings by platform and topic",
        "AI training: what you can and cannot control",
        "What auditor could not check",
        "Scores by topic",
        "Screenshots",
        "About this report",
    ]
    # Exposure per platform audited, each topic with its counts.
    assert outline.in_section("exposure", 3) == ["Facebook", "Instagram", "Accounts Center", "Meta"]
    exposure = html[html.index('id="exposure"') : html.index('id="findings"')]
    assert "1 of 1 to change" in exposure and "1 to check yourself" in exposure and "1 could not be read" in exposure
    assert "nothing read" not in exposure and "to check<" not in exposure
    # The most important changes, most severe first, each linked to its card.
    failed = [f for f in findings.findings if f.status == "fail"]
    top = html[html.index('id="top"') : html.index('id="ai-answer"')]
    linked = re.findall(r'<a href="#f-([a-z0-9-]+)" dir="auto">', top)
    assert linked == [f.check for f in sorted(failed, key=lambda f: SEVERITY.index(f.severity))][:5]
    assert linked[0] == "two-factor-on"  # critical, though sixth in the checklist
    assert all(f'id="f-{check}"' in html for check in linked)
    # Groups: the one with the most severe change first, and only it open; in it, what is to change open.
    groups = outline.in_section("findings", 3)
    assert groups[0] == "Accounts Center · Account security"
    opened = re.findall(r'<details class="group"( open)?>\n<summary><h3>([^<]+)</h3>', html)
    assert [name for state, name in opened if state] == [groups[0]] and len(opened) == len(groups)
    assert sorted(groups) == sorted({f"{p} · {c}" for p, c in re.findall(r"(\w[\w ]*) · ([^<]+)</h3>", html)})
    assert sorted(outline.in_section("findings", 4)) == sorted(f.title for f in findings.findings)
    cards = re.findall(r'<li class="card [^"]*" id="f-([a-z0-9-]+)" data-show="(\w+)">\n<details( open)?>', html)
    status = {f.check: f.status for f in findings.findings}
    assert {check: bool(opened) for check, _, opened in cards} == {c: s == "fail" for c, s in status.items()}
    assert {check: show for check, show, _ in cards} == {
        c: {"fail": "fail", "manual": "check", "unknown": "check", "pass": "fine"}.get(s, "none")
        for c, s in status.items()
    }


def test_each_change_says_why_and_where_to_click(eu_report):
    html = (eu_report / "report.html").read_text(encoding="utf-8")
    card = html[html.index('id="f-two-factor-on"') :]
    card = card[: card.index("</li>\n<li")]
    assert "A password alone is not enough." in card
    assert re.search(r'<ol class="steps">\s*<li dir="auto">Turn it on.</li>', card)
    assert '<a href="https://accountscenter.facebook.com/password_and_security/two_factor">' in card
    assert 'Now: <strong dir="auto">Off</strong>' in card


def test_html_links_its_screenshots_as_files_and_loads_them_lazily(eu_report):
    html = (eu_report / "report.html").read_text(encoding="utf-8")
    outline = Outline(html)
    assert not [t for t, a in outline.tags if t in ("link", "iframe", "object")]
    assert [a for t, a in outline.tags if t == "script"] == [{}]  # the filter's, inline
    images = [a for t, a in outline.tags if t == "img"]
    assert [(a["src"], a["loading"]) for a in images] == [("evidence/facebook-posts.png", "lazy")]
    assert (eu_report / images[0]["src"]).read_bytes() == png()  # beside the report, whatever folder it is in
    assert images[0]["alt"].startswith("Screenshot of the settings page")
    assert 'href="#shot-1"' in html and 'id="shot-1"' in html and '<a href="evidence/facebook-posts.png">' in html
    assert "data:" not in html and "url(" not in html and "@import" not in html
    assert ".card{" in html  # the CSS is inlined


def test_single_file_inlines_the_screenshots(tmp_path, capsys):
    run_dir = tmp_path / "run"
    (run_dir / "evidence").mkdir(parents=True)
    shutil.copy(GOLDEN / "eu.json", run_dir / "findings.json")
    (run_dir / "evidence" / "facebook-posts.png").write_bytes(png())
    out = tmp_path / "one"
    assert main(["report", str(run_dir / "findings.json"), "-o", str(out), "--single-file"]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["junit.xml", "report.html", "report.md"]
    images = [a for t, a in Outline((out / "report.html").read_text(encoding="utf-8")).tags if t == "img"]
    assert [a["src"] for a in images] == ["data:image/png;base64," + base64.b64encode(png()).decode()]


def test_only_screenshots_inside_the_findings_folder_are_embedded(tmp_path):
    (tmp_path / "secret.png").write_bytes(png())
    run_dir = tmp_path / "run"
    (run_dir / "evidence").mkdir(parents=True)
    (run_dir / "evidence" / "notes.txt").write_text("not an image")
    findings = golden("eu")
    hostile = [
        f.model_copy(update={"evidence": path})
        for f, path in zip(
            findings.findings,
            [
                "../secret.png",
                str(tmp_path / "secret.png"),
                "evidence/notes.txt",
                "evidence/missing.png",
                "evidence/\x00.png",
            ],
        )
    ]
    findings = findings.model_copy(update={"findings": hostile + findings.findings[5:]})
    html = write_report(findings, tmp_path / "out", evidence_root=run_dir).read_text(encoding="utf-8")
    assert "<img" not in html and "See the screenshot" not in html and "Screenshots</h2>" not in html
    assert not (tmp_path / "out" / "evidence").exists() and not (tmp_path / "out" / "secret.png").exists()


def test_provenance(tmp_path, zone):
    zone("UTC")
    findings = golden("eu")
    findings = findings.model_copy(
        update={
            "run": findings.run.model_copy(
                update={"writes_blocked": 3, "writes_sent": 1, "target": "http://127.0.0.1:8765"}
            )
        }
    )
    html = write_report(findings, tmp_path).read_text(encoding="utf-8")
    footer = html[html.index("<footer>") :]
    assert "requests sent: 1; requests not known to be reads, stopped by auditor's guard: 3" in footer
    assert "this audit only read your settings" in footer and "never changes" not in footer
    assert "auditor 0.1.0" in footer and "chromium 140.0 (test)" in footer
    assert "http://127.0.0.1:8765" in footer and "a stand-in for Meta" in footer
    assert f"sha256 {findings.checklist.sha256}" in footer and "version 1" in footer
    assert "Facebook · Posts (November 22, 2026)" in footer and "facebook/posts" not in footer
    said = footer.replace("\u202f", " ")  # CLDR puts a narrow no-break space before AM
    assert "started November 23, 2026, 10:00 AM UTC" in said and "T10:00" not in footer  # TZ=UTC in this test
    assert "the EU and EEA or the UK" in footer and "EU or UK" not in footer
    assert "Platforms</dt><dd>Facebook, Instagram" in footer


@pytest.mark.parametrize(
    "case, shown, hidden",
    [
        ("eu", ["In the EU, the EEA and the UK", "send Meta's objection form", "27 May 2025"], ["Everywhere else"]),
        (
            "us",
            ["Everywhere else", "Meta offers no form where you are", "16 December 2025", "South Korea"],
            ["In the EU, the EEA and the UK"],
        ),
        (
            "facebook_only",
            ["The pages did not show where your account is", "In the EU, the EEA and the UK", "Everywhere else"],
            [],
        ),
    ],
)
def test_ai_training_section_says_what_can_be_controlled_where(case, shown, hidden):
    html = render(golden(case))["report.html"]
    section = html[html.index('id="ai"') : html.index('id="unknown"')]
    assert all(text in section for text in shown)
    assert not any(text in section for text in hidden)


def test_what_could_not_be_checked_says_why_in_plain_words():
    html = render(golden("facebook_only"))["report.html"]
    section = html[html.index('id="unknown"') : html.index('id="scores"')]
    assert "Meta showed its login page (2)" in section
    assert "Log in again (auditor login), then run the audit again." in section
    assert "Does not apply to you" in section and "Instagram was not audited" in section
    assert "Your future posts are not public" in section  # the goal, not a claim that it failed


def test_markdown_report(eu_report):
    md = (eu_report / "report.md").read_text(encoding="utf-8")
    assert md.startswith("# Your privacy settings report\n")
    headings = re.findall(r"^(#{1,3}) (.+)$", md, re.M)
    assert headings[1] == ("##", "What to change")
    assert headings[2] == ("###", "1. Two-factor authentication is off")
    assert "Direct link: <https://accountscenter.facebook.com/password_and_security/two_factor>" in md
    assert "1. Turn it on." in md and "requests sent: 0" in md


@pytest.mark.parametrize("case", ["eu", "us", "facebook_only"])
def test_junit_validates_and_has_one_testcase_per_check(case, tmp_path):
    findings = golden(case)
    write_report(findings, tmp_path)
    SCHEMA.validate(str(tmp_path / "junit.xml"))
    suite = ET.parse(tmp_path / "junit.xml").getroot().find("testsuite")
    cases = suite.findall("testcase")
    assert len(cases) == len(findings.findings)
    expected = {
        "pass": [],
        "fail": ["failure"],
        "unknown": ["error"],
        "manual": ["skipped"],
        "not_applicable": ["skipped"],
    }
    for testcase, finding in zip(cases, findings.findings):
        assert testcase.get("name") == f"{finding.check}: {finding.title}"
        assert [child.tag for child in testcase] == expected[finding.status]
    count = {s: sum(f.status == s for f in findings.findings) for s in expected}
    assert (suite.get("failures"), suite.get("errors"), suite.get("skipped")) == (
        str(count["fail"]),
        str(count["unknown"]),
        str(count["manual"] + count["not_applicable"]),
    )


def test_junit_says_why_a_check_is_unknown(tmp_path):
    write_report(golden("eu"), tmp_path)
    error = ET.parse(tmp_path / "junit.xml").getroot().find(".//error")
    assert (error.get("type"), error.get("message")) == ("login_wall", "Meta showed its login page")
    assert error.text == "Meta showed its login page at /login/"


def hostile_findings() -> results.Findings:
    findings = golden("eu")
    first = findings.findings[0].model_copy(
        update={
            "title": HOSTILE_TITLE + "\n# Not a heading\x07",
            "why": LONG,
            "raw": RTL,
            "how": ["[click me](javascript:alert(1)) | cell", RTL],
            "url": "javascript:alert(1)",
            "detail": "\ud800 lone",
        }
    )
    unknown = next(f for f in findings.findings if f.status == "unknown").model_copy(update={"detail": HOSTILE_TITLE})
    rest = [f for f in findings.findings[1:] if f.status != "unknown"]
    run = findings.run.model_copy(update={"browser": '"><script>alert(2)</script>'})
    checklist = findings.checklist.model_copy(update={"title": "</title><script>alert(3)</script>"})
    return findings.model_copy(update={"findings": [first, unknown, *rest], "run": run, "checklist": checklist})


def test_hostile_text_is_escaped_in_html(tmp_path):
    html = write_report(hostile_findings(), tmp_path).read_text(encoding="utf-8")
    outline = Outline(html)
    assert [t for t, _ in outline.tags if t == "script"] == ["script"]  # the filter's only
    assert html.count("<script") == 1
    assert not [(t, k) for t, a in outline.tags for k in a if k.startswith("on")]
    assert not [a for t, a in outline.tags if "javascript" in (a.get("href") or "")]
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &#34;quoted&#34; &amp;" in html
    assert LONG in html and "overflow-wrap:anywhere" in html  # kept whole, and wrapped on a phone
    assert "\x07" not in html and "\ud800" not in html
    assert any(RTL_SHOWN in text and attrs.get("dir") == "auto" for _, attrs, text in outline.texts)


def bidi_in(text: str) -> list[str]:
    return [f"U+{ord(c):04X}" for c in text if c in BIDI]


def test_bidi_controls_in_a_hand_made_findings_file_reach_no_report(tmp_path, capsys):
    findings = json.loads((GOLDEN / "eu.json").read_text(encoding="utf-8"))
    failing = next(f for f in findings["findings"] if f["status"] == "fail")
    unknown = next(f for f in findings["findings"] if f["status"] == "unknown")
    failing.update(title=f"Posts \u202egnp.exe{BIDI}", raw=f"Pub\u202elic{BIDI}", value=f"pub\u202elic{BIDI}")
    unknown.update(detail=f"Meta \u202eshowed{BIDI} nothing", title=f"\u2067Unknown\u2069 {BIDI}")
    findings["run"]["browser"] = f"chromium \u202e140{BIDI}"
    path = tmp_path / "findings.json"
    path.write_text(json.dumps(findings, ensure_ascii=False), encoding="utf-8")
    assert bidi_in(path.read_text(encoding="utf-8"))  # the file does carry them

    assert main(["report", str(path), "-o", str(tmp_path / "out")]) == 0, capsys.readouterr().err
    for name in ("report.html", "report.md", "junit.xml"):
        text = (tmp_path / "out" / name).read_text(encoding="utf-8")
        assert bidi_in(text) == [], name
        assert "Posts gnp.exe" in text, name  # the text itself is kept, in the order it was written
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "Meta showed nothing" in html and "chromium 140" in html


def test_bidi_controls_reach_no_summary(tmp_path):
    from auditor.cohort.summary import AccountRow, CheckRow, Failure, Summary, write_summary

    summary = Summary(
        tool_version="0.1.0",
        started="2026-11-23T10:00:00+00:00",
        finished="2026-11-23T10:05:00+00:00",
        target="meta",
        browser=f"chromium \u202e140{BIDI}",
        workers=1,
        checklist=golden("eu").checklist.model_copy(update={"title": f"\u202eList{BIDI}"}),
        accounts=[
            AccountRow(
                name=f"ngo-\u202eone{BIDI}",
                position=1,
                platforms=["facebook"],
                status="incomplete",
                reason=f"stopped \u202ehere{BIDI}",
                counts={"fail": 1},
                top_failures=[Failure(check="c", title=f"Fix \u202ethis{BIDI}", severity="high")],
            )
        ],
        checks=[
            CheckRow(
                check="c",
                title=f"Fix \u202ethis{BIDI}",
                severity="high",
                category="audience",
                failing=[f"ngo-\u202eone{BIDI}"],
                passing=0,
                unknown=0,
            )
        ],
    )
    html = write_summary(tmp_path, summary).read_text(encoding="utf-8")
    assert bidi_in(html) == [] and bidi_in((tmp_path / "summary.json").read_text(encoding="utf-8")) == []
    assert "Fix this" in html and html.count("ngo-one") >= 3  # the row, its link, and the failing accounts joined


def test_bidi_controls_from_a_page_do_not_reach_observations_json(tmp_path):
    page_text = f"Only \u202eme{BIDI}"
    observation = results.Observation(
        setting="fb.x",
        platform="facebook",
        status="unknown",
        raw=page_text,
        options=[page_text],
        reason="not_found",
        detail=f'option "{page_text}" is not one the flow knows',
    )
    control = results.Control(
        role="radio", name=page_text, label=page_text, section=page_text, state=page_text, options=[page_text]
    )
    page = results.PageInventory(
        flow="facebook/posts",
        url="https://www.facebook.com/settings/?tab=posts",
        status="unknown",
        detail=f'the page is in "{page_text}"',
        controls=[control],
    )
    run = results.Run(
        tool_version="0.1.0", started="2026-11-23T10:00:00+00:00", platforms=["facebook"], browser=page_text
    )
    path = results.write(
        tmp_path / "observations.json", results.Observations(run=run, observations=[observation], pages=[page])
    )
    text = path.read_text(encoding="utf-8")
    assert bidi_in(text) == []
    assert text.count("Only me") == 10  # every field kept its text


def test_hostile_text_is_escaped_in_markdown(tmp_path):
    write_report(hostile_findings(), tmp_path)
    md = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "\\<script>alert('x')\\</script>" in md
    assert re.findall(r"(?<!\\)<(?!https://)", md) == []  # every other < is escaped: no HTML gets through
    assert not re.search(r"^# Not a heading", md, re.M)  # a newline in a title cannot start a heading
    assert "\\[click me\\](javascript:alert(1)) \\| cell" in md
    assert "javascript:alert(1)>" not in md  # not offered as a link


def test_hostile_text_stays_valid_junit(tmp_path):
    write_report(hostile_findings(), tmp_path)
    SCHEMA.validate(str(tmp_path / "junit.xml"))
    failure = ET.parse(tmp_path / "junit.xml").getroot().find(".//failure")
    assert (
        failure.get("message") == HOSTILE_TITLE + " # Not a heading"
    )  # XML reads a newline in an attribute as a space


def test_templates_can_be_overridden_one_at_a_time(tmp_path, capsys):
    custom = tmp_path / "templates"
    custom.mkdir()
    (custom / "report.css").write_text("body{color:#000}/* our own style */")
    (custom / "_words.j2").write_text(
        (data.templates_dir() / "_words.j2")
        .read_text()
        .replace('"What you see"', '"Was du siehst"')
        .replace('"Fine"', '"In Ordnung"')
    )
    shutil.copy(GOLDEN / "us.json", tmp_path / "findings.json")
    assert (
        main(["report", str(tmp_path / "findings.json"), "-o", str(tmp_path / "out"), "--template-dir", str(custom)])
        == 0
    )
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "/* our own style */" in html and ".card{" not in html
    assert "In Ordnung" in html
    assert "What matters most" in html  # the rest still comes from the built-in templates


def test_a_missing_template_dir_is_bad_input(tmp_path, capsys):
    shutil.copy(GOLDEN / "us.json", tmp_path / "findings.json")
    code = main(
        [
            "report",
            str(tmp_path / "findings.json"),
            "-o",
            str(tmp_path / "out"),
            "--template-dir",
            str(tmp_path / "nope"),
        ]
    )
    assert code == 2 and "--template-dir: no such folder" in capsys.readouterr().err
    assert not (tmp_path / "out" / "report.html").exists()


def test_run_writes_findings_and_all_three_report_files(tmp_path):
    observations = results.Observations(
        run=results.Run(tool_version="0.1.0", started="2026-11-23T10:00:00+00:00", platforms=["facebook"]),
        observations=[
            results.Observation(
                setting="fb.future_posts_audience", platform="facebook", status="observed", value="public"
            )
        ],
    )
    report = evaluate_and_report(observations, tmp_path, "at-risk")
    assert report == tmp_path / "report.html"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["findings.json", "junit.xml", "report.html", "report.md"]
    assert "Your future posts are public, or shared with a custom audience" in report.read_text(encoding="utf-8")


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_report_colours_meet_wcag_aa_contrast_on_white():
    css = (data.templates_dir() / "report.css").read_text(encoding="utf-8")
    colours = dict(re.findall(r"--([a-z-]+):(#[0-9a-f]{6})", css))
    assert len(colours) >= 10
    for name, colour in colours.items():
        if name == "line" or name == "bg-soft":  # borders and backgrounds, not text
            continue
        ratio = (1.05) / (_luminance(colour) + 0.05)  # text on white, or white text on this colour
        assert ratio >= 4.5, (name, colour, round(ratio, 2))


@pytest.mark.browser
def test_report_in_a_browser(page, eu_report, request):
    """Landmarks, heading levels and the first thing to change, as a screen reader and a phone see them."""
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto((eu_report / "report.html").as_uri())
    for landmark in ("banner", "main", "contentinfo"):
        assert page.get_by_role(landmark).count() == 1
    assert page.get_by_role("heading", level=1).all_inner_texts() == ["Your privacy settings report"]
    main_region = page.get_by_role("main")
    assert main_region.get_by_role("heading", level=2).first.inner_text() == "What matters most"
    top = page.get_by_role("region", name="What matters most")
    assert top.get_by_role("link").first.inner_text() == "Two-factor authentication is off"
    findings = page.get_by_role("region", name="Your settings by platform and topic")
    assert findings.get_by_role("heading", level=4).first.inner_text() == "Two-factor authentication is off"
    assert (
        findings.get_by_role(
            "link", name="https://accountscenter.facebook.com/password_and_security/two_factor"
        ).count()
        == 1
    )
    assert page.get_by_role("contentinfo").get_by_role("heading", level=2).inner_text() == "About this report"
    # The screenshot is a file, loaded once shown: a link to it opens its closed section.
    screenshot = page.get_by_role("img", name=re.compile("^Screenshot of the settings page"))
    assert screenshot.count() == 0  # closed at first: a phone loads no picture it does not show
    page.goto((eu_report / "report.html").as_uri() + "#shot-1")
    page.wait_for_function(
        "() => { const i = document.querySelector('#shot-1 img'); return i.complete && i.naturalWidth > 0; }"
    )
    assert screenshot.count() == 1
    # Readable on a phone: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    shot = request.config.rootpath / "test-results" / "report" / "report-phone.png"
    shot.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    skip = page.get_by_role("link", name="Skip to the report")
    assert skip.count() == 1  # there for a keyboard on screen...
    page.emulate_media(media="print")
    expect(skip).to_be_hidden()  # ...and not on paper


def modes(root: Path) -> dict[str, str]:
    """Each path under root (and root), as its permission bits in octal."""
    return {p.relative_to(root.parent).as_posix(): oct(p.stat().st_mode & 0o777) for p in [root, *root.rglob("*")]}


def test_a_report_folder_and_its_files_are_the_persons_only(tmp_path):
    """They hold a person's settings and screenshots: folders 0700, files 0600, as the sessions and the history."""
    assert main(["report", str(GOLDEN / "eu.json"), "-o", str(tmp_path / "reports" / "me")]) == 0
    assert main(["evaluate", str(Path(__file__).parent / "bad_input" / "good-observations.json"),
                 "-o", str(tmp_path / "reports" / "again" / "findings.json")]) == 0  # fmt: skip
    found = modes(tmp_path / "reports")
    assert {m for p, m in found.items() if (tmp_path / p).is_dir()} == {"0o700"}, found
    assert {m for p, m in found.items() if (tmp_path / p).is_file()} == {"0o600"}, found
    assert {"reports/me/report.html", "reports/me/junit.xml", "reports/again/findings.json"} <= set(found)
