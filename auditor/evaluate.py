"""The evaluate stage: observations + checklist -> findings. Pure: no browser, no network, no clock but `now`.

Statuses: pass / fail when the setting was read; unknown when it could not be (an unknown is never
a pass); not_applicable when the check does not apply (platform not audited, region ruled out,
setting not offered); manual when only the person can tell (a form they sent, an app-only switch).

Derived settings are computed here from observed ones, then checked like any other:
`meta.public_content_exposure` is `public` when Facebook posts or the Instagram account are
public, `not_public` when every audited platform's content is non-public (catalog section 5).
"""

from __future__ import annotations

from collections.abc import Callable

from auditor.checklist import Check
from auditor.results import Finding, Findings, Observation, Observations, Score, Source, now
from auditor.spec import Loaded

SEVERITY_WEIGHT = {"critical": 5, "high": 3, "medium": 2, "low": 1, "info": 0}
# The AI objection form is offered in the EU/EEA and the UK only (catalog 5, 7): whether the
# Privacy Centre shows it tells the region as far as checks need it.
OBJECTION_SETTINGS = ("meta.genai_object_facebook", "meta.genai_object_instagram")
EU_UK, ELSEWHERE = ("EU", "UK"), ("US", "OTHER")
# A manual check still does not apply when the feature is gone or not offered where the person is.
MANUAL_NOT_APPLICABLE = ("not_offered_in_region", "retired")
REGION_WORDS = {
    "EU": "the EU and EEA",
    "UK": "the UK",
    "US": "the US",
    "OTHER": "other countries outside the EU and UK",
}


def regions_of(observations: Observations) -> set[str] | None:
    """The regions the account may be in, judged from the pages; None when they did not tell."""
    for setting in OBJECTION_SETTINGS:
        seen = observations.by_setting().get(setting)
        if seen is not None and seen.status == "observed":
            return set(EU_UK) if seen.value == "offered" else set(ELSEWHERE)
    return None


def platform_of(setting: str) -> str:
    return {"fb": "facebook", "ig": "instagram", "ac": "accounts_center", "meta": "meta"}.get(
        setting.split(".")[0], "meta"
    )


# ---------------------------------------------------------------------- derived settings
# Which value of each input makes content public (catalog 3.1 and 6: the only AI-training lever
# outside the EU/UK is to make content non-public), and how the report names the input.
PUBLIC_WHEN = {
    "fb.future_posts_audience": ("public", "Facebook posts"),
    "ig.private_account": ("off", "Instagram private account"),
}


def public_content_exposure(seen: dict[str, Observation], platforms: list[str]) -> Observation:
    inputs = [s for s in PUBLIC_WHEN if platform_of(s) in platforms]
    read = {s: o for s in inputs if (o := seen.get(s)) is not None and o.status == "observed" and o.value is not None}
    public = [s for s, o in read.items() if o.value == PUBLIC_WHEN[s][0]]
    raw = "; ".join(f"{PUBLIC_WHEN[s][1]}: {o.raw or o.value}" for s, o in read.items()) or None
    base = dict(setting="meta.public_content_exposure", platform="meta", raw=raw, flow="derived")
    if public:
        return Observation(**base, status="observed", value="public", detail=f"public: {', '.join(public)}")
    missing = [s for s in inputs if s not in read]
    if not inputs or missing:
        reasons = [o.reason for s in missing if (o := seen.get(s)) is not None and o.reason]
        return Observation(
            **base,
            status="unknown",
            reason=reasons[0] if reasons else "not_found",
            detail=f"could not read {', '.join(missing) or 'any input'}",
        )
    return Observation(**base, status="observed", value="not_public", detail=f"from {', '.join(inputs)}")


DERIVED: dict[str, Callable[[dict[str, Observation], list[str]], Observation]] = {
    "meta.public_content_exposure": public_content_exposure,
}
DERIVED_VALUES = {"meta.public_content_exposure": ("public", "not_public")}  # what checklists may expect


# ---------------------------------------------------------------------- findings and scores
def evaluate(observations: Observations, checklist: Loaded, evaluated: str | None = None) -> Findings:
    seen = observations.by_setting()
    for setting, derive in DERIVED.items():
        seen[setting] = derive(seen, observations.run.platforms)
    regions = regions_of(observations)
    findings = [_finding(check, seen.get(check.setting), observations, regions) for check in checklist.spec.checks]
    categories = sorted({f.category for f in findings})
    return Findings(
        run=observations.run,
        checklist=Source(
            id=checklist.id, sha256=checklist.sha256, version=checklist.spec.version, title=checklist.spec.title
        ),
        evaluated=evaluated or now(),
        findings=findings,
        scores=[_score(c, [f for f in findings if f.category == c]) for c in categories],
        overall=_score("overall", findings),
        regions=sorted(regions) if regions is not None else None,
    )


