"""The shipped checklists: valid, true to the flows contract (flows/README.md), sourced, and what each promises.

Bad checklist YAML is bad input: one line `file:line: field: message`, exit 2, nothing overwritten.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
import yaml

from auditor import consistency, data, results
from auditor.checklist import load_checklist
from auditor.cli import main
from auditor.errors import InputError
from auditor.evaluate import DERIVED_VALUES

SHIPPED = ("default", "ai-training", "at-risk")
ROW = re.compile(r"^\| ((?:fb|ig|ac|meta)\.[^|]+?) \| [^|]+ \| ([^|]+?) \|$")
SETTING = re.compile(r"\b(?:fb|ig|ac|meta)\.[a-z_]+(?:\.[a-z_]+)*")


def contract() -> dict[str, set | str]:
    """Setting ids and canonical values from the table in flows/README.md (the binding contract), with
    the settings it lists as not read from a page and the derived ones, in consistency's terms."""
    text = (data.flows_dir() / "README.md").read_text(encoding="utf-8")
    known: dict[str, set | str] = {}
    for line in text.splitlines():
        match = ROW.match(line)
        if not match:
            continue
        names, values = match.groups()
        values = re.sub(r"\s*\(.*\)$", "", values.strip())
        canonical = consistency.COUNT if values.startswith("number of") else {v.strip() for v in values.split(",")}
        first = names.split(",")[0].strip()
        for name in (n.strip() for n in names.split(",")):
            known[first.rsplit(".", 1)[0] + name if name.startswith(".") else name] = canonical
    not_read = text[text.index("Not read from a page") :]
    for setting in SETTING.findall(not_read.split("\n\n")[0]):
        known.setdefault(setting, consistency.MANUAL_ONLY)
    known.update({s: set(v) for s, v in DERIVED_VALUES.items()})
    return known


@pytest.fixture(scope="module")
def checklists():
    return {name: load_checklist(name) for name in SHIPPED}


def checks_on(checklist, setting):
    return [c for c in checklist.spec.checks if c.setting == setting]


def test_the_contract_table_was_read():
    known = contract()
    assert len(known) > 60
    assert known["fb.lookup_by_phone"] == {"everyone", "friends_of_friends", "friends", "only_me", "no_one"}
    assert known["fb.profile_details_audience.birth_year"] == {"public", "friends", "only_me", "custom"}
    assert known["ac.where_logged_in"] == consistency.COUNT
    assert known["fb.active_status"] == consistency.MANUAL_ONLY


@pytest.mark.parametrize("name", SHIPPED)
def test_each_shipped_checklist_is_valid_and_keeps_to_the_contract(name):
    loaded = consistency.check_checklist(data.checklists_dir() / f"{name}.yml", contract())
    assert loaded.spec.id == name == loaded.id
    assert re.fullmatch(r"\d{4}\.\d{2}\.\d{2}", loaded.spec.version)


def test_flows_check_passes_on_everything_shipped():
    lines = consistency.check_all()
    assert [line.split()[2].rstrip(":") for line in lines[1:]] == sorted(SHIPPED)


def test_default_covers_every_setting_of_the_table(checklists):
    named = {c.setting for c in checklists["default"].spec.checks}
    table = {s for s, v in contract().items() if v != consistency.MANUAL_ONLY and s not in DERIVED_VALUES}
    assert sorted(table - named) == []
    assert "meta.public_content_exposure" in named


def test_default_asks_by_hand_what_no_page_shows(checklists):
    default = checklists["default"]
    manual = {c.setting for c in default.spec.checks if c.manual}
    assert {
        "fb.active_status",
        "meta.genai_object_facebook",
        "meta.genai_object_instagram",
        "meta.ai_chats_for_ads",
        "fb.camera_roll_cloud_processing",
    } <= manual
    objection = checks_on(default, "meta.genai_object_facebook")[0]
    assert objection.regions == ["EU", "UK"] and objection.url.startswith("https://www.facebook.com/help/contact/")


