"""The evaluate stage: observations + checklist -> findings. Pure: no browser, no network, no clock but `now`.

An unknown observation is never a pass. A check whose setting the run did not cover (the
platform was not audited) is not applicable; one whose region the pages rule out is too.
"""

from __future__ import annotations

from auditor.results import Finding, Findings, Observation, Observations, Score, Source, now
from auditor.spec import Check, Loaded

SEVERITY_WEIGHT = {"critical": 5, "high": 3, "medium": 2, "low": 1, "info": 0}
# The AI objection form is offered in the EU/EEA and the UK only (catalog 5, 7): whether the
# Privacy Centre shows it tells the region as far as checks need it.
OBJECTION_SETTINGS = ("meta.genai_object_facebook", "meta.genai_object_instagram")


def regions_of(observations: Observations) -> set[str] | None:
    """The regions the account may be in, judged from the pages; None when they did not tell."""
    for setting in OBJECTION_SETTINGS:
        seen = observations.by_setting().get(setting)
        if seen is not None and seen.status == "observed":
            return {"EU", "UK"} if seen.value == "offered" else {"US", "OTHER"}
    return None


def platform_of(setting: str) -> str:
    return {"fb": "facebook", "ig": "instagram", "ac": "accounts_center", "meta": "meta"}.get(setting.split(".")[0], "meta")


def evaluate(observations: Observations, checklist: Loaded) -> Findings:
    seen = observations.by_setting()
    regions = regions_of(observations)
    findings = [_finding(check, seen.get(check.setting), observations, regions) for check in checklist.spec.checks]
    categories = sorted({f.category for f in findings})
    return Findings(
        run=observations.run,
        checklist=Source(id=checklist.id, sha256=checklist.sha256, checked_on=checklist.spec.version),
        evaluated=now(),
        findings=findings,
        scores=[_score(c, [f for f in findings if f.category == c]) for c in categories],
        overall=_score("overall", findings),
    )


def _finding(check: Check, observation: Observation | None, observations: Observations, regions: set[str] | None) -> Finding:
    base = dict(
        check=check.id, setting=check.setting, severity=check.severity, category=check.category,
        platform=platform_of(check.setting), recommended=list(check.expect), why=check.why, how=list(check.how),
        url=check.url, sources=list(check.sources),
        recommended_text=check.recommended_text or ", ".join(str(v) for v in check.expect),
    )
    if check.at_most is not None:
        base["recommended"] = [check.at_most]
        base["recommended_text"] = check.recommended_text or f"at most {check.at_most}"
    if observation is not None:
        base.update(value=observation.value, raw=observation.raw, evidence=_evidence(observations, observation))
    if check.regions and regions is not None and not regions & set(check.regions):
        return Finding(**base, status="not_applicable", title=check.title, reason="not_offered_in_region",
                       detail=f"applies in {', '.join(check.regions)} only")
    if observation is None:
        if _audited(check.setting, observations):
            return Finding(**base, status="unknown", title=check.failure_title, reason="not_found",
                           detail="no flow read this setting in this run")
        return Finding(**base, status="not_applicable", title=check.title, detail=f"{platform_of(check.setting)} was not audited")
    if observation.status == "not_applicable":
        return Finding(**base, status="not_applicable", title=check.title, reason=observation.reason, detail=observation.detail)
    if check.manual:
        return Finding(**base, status="manual", title=check.failure_title, detail=observation.detail)
    if observation.status == "unknown":
        return Finding(**base, status="unknown", title=check.failure_title, reason=observation.reason, detail=observation.detail)
    passed = observation.value in check.expect if check.expect else (
        isinstance(observation.value, int) and observation.value <= check.at_most)
    return Finding(**base, status="pass" if passed else "fail", title=check.title if passed else check.failure_title)


def _audited(setting: str, observations: Observations) -> bool:
    platform = platform_of(setting)
    return platform in ("accounts_center", "meta") or platform in observations.run.platforms


def _evidence(observations: Observations, observation: Observation) -> str | None:
    return next((p.screenshot for p in observations.pages if p.flow == observation.flow), None)


def _score(category: str, findings: list[Finding]) -> Score:
    passed = [f for f in findings if f.status == "pass"]
    failed = [f for f in findings if f.status == "fail"]
    weight = sum(SEVERITY_WEIGHT[f.severity] for f in passed + failed)
    score = round(100 * sum(SEVERITY_WEIGHT[f.severity] for f in passed) / weight) if weight else None
    return Score(category=category, passed=len(passed), failed=len(failed),
                 unknown=sum(f.status == "unknown" for f in findings), score=score)
