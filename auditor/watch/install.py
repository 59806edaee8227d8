"""`auditor schedule --install` and `--remove`: the user's own scheduler entry, never the system's.

systemd: the units in the user's systemd folder ($XDG_CONFIG_HOME/systemd/user), then `systemctl --user`
enables the timer. cron: the user's crontab, through `crontab` (auditor's line replaced, the rest kept).
launchd: the agent in ~/Library/LaunchAgents, loaded with `launchctl`. Windows: `schtasks`, which keeps
the task as the user's. Any command that fails is one line and exit 1.
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
from pathlib import Path

from auditor.errors import AuditorError, first_line
from auditor.files import write_atomic
from auditor.watch import schedule
from auditor.watch.schedule import NAME

COMMAND_SECONDS = 60
_TOOL = {"systemd": "systemctl", "cron": "crontab", "launchd": "launchctl", "schtasks": "schtasks"}


def detected_form() -> str:
    """The scheduler of this system: systemd where it runs (its runtime folder says so), else cron; launchd on
    macOS; the Task Scheduler on Windows."""
    system = platform.system()
    if system == "Windows":
        return "schtasks"
    if system == "Darwin":
        return "launchd"
    return "systemd" if Path("/run/systemd/system").is_dir() and shutil.which("systemctl") else "cron"


def systemd_folder() -> Path:
    return Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "systemd" / "user"


def launchd_file() -> Path:
    return Path.home() / "Library" / "LaunchAgents" / f"{NAME}.plist"


def install(form: str, hours: int, command: list[str]) -> list[str]:
    """Put the entry in place (replacing auditor's own, if any); what was written, for the person."""
    _found(_TOOL[form])  # before anything is written
    if form == "systemd":
        folder = systemd_folder()
        written = [write_atomic(folder / name, text) for name, text in schedule.systemd_units(hours, command).items()]
        _run(["systemctl", "--user", "daemon-reload"])
        _run(["systemctl", "--user", "enable", "--now", f"{NAME}.timer"])
        return [str(path) for path in written]
    if form == "cron":
        kept, _had = schedule.without_ours(_crontab())
        _run(["crontab", "-"], kept + schedule.cron_line(hours, command) + "\n")
        return ["crontab"]
    if form == "launchd":
        path = launchd_file()
        _run(["launchctl", "unload", str(path)], check=False)  # an older one of ours, if loaded
        write_atomic(path, schedule.launchd_plist(hours, command))
        _run(["launchctl", "load", "-w", str(path)])
        return [str(path)]
    _run(schedule.schtasks_create(hours, command))
    return [f"Task Scheduler: {NAME}"]


def remove(form: str) -> bool:
    """Take auditor's entry away; False when there was none."""
    if form == "systemd":
        files = [systemd_folder() / f"{NAME}.{kind}" for kind in ("timer", "service")]
        if not any(path.exists() for path in files):
            return False
        _run(["systemctl", "--user", "disable", "--now", f"{NAME}.timer"], check=False)  # already stopped is fine
        for path in files:
            path.unlink(missing_ok=True)
        _run(["systemctl", "--user", "daemon-reload"])
        return True
    if form == "cron":
        kept, had = schedule.without_ours(_crontab())
        if had:
            _run(["crontab", "-"], kept)
        return had
    if form == "launchd":
        path = launchd_file()
        if not path.exists():
            return False
        _run(["launchctl", "unload", "-w", str(path)], check=False)
        path.unlink()
        return True
    return _run(schedule.schtasks_delete(), check=False).returncode == 0


def _crontab() -> str:
    """The user's crontab; empty when there is none (`crontab -l` then fails, saying so)."""
    listed = _run(["crontab", "-l"], check=False)
    return listed.stdout if listed.returncode == 0 else ""


def _found(tool: str) -> str:
    found = shutil.which(tool)
    if found is None:
        raise AuditorError(f"{tool} not found: `auditor schedule` without --install prints the entry to add")
    return found


def _run(argv: list[str], stdin: str | None = None, check: bool = True) -> subprocess.CompletedProcess:
    command = [_found(argv[0]), *argv[1:]]
    try:
        done = subprocess.run(command, input=stdin, capture_output=True, text=True, timeout=COMMAND_SECONDS)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise AuditorError(f"{' '.join(argv[:3])} failed: {first_line(exc)}") from None
    if check and done.returncode != 0:
        why = first_line(Exception(done.stderr or done.stdout or f"exit {done.returncode}"))
        raise AuditorError(f"{' '.join(argv[:3])} failed: {why}")
    return done