def test_ai_training_covers_everything_that_decides_ai_use(checklists):
    ai = checklists["ai-training"]
    named = {c.setting for c in ai.spec.checks}
    assert {
        "meta.genai_object_facebook",
        "meta.genai_object_instagram",
        "meta.genai_third_party_info_form",
        "meta.public_content_exposure",
        "fb.future_posts_audience",
        "ig.private_account",
        "ig.search_engine_indexing",
        "fb.search_engine_link",
        "meta.ai_chats_for_ads",
    } <= named
    regions = {(c.setting, tuple(c.regions or ())) for c in ai.spec.checks}
    assert ("meta.genai_object_facebook", ("EU", "UK")) in regions  # the form, where it is offered
    assert ("meta.genai_object_facebook", ("US", "OTHER")) in regions  # and saying plainly where it is not
    assert ("meta.ai_chats_for_ads", ("US", "OTHER")) in regions
    chats = checks_on(ai, "meta.ai_chats_for_ads")[0]
    assert "16 December 2025" in chats.why and "South Korea" in chats.why
    assert "27 May 2025" in checks_on(ai, "meta.genai_object_facebook")[0].why
    assert {c.category for c in ai.spec.checks} == {"ai"}


@pytest.mark.parametrize(
    "setting, values",
    [
        ("fb.friends_list_visibility", {"only_me"}),
        ("fb.friend_requests", {"friends_of_friends"}),
        ("fb.search_engine_link", {"off"}),
        ("fb.tag_review", {"on"}),
        ("fb.profile_review", {"on"}),
        ("fb.lookup_by_email", {"no_one", "only_me"}),
        ("fb.lookup_by_phone", {"no_one", "only_me"}),
        ("ig.private_account", {"on"}),
        ("ig.activity_status", {"off"}),
        ("ac.two_factor", {"on"}),
    ],
)
def test_at_risk_asks_for_the_strict_values(checklists, setting, values):
    (check,) = checks_on(checklists["at-risk"], setting)
    assert set(check.expect) == values
    assert check.severity in ("critical", "high")


def test_at_risk_is_never_looser_than_default(checklists):
    for check in checklists["at-risk"].spec.checks:
        for baseline in checks_on(checklists["default"], check.setting):
            if check.expect and baseline.expect:
                assert set(check.expect) <= set(baseline.expect), check.id
            assert check.manual == baseline.manual, check.id


def test_at_risk_asks_about_facebook_active_status_by_hand(checklists):
    (check,) = checks_on(checklists["at-risk"], "fb.active_status")
    assert check.manual


# Hosts the catalog read pages through, or that copy other sites' pages: never a source a person is sent to.
NOT_A_SOURCE = re.compile(
    r"(^|\.)(littleknownlies\.com|ioground\.com|yanaoki\.com|swap\.stanford\.edu|greekcryptocommunity\.com"
    r"|romanticpoetry\.info|masterscheme\.cn|promo-sale\.live|ru24\.pro|howtotechnoglitz\.com|archive\.org"
    r"|archive\.(ph|today|is)|sync-computers\.com|maplehorst\.com|shipfeed\.data\.shodan\.io)$"
)


@pytest.mark.parametrize("name", SHIPPED)
def test_every_cited_source_has_a_title_and_a_public_https_address(name, checklists):
    catalog = yaml.safe_load((data.checklists_dir() / "sources" / "catalog.yml").read_text(encoding="utf-8"))["sources"]
    cited = {s for c in checklists[name].spec.checks for s in c.sources}
    assert sorted(cited - set(catalog)) == []
    for key in sorted(cited):
        entry = catalog[key]
        assert set(entry) <= {"title", "url", "read_via", "class"} and entry["title"].strip(), key
        url = urlsplit(entry["url"])
        assert url.scheme == "https" and url.hostname and "." in url.hostname, (key, entry["url"])
        assert not re.fullmatch(r"[\d.]+", url.hostname), (key, "an IP address is not a public page")
        assert not NOT_A_SOURCE.search(url.hostname), (key, "a proxy, mirror or archive")
        # A proxy or a redirector carries the real address inside its own.
        assert not re.search(r"https?:/|/proxy/|/goto/", entry["url"][len("https://") :]), key


