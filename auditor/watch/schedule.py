"""`auditor schedule`: the system's own scheduler runs `auditor watch`, so auditor keeps no process of its own.

One entry per user, named auditor-watch, in one of four forms: a systemd user timer and its service (Linux
with systemd), a crontab line (other Unix systems), a launchd agent (macOS), a Task Scheduler task (Windows).
Pure: each form is rendered from the interval and the command; install.py puts it in place.

Intervals are what every form can keep: 1, 2, 3, 4, 6, 8 or 12 hours (from midnight, at 17 past), 1 to 31
days (at 10:17, when a computer is more likely on than at midnight) or a week (Mondays). A run that a
sleeping computer missed is made up when it wakes (systemd's Persistent=, launchd), or left to the next.
"""

from __future__ import annotations

import plistlib
import re
import subprocess
import sys
from pathlib import Path

NAME = "auditor-watch"
FORMS = ("systemd", "cron", "launchd", "schtasks")
MINUTE, HOUR = 17, 10  # off the full hour (when everyone's jobs start); days at 10:17
WEEK = 7 * 24
EVERY = re.compile(r"(\d{1,3})([hdw])")
TASK_COMMAND_MAX = 261  # the longest /TR command the Windows Task Scheduler takes
CRON_MARK = f"# {NAME}"


def hours_of(every: str) -> int:
    """An interval (1d, 12h, 1w) in hours; ValueError saying which intervals there are."""
    found = EVERY.fullmatch(every.strip().lower())
    n, unit = (int(found.group(1)), found.group(2)) if found else (0, "")
    hours = {"h": n, "d": 24 * n, "w": WEEK * n}.get(unit, 0)
    if (unit == "h" and n > 0 and 24 % n == 0) or (unit == "d" and 1 <= n <= 31) or hours == WEEK:
        return hours
    raise ValueError("give 1h, 2h, 3h, 4h, 6h, 8h or 12h, 1d to 31d, or 1w")


def watch_command(arguments: list[str]) -> list[str]:
    """`auditor watch ARGUMENTS` run by this very Python (a scheduler's PATH may not hold `auditor`)."""
    bad = next((a for a in arguments if "\n" in a or "\r" in a or "\0" in a), None)
    if bad is not None:
        raise ValueError("an argument holds a line break or a NUL byte, which no scheduler's entry can carry")
    return [str(Path(sys.executable).absolute()), "-m", "auditor", "watch", *arguments]


# ---------------------------------------------------------------------- systemd (Linux)
def systemd_units(hours: int, command: list[str]) -> dict[str, str]:
    """The service that runs the watch once and the timer that starts it; file name -> text."""
    if hours < 24:
        when = f"*-*-* 00/{hours}:{MINUTE:02d}:00"
    elif hours == WEEK:
        when = f"Mon *-*-* {HOUR:02d}:{MINUTE:02d}:00"
    elif hours == 24:
        when = f"*-*-* {HOUR:02d}:{MINUTE:02d}:00"
    else:  # every n days, counted from the 1st of each month (as cron does)
        when = f"*-*-01/{hours // 24} {HOUR:02d}:{MINUTE:02d}:00"
    service = (
        "[Unit]\nDescription=auditor watch: audit your privacy settings again and notify you of changes\n\n"
        f"[Service]\nType=oneshot\nExecStart={' '.join(_systemd_word(word) for word in command)}\n"
    )
    timer = (
        f"[Unit]\nDescription=Run auditor watch ({NAME}.service)\n\n"
        # Persistent: a run missed while the computer was off is made up when it starts; the delay spreads runs.
        f"[Timer]\nOnCalendar={when}\nPersistent=true\nRandomizedDelaySec=10min\n\n"
        "[Install]\nWantedBy=timers.target\n"
    )
    return {f"{NAME}.service": service, f"{NAME}.timer": timer}


def _systemd_word(word: str) -> str:
    """One word of ExecStart=: quoted, with systemd's own escapes (% starts a specifier, $ a variable)."""
    escaped = word.replace("\\", "\\\\").replace('"', '\\"').replace("%", "%%").replace("$", "$$")
    return escaped if re.fullmatch(r"[A-Za-z0-9/._:=,+@-]+", word) else f'"{escaped}"'


# ---------------------------------------------------------------------- cron (other Unix systems)
def cron_line(hours: int, command: list[str]) -> str:
    """A crontab line, marked so that --install replaces it and --remove finds it."""
    if hours < 24:
        when = f"{MINUTE} {'*' if hours == 1 else f'*/{hours}'} * * *"
    elif hours == WEEK:
        when = f"{MINUTE} {HOUR} * * 1"
    else:
        when = f"{MINUTE} {HOUR} {'*' if hours == 24 else f'*/{hours // 24}'} * *"
    # cron turns an unescaped % into a line break; stdout is the report's path, the notifications say the rest.
    words = " ".join(_shell_word(word).replace("%", "\\%") for word in command)
    return f"{when} {words} >/dev/null {CRON_MARK}"


def _shell_word(word: str) -> str:
    return word if re.fullmatch(r"[A-Za-z0-9/._:=,+@-]+", word) else "'" + word.replace("'", "'\\''") + "'"


def without_ours(crontab: str) -> tuple[str, bool]:
    """The crontab without auditor's line, and whether it had one."""
    lines = crontab.splitlines()
    kept = [line for line in lines if not line.rstrip().endswith(CRON_MARK)]
    return "".join(f"{line}\n" for line in kept), len(kept) != len(lines)


# ---------------------------------------------------------------------- launchd (macOS)
def launchd_plist(hours: int, command: list[str]) -> str:
    """A launch agent that runs the watch every `hours` (launchd runs a missed one when the Mac wakes)."""
    agent = {"Label": NAME, "ProgramArguments": command, "StartInterval": hours * 3600, "RunAtLoad": False}
    return plistlib.dumps(agent).decode("utf-8")


# ---------------------------------------------------------------------- Task Scheduler (Windows)
def schtasks_create(hours: int, command: list[str]) -> list[str]:
    """schtasks' arguments that create (or replace, /F) the task."""
    task = subprocess.list2cmdline(command)
    if len(task) > TASK_COMMAND_MAX:
        raise ValueError(
            f"the command is {len(task)} characters long, more than the {TASK_COMMAND_MAX} the Task Scheduler takes: "
            "give shorter paths"
        )
    if hours < 24:
        when = ["/SC", "HOURLY", "/MO", str(hours), "/ST", f"00:{MINUTE:02d}"]
    elif hours == WEEK:
        when = ["/SC", "WEEKLY", "/D", "MON", "/ST", f"{HOUR:02d}:{MINUTE:02d}"]
    else:
        when = ["/SC", "DAILY", "/MO", str(hours // 24), "/ST", f"{HOUR:02d}:{MINUTE:02d}"]
    return ["schtasks", "/Create", "/F", "/TN", NAME, *when, "/TR", task]


def schtasks_delete() -> list[str]:
    return ["schtasks", "/Delete", "/F", "/TN", NAME]


def printed_command(argv: list[str]) -> str:
    """A command as a person types it in a Windows terminal."""
    return subprocess.list2cmdline(argv)