def _finding(
    check: Check, observation: Observation | None, observations: Observations, regions: set[str] | None
) -> Finding:
    base = dict(
        check=check.id,
        setting=check.setting,
        severity=check.severity,
        category=check.category,
        platform=platform_of(check.setting),
        recommended=list(check.expect),
        why=check.why,
        how=list(check.how),
        url=check.url,
        sources=list(check.sources),
        recommended_text=check.recommended_text or ", ".join(str(v) for v in check.expect),
    )
    if check.at_most is not None:
        base["recommended"] = [check.at_most]
        base["recommended_text"] = check.recommended_text or f"at most {check.at_most}"
    if observation is not None:
        base.update(value=observation.value, raw=observation.raw, evidence=_evidence(observations, observation))
    region_note = f"applies only in {' and '.join(REGION_WORDS[r] for r in check.regions)}" if check.regions else ""

    def result(status: str, title: str, reason=None, detail: str = "") -> Finding:
        return Finding(**base, status=status, title=title, reason=reason, detail=detail)

    if check.regions and regions is not None and not regions & set(check.regions):
        return result("not_applicable", check.title, "not_offered_in_region", region_note)
    if observation is None and not _audited(check.setting, observations):
        return result("not_applicable", check.title, detail=f"{platform_of(check.setting)} was not audited")
    if check.manual:
        if (
            observation is not None
            and observation.status == "not_applicable"
            and observation.reason in MANUAL_NOT_APPLICABLE
        ):
            return result("not_applicable", check.title, observation.reason, observation.detail)
        # When the pages did not tell the region, say that the check may not apply.
        note = f"{region_note}; the pages did not show where you are" if check.regions and regions is None else ""
        return result("manual", check.failure_title, detail=note)
    if observation is None:
        return result("unknown", check.title, "not_found", "no flow read this setting in this run")
    if observation.status == "not_applicable":
        return result("not_applicable", check.title, observation.reason, observation.detail)
    if observation.status == "unknown":
        return result("unknown", check.title, observation.reason or "error", observation.detail)
    if observation.value is None:
        return result("unknown", check.title, "error", "the page showed no value")
    passed = _passes(check, observation.value)
    inferred = (
        f'read from a control whose label changed ("{observation.label_seen}"): check it'
        if observation.confidence == "inferred"
        else ""
    )
    return result("pass" if passed else "fail", check.title if passed else check.failure_title, detail=inferred)


def _passes(check: Check, value) -> bool:
    if check.expect:
        # `on` must not match True, nor 1 match True: compare type and value.
        return any(type(value) is type(v) and value == v for v in check.expect)
    return type(value) is int and value <= check.at_most


def _audited(setting: str, observations: Observations) -> bool:
    platform = platform_of(setting)
    return platform in ("accounts_center", "meta") or platform in observations.run.platforms


def _evidence(observations: Observations, observation: Observation) -> str | None:
    return next((p.screenshot for p in observations.pages if p.flow == observation.flow), None)


def _score(category: str, findings: list[Finding]) -> Score:
    """Severity-weighted share of passes among the checks that could be read; unknowns never count as passes."""
    count = {s: sum(f.status == s for f in findings) for s in ("pass", "fail", "unknown", "manual", "not_applicable")}
    weighed = [f for f in findings if f.status in ("pass", "fail")]
    weight = sum(SEVERITY_WEIGHT[f.severity] for f in weighed)
    passed = sum(SEVERITY_WEIGHT[f.severity] for f in weighed if f.status == "pass")
    score = round(100 * passed / weight) if weight else None
    return Score(
        category=category,
        passed=count["pass"],
        failed=count["fail"],
        unknown=count["unknown"],
        manual=count["manual"],
        not_applicable=count["not_applicable"],
        score=score,
    )


# ---------------------------------------------------------------------- after auditor apply
def after_changes(
    findings: Findings, values: dict[str, tuple], titles: dict[str, tuple[str, str]] | None = None
) -> Findings:
    """The findings as they stand after auditor apply set some settings anew (setting -> (value, the page's
    words for it), as read back): each check on such a setting judged again, the derived settings derived
    again, the scores counted again. `titles`: per check, its title when it passes and when it fails."""
    if not values:
        return findings
    titles, values = titles or {}, dict(values)
    now = {x.setting: (x.value, x.raw) for x in findings.findings if x.status in ("pass", "fail")} | values
    inputs = {
        setting: Observation(setting=setting, platform=platform_of(setting), status="observed", value=v, raw=text)
        for setting, (v, text) in now.items()
        if setting in PUBLIC_WHEN and v is not None
    }
    if set(inputs) & set(values):
        derived = public_content_exposure(inputs, findings.run.platforms)
        if derived.status == "observed":
            values[derived.setting] = (derived.value, derived.raw)
    judged = [
        _judged_again(x, *values[x.setting], titles.get(x.check))
        if x.setting in values and x.status in ("pass", "fail")
        else x
        for x in findings.findings
    ]
    categories = sorted({x.category for x in judged})
    return findings.model_copy(
        update={
            "findings": judged,
            "scores": [_score(c, [x for x in judged if x.category == c]) for c in categories],
            "overall": _score("overall", judged),
        }
    )


def _judged_again(x: Finding, value, text: str | None, titles: tuple[str, str] | None) -> Finding:
    if type(value) is int:  # a count: apply never sets one, and its check may be "at most"
        return x
    passed = any(type(value) is type(v) and value == v for v in x.recommended)
    title = titles[0 if passed else 1] if titles and x.title in titles else x.title
    return x.model_copy(update={"value": value, "raw": text, "status": "pass" if passed else "fail", "title": title})
