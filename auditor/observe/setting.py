"""One setting's observation: what the reader found, or why it could not (a typed reason), never an exception."""

from __future__ import annotations

from playwright.sync_api import Error as PlaywrightError

from auditor.errors import first_line
from auditor.observe.pages import dismiss_dialogs, load_failure
from auditor.observe.readers import Blocked, Reader
from auditor.observe.wording import NotFound, UnsupportedLocale
from auditor.reads import SettingRead
from auditor.results import Observation, now
from auditor.spec import Loaded

SNAPSHOT_WAYS = ("name", "row_text")  # how the snapshot reader found it; how the page was looked at comes first


def observe_setting(
    reader: Reader, flow: Loaded, setting: SettingRead, url: str, found_by: dict[str, str]
) -> tuple[Observation, list[int]]:
    """The observation of one setting, and the inventory's controls it was read from.

    `found_by` names the settings found only by looking again (after waiting, scrolling, expanding); a value
    read behind a button says where (in a dialog, on a subpage, under a dialog).
    """
    base = dict(setting=setting.id, platform=setting.platform or flow.spec.platform, url=url, flow=flow.id, time=now())
    try:
        reading = reader.read(setting)
    except NotFound as exc:
        if setting.missing == "not_applicable":
            detail = setting.missing_detail or str(exc)
            return Observation(**base, status="not_applicable", reason=setting.missing_reason, detail=detail), []
        detail = f"{exc} (the page may have changed)"
        return Observation(**base, status="unknown", reason="not_found", detail=detail), []
    except Blocked as exc:
        return Observation(**base, status="unknown", reason="blocked_by_dialog", detail=str(exc)), []
    except UnsupportedLocale as exc:
        detail = f"the flow has {exc} for this setting"
        return Observation(**base, status="unknown", reason="unsupported_locale", detail=detail), []
    except PlaywrightError as exc:
        dismiss_dialogs(reader.page)
        reason = load_failure(exc)
        reason = "error" if reason == "timeout" else reason
        return Observation(**base, status="unknown", reason=reason, detail=first_line(exc)), []
    seen = dict(
        raw=reading.raw,
        options=reading.options,
        locator=reading.locator,
        control=reading.control,
        confidence="inferred" if reading.inferred_label is not None else "read",
        label_seen=reading.inferred_label,
        found_by=found_by.get(setting.id, reading.found_by) if reading.found_by in SNAPSHOT_WAYS else reading.found_by,
    )
    if reading.unknown_detail:
        unknown = Observation(**base, status="unknown", reason="not_found", detail=reading.unknown_detail, **seen)
        return unknown, reading.claimed
    return Observation(**base, status="observed", value=reading.value, **seen), reading.claimed