# How far each shipped source can be trusted, as a privacy NGO would cite it (checklists/sources/catalog.yml).
# Every source not named here is "other": kept as the provenance of a wording, never shown to a person.
TRUSTED = {
    "official": {
        "S-metahelp-ac", "S-fbhelp-adprefs", "S-fbhelp-lessperso", "S-fbhelp-1266", "S-familycenter",
        "S-cookiepolicy-2024", "S-genai-pc", "S-fblogin-2026-footer",
    },
    "regulator": {"S-dpc-2025"},
    "ngo": {"S-privint", "S-noyb-vznrw"},
    "press": {
        "S-fastco-2024", "S-tg24-2025", "S-newsmax-2025", "S-hansindia-2025", "S-xda-2022", "S-ilpost-2025",
        "S-rtl-2025", "S-pplware-2025", "S-slashgear", "S-gadgets360", "S-mediapost",
    },
}  # fmt: skip
META_HOSTS = re.compile(r"(^|\.)(facebook\.com|meta\.com|instagram\.com)$")
LOW_AUTHORITY = ("howtohack.in", "namegenerator.biz", "twicsy.com", "qainsta.com", "tinygrab.com", "clrn.org")


def test_every_shipped_source_is_classed_as_the_project_holds_it():
    from auditor import sources

    catalog = yaml.safe_load((data.checklists_dir() / "sources" / "catalog.yml").read_text(encoding="utf-8"))["sources"]
    held = {key: next((kind for kind, keys in TRUSTED.items() if key in keys), "other") for key in catalog}
    assert {key: entry.get("class") for key, entry in catalog.items()} == held
    assert all(entry["class"] in sources.CLASSES for entry in catalog.values())
    for key, entry in catalog.items():
        host = urlsplit(entry["url"]).hostname
        assert (entry["class"] == "official") == bool(META_HOSTS.search(host)), (key, "official means Meta's own page")
        if any(host == low or host.endswith("." + low) for low in LOW_AUTHORITY):
            assert entry["class"] == "other", key


def test_a_card_shows_trusted_sources_first_never_other_and_each_page_once():
    from auditor import sources
    from auditor.report import render

    checklist = {c.id: c for c in load_checklist("default").spec.checks}
    objection, form, lock = (
        checklist[c] for c in ("meta-ai-objection-facebook", "meta-ai-third-party-form", "fb-profile-locked")
    )
    shown = sources.shown(objection.sources, objection.url)
    assert [s.kind for s in shown] == ["official", "regulator", "ngo", "press"]  # the checklist's order within a class
    assert [s.key for s in shown] == ["S-genai-pc", "S-dpc-2025", "S-noyb-vznrw", "S-tg24-2025"]
    assert "S-fbhelp-1266" in form.sources and form.url == sources.catalog()["S-fbhelp-1266"].url
    assert all(s.url != form.url for s in sources.shown(form.sources, form.url))  # the card links it already
    assert [s.key for s in sources.shown(lock.sources)] == ["S-gadgets360"]  # howtohack.in and the like: never
    findings = _findings([objection, form, lock])
    html = render(findings)["report.html"].replace("&#39;", "'")
    for check in (objection, form, lock):
        card = html[html.index(f'id="f-{check.id}"') :]
        card = card[: card.index("</li>")]
        linked = re.findall(r'<a href="(https://[^"]+)"', card)
        assert len(linked) == len(set(linked)), (check.id, linked)  # no page twice
    for key in TRUSTED["official"] & set(objection.sources):
        entry = sources.catalog()[key]
        assert f'<span class="kind">Meta</span> <a href="{entry.url}">{entry.title}</a>' in html
    for key in (k for k in lock.sources + objection.sources if sources.catalog()[k].kind == "other"):
        assert sources.catalog()[key].url not in html, key
    assert not re.search(r"\bS-[a-z0-9]", html) and "catalog" not in html  # no keys, no notes


