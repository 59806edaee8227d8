"""The report's overview: what the report is, findings grouped by platform and topic, how exposed each topic
is, and whether the person's content is public (the answer on AI training turns on it). Pure."""

from __future__ import annotations

from dataclasses import dataclass

from auditor.results import Finding

SEVERITY_ORDER = ("critical", "high", "medium", "low", "info")
# Within a group: what to do first, what only the person can tell, what could not be read, what is fine.
STATUS_ORDER = ("fail", "manual", "unknown", "pass", "not_applicable")
# The report's filter: to change, check yourself (by hand, or not read), fine; "does not apply" shows under all only.
FILTER = {"fail": "fail", "manual": "check", "unknown": "check", "pass": "fine", "not_applicable": "none"}
PLATFORM_ORDER = ("facebook", "instagram", "accounts_center", "meta")
PUBLIC_CONTENT = "meta.public_content_exposure"  # derived by evaluate from the posts' and the account's audience


def kind_of(made, since) -> str:
    """What the report is: the audit before an apply (or an undo: apply.marks.Made) with the changes marked,
    an audit that follows changes auditor made (history.Since says so), or an audit."""
    if made is not None:
        return "marked" if made.undone is None else "undone"
    if since is not None and any(c.by_apply for c in since.changes):
        return "after"
    return "audit"


def content_public(findings: list[Finding]) -> bool | None:
    """Is the person's content public, as the checks on it found? None when they could not tell."""
    found = next((x for x in findings if x.setting == PUBLIC_CONTENT and x.status in ("pass", "fail")), None)
    return None if found is None or found.value not in ("public", "not_public") else found.value == "public"


@dataclass(frozen=True)
class Topic:
    """How exposed one topic on one platform is: what the audit read there, and what to change."""

    category: str
    failed: int
    passed: int
    by_hand: int  # for the person to check
    unknown: int  # could not be read

    @property
    def to_check(self) -> int:
        return self.by_hand + self.unknown

    @property
    def share(self) -> int:
        """Per cent of the settings read that are to change: the bar's length."""
        read = self.failed + self.passed
        return round(100 * self.failed / read) if read else 0


@dataclass(frozen=True)
class Group:
    """The findings of one platform and topic, most important first; open when something is to change."""

    platform: str
    category: str
    findings: list[Finding]

    @property
    def failed(self) -> int:
        return sum(x.status == "fail" for x in self.findings)


def _rank(x: Finding) -> tuple[int, int]:
    return STATUS_ORDER.index(x.status), SEVERITY_ORDER.index(x.severity)


def groups(findings: list[Finding]) -> list[Group]:
    """A group per platform and topic; those with the most severe and the most changes first."""
    by: dict[tuple[str, str], list[Finding]] = {}
    for x in findings:
        by.setdefault((x.platform, x.category), []).append(x)
    groups = [Group(platform, category, sorted(items, key=_rank)) for (platform, category), items in by.items()]
    return sorted(groups, key=lambda g: (min(_rank(x) for x in g.findings), -g.failed, _platform_rank(g.platform)))


def _platform_rank(platform: str) -> int:
    return PLATFORM_ORDER.index(platform) if platform in PLATFORM_ORDER else len(PLATFORM_ORDER)


def exposure(findings: list[Finding]) -> list[tuple[str, list[Topic]]]:
    """Per audited platform, each topic with what to change and what is fine; the most exposed topic first."""
    counted: dict[str, dict[str, list[Finding]]] = {}
    for x in findings:
        if x.status != "not_applicable":
            counted.setdefault(x.platform, {}).setdefault(x.category, []).append(x)
    exposure = []
    for platform in sorted(counted, key=_platform_rank):
        topics = [
            Topic(
                category,
                failed=sum(x.status == "fail" for x in items),
                passed=sum(x.status == "pass" for x in items),
                by_hand=sum(x.status == "manual" for x in items),
                unknown=sum(x.status == "unknown" for x in items),
            )
            for category, items in counted[platform].items()
        ]
        exposure.append((platform, sorted(topics, key=lambda t: (-t.failed, -t.share, -t.to_check))))
    return exposure