def _findings(checks) -> results.Findings:
    from auditor.results import Finding, Findings, Run, Score, Source

    found = [
        Finding(
            check=c.id, setting=c.setting, status="fail", severity=c.severity, category=c.category, platform="meta",
            title=c.failure_title, sources=c.sources, why=c.why, how=list(c.how), url=c.url,
        )
        for c in checks
    ]  # fmt: skip
    run = Run(tool_version="0.1.0", started="2026-11-23T10:00:00+00:00", platforms=["facebook"])
    score = Score(category="overall", passed=0, failed=len(found), unknown=0, score=0)
    return Findings(
        run=run, checklist=Source(id="default", sha256="0" * 64), evaluated=run.started, findings=found,
        scores=[score], overall=score,
    )  # fmt: skip


@pytest.mark.parametrize("name", SHIPPED)
def test_a_report_can_act_on_every_check(name, checklists):
    """Plain words a person can follow: a click path, a direct link where the page has one, short titles."""
    for check in checklists[name].spec.checks:
        assert check.how and all(len(step) < 200 for step in check.how), check.id
        assert len(check.title) <= 100 and len(check.failure_title) <= 110, check.id
        if not check.manual:
            assert check.recommended_text, check.id


# ---------------------------------------------------------------------- bad input
VALID = """\
id: mine
title: "My checklist"
version: "1"
description: "Test."
checks:
  - id: posts-not-public
    setting: fb.future_posts_audience
    expect: [friends]
    severity: high
    category: audience
    title: "Posts are not public"
    failure_title: "Posts are public"
    why: "Anyone can read them."
    how: ["Go to Settings > Posts."]
    url: https://www.facebook.com/settings/?tab=posts
    sources: [S-dummies]
"""
SEVERITIES = "Input should be 'critical', 'high', 'medium', 'low' or 'info'"


@pytest.mark.parametrize(
    "old, new, line, field, message",
    [
        ("severity: high", "severity: urgent", 9, "checks.0.severity", SEVERITIES),
        ('    title: "Posts are not public"\n', "", 6, "checks.0.title", "Field required"),
        (
            "    sources: [S-dummies]\n",
            "    sources: [S-dummies]\n    colour: red\n",
            17,
            "checks.0.colour",
            "Extra inputs are not permitted",
        ),
        (
            "url: https://www",
            "url: javascript:alert(1)//www",
            15,
            "checks.0.url",
            "give an https:// URL (no spaces or quotes)",
        ),
        (
            "url: https://www.facebook.com/settings/",
            "url: http://www.facebook.com/settings/",
            15,
            "checks.0.url",
            "give an https:// URL (no spaces or quotes)",
        ),
        (
            "expect: [friends]",
            "expect: [friends]\n    manual: true",
            6,
            "checks.0",
            "a check has exactly one of expect, at_most or manual: true",
        ),
        ("    expect: [friends]\n", "", 6, "checks.0", "a check has exactly one of expect, at_most or manual: true"),
        (
            'how: ["Go to Settings > Posts."]',
            "how: []",
            14,
            "checks.0.how",
            "List should have at least 1 item after validation, not 0",
        ),
        (
            "sources: [S-dummies]",
            "sources: [dummies.com]",
            16,
            "checks.0.sources",
            "dummies.com is not a source key (S-..., settings-catalog.md section 11)",
        ),
        (
            "sources: [S-dummies]",
            "sources: []",
            16,
            "checks.0.sources",
            "List should have at least 1 item after validation, not 0",
        ),
        (
            "id: posts-not-public",
            "id: Posts Not Public",
            6,
            "checks.0.id",
            "use lowercase words joined by hyphens, e.g. fb-future-posts-not-public",
        ),
        ("id: mine", "id: my list", 1, "id", "use lowercase words joined by hyphens, e.g. fb-future-posts-not-public"),
        (
            "setting: fb.future_posts_audience",
            "setting: future posts",
            7,
            "checks.0.setting",
            "a setting id from flows/README.md, e.g. fb.future_posts_audience",
        ),
        (
            "category: audience",
            "category: privacy",
            10,
            "checks.0.category",
            "Input should be 'audience', 'discoverability', 'ads-data', 'off-platform', 'ai', 'security', "
            "'messaging', 'location', 'face' or 'content'",
        ),
        (
            "    sources: [S-dummies]\n",
            "    sources: [S-dummies]\n    regions: [EU, Mars]\n",
            17,
            "checks.0.regions.1",
            "Input should be 'US', 'UK', 'EU' or 'OTHER'",
        ),
        (
            'why: "Anyone can read them."',
            'why: "' + "x" * 601 + '"',
            13,
            "checks.0.why",
            "String should have at most 600 characters",
        ),
        ("expect: [friends]", "at_most: -1", 8, "checks.0.at_most", "Input should be greater than or equal to 0"),
        ('version: "1"', "version: 1.5", 3, "version", "Input should be a valid string"),
        ("severity: high", "severity: high\n    severity: low", 10, "severity", "duplicate key"),
        ('title: "My checklist"', 'title: "My checklist', 3, "(yaml)", "expected <block end>, but found '<scalar>'"),
        ("checks:\n", "checks: []\nold:\n", 5, "checks", "List should have at least 1 item after validation, not 0"),
        (
            "  - id: posts",
            "  - id: posts-not-public\n"
            "    setting: fb.friend_requests\n"
            "    expect: [friends_of_friends]\n"
            "    severity: low\n"
            "    category: audience\n"
            "    title: t\n"
            "    failure_title: f\n"
            "    why: w\n"
            "    how: [h]\n"
            "    sources: [S-chimps]\n"
            "  - id: posts",
            5,
            "checks",
            "check ids used twice: posts-not-public",
        ),
        # Checked against the shipped flows: the setting must exist, the values must be canonical.
        (
            "setting: fb.future_posts_audience",
            "setting: fb.future_post_audience",
            7,
            "checks.0.setting",
            "no flow reads fb.future_post_audience, and it is neither derived nor in not_applicable.yml",
        ),
        (
            "expect: [friends]",
            "expect: [frends]",
            8,
            "checks.0.expect",
            "frends is not a value of fb.future_posts_audience "
            "(values: custom, friends, friends_except, only_me, public, specific_friends)",
        ),
        (
            "expect: [friends]",
            "at_most: 3",
            8,
            "checks.0.at_most",
            "fb.future_posts_audience is not a count: use expect",
        ),
        (
            "setting: fb.future_posts_audience\n    expect: [friends]",
            'setting: fb.active_status\n    expect: ["off"]',
            6,
            "checks.0.manual",
            "no page shows fb.active_status: only a manual check (manual: true) can name it",
        ),
    ],
)
def test_bad_checklist_is_one_line_exit_2_and_nothing_overwritten(tmp_path, capsys, old, new, line, field, message):
    assert old in VALID
    bad = tmp_path / "mine.yml"
    bad.write_text(VALID.replace(old, new, 1), encoding="utf-8")
    observations = tmp_path / "observations.json"
    observations.write_text(
        results.Observations(
            run=results.Run(tool_version="0", started="t", platforms=["facebook"]), observations=[]
        ).model_dump_json()
    )
    findings = tmp_path / "findings.json"
    findings.write_text("what the user had")
    code = main(["evaluate", str(observations), "--checklist", str(bad), "-o", str(findings)])
    err = capsys.readouterr().err
    assert (code, err) == (2, f"auditor: error: {bad}:{line}: {field}: {message}\n")
    assert findings.read_text() == "what the user had"


def test_the_valid_base_of_the_bad_inputs_is_valid(tmp_path):
    good = tmp_path / "mine.yml"
    good.write_text(VALID, encoding="utf-8")
    assert consistency.load_checklist(str(good)).spec.checks[0].id == "posts-not-public"


def test_a_file_that_is_not_a_mapping(tmp_path):
    bad = tmp_path / "list.yml"
    bad.write_text("- a\n- b\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_checklist(str(bad))
    assert str(caught.value) == f"{bad}:1: (top): Input should be a valid dictionary or instance of Checklist"


def test_flows_check_names_the_checklist_line(tmp_path, capsys):
    bad = tmp_path / "mine.yml"
    bad.write_text(VALID.replace("expect: [friends]", "expect: [frends]"), encoding="utf-8")
    code = main(["flows", "check", "--checklist", str(bad)])
    assert code == 2
    assert capsys.readouterr().err.startswith(f"auditor: error: {bad}:8: checks.0.expect: frends is not a value")
