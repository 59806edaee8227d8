"""auditor schedule: each system's entry rendered from the interval and the command (offline, every form), and
--install / --remove on Linux in a temporary systemd folder and crontab: fake `systemctl` and `crontab` on
PATH record what they were asked, so the real user's scheduler is never touched."""

from __future__ import annotations

import os
import plistlib
import stat
import sys
from pathlib import Path

import pytest

from auditor.cli import main
from auditor.watch import schedule
from auditor.watch.schedule import hours_of

COMMAND = ["/opt/py 3/bin/python", "-m", "auditor", "watch", "facebook", "--notify-file", "/home/a/50% $HOME/n.txt"]


@pytest.mark.parametrize("every, hours", [("1h", 1), ("12h", 12), ("24h", 24), ("1d", 24), ("3d", 72), ("7d", 168)])
def test_intervals_every_scheduler_can_keep(every, hours):
    assert hours_of(every) == hours
    assert hours_of("1w") == 168


@pytest.mark.parametrize("every", ["5h", "0h", "32d", "2w", "90m", "daily", ""])
def test_other_intervals_are_refused_saying_which_there_are(every):
    with pytest.raises(ValueError, match="1h, 2h, 3h, 4h, 6h, 8h or 12h, 1d to 31d, or 1w"):
        hours_of(every)


@pytest.mark.parametrize(
    "hours, calendar, cron",
    [
        (1, "*-*-* 00/1:17:00", "17 * * * *"),
        (6, "*-*-* 00/6:17:00", "17 */6 * * *"),
        (24, "*-*-* 10:17:00", "17 10 * * *"),
        (72, "*-*-01/3 10:17:00", "17 10 */3 * *"),
        (168, "Mon *-*-* 10:17:00", "17 10 * * 1"),
    ],
)
def test_systemd_and_cron_run_at_the_same_times(hours, calendar, cron):
    units = schedule.systemd_units(hours, COMMAND)
    assert set(units) == {"auditor-watch.service", "auditor-watch.timer"}
    assert f"OnCalendar={calendar}\nPersistent=true\n" in units["auditor-watch.timer"]
    assert "WantedBy=timers.target" in units["auditor-watch.timer"]
    assert schedule.cron_line(hours, COMMAND).startswith(cron + " ")


def test_each_form_carries_the_command_word_for_word():
    service = schedule.systemd_units(24, COMMAND)["auditor-watch.service"]
    # systemd: quoted words, % and $ escaped (they would be a specifier and a variable)
    assert 'ExecStart="/opt/py 3/bin/python" -m auditor watch facebook --notify-file "/home/a/50%% $$HOME/n.txt"\n' in (
        service
    )
    assert "Type=oneshot" in service
    # cron: shell words, % escaped (cron makes it a line break), the report's path to /dev/null, marked as ours
    line = schedule.cron_line(24, COMMAND)
    assert line.endswith(
        "'/opt/py 3/bin/python' -m auditor watch facebook --notify-file '/home/a/50\\% $HOME/n.txt' "
        ">/dev/null # auditor-watch"
    )
    assert schedule.without_ours(f"0 1 * * * backup\n{line}\n") == ("0 1 * * * backup\n", True)
    # launchd: the arguments as a list, the interval in seconds
    agent = plistlib.loads(schedule.launchd_plist(12, COMMAND).encode())
    assert agent == {"Label": "auditor-watch", "ProgramArguments": COMMAND, "StartInterval": 43200, "RunAtLoad": False}
    # Windows: schtasks' own arguments; /TR is one command line
    create = schedule.schtasks_create(72, COMMAND)
    assert create[:11] == [
        "schtasks",
        "/Create",
        "/F",
        "/TN",
        "auditor-watch",
        "/SC",
        "DAILY",
        "/MO",
        "3",
        "/ST",
        "10:17",
    ]
    assert create[-2:] == [
        "/TR",
        '"/opt/py 3/bin/python" -m auditor watch facebook --notify-file "/home/a/50% $HOME/n.txt"',
    ]
    assert schedule.schtasks_create(6, COMMAND)[5:11] == ["/SC", "HOURLY", "/MO", "6", "/ST", "00:17"]
    assert schedule.schtasks_create(168, COMMAND)[5:11] == ["/SC", "WEEKLY", "/D", "MON", "/ST", "10:17"]
    assert schedule.schtasks_delete() == ["schtasks", "/Delete", "/F", "/TN", "auditor-watch"]
    with pytest.raises(ValueError, match="more than the 261 the Task Scheduler takes"):
        schedule.schtasks_create(24, [*COMMAND, "x" * 200])
    with pytest.raises(ValueError, match="line break"):
        schedule.watch_command(["facebook", "-o", "a\nb"])


# ---------------------------------------------------------------------- --install and --remove, in a test's folders
@pytest.fixture
def system(tmp_path, monkeypatch):
    """The user's config folder in tmp_path, and `systemctl` and `crontab` that record their calls there."""
    bin_dir, calls, crontab = tmp_path / "bin", tmp_path / "calls", tmp_path / "crontab"
    bin_dir.mkdir()
    fake = {
        "systemctl": f'echo "systemctl $*" >> "{calls}"\n',
        "crontab": (
            f'echo "crontab $*" >> "{calls}"\n'
            f'if [ "$1" = "-l" ]; then [ -f "{crontab}" ] || {{ echo "no crontab for you" >&2; exit 1; }}; '
            f'cat "{crontab}"; else cat > "{crontab}"; fi\n'
        ),
    }
    for name, script in fake.items():
        (bin_dir / name).write_text(f"#!/bin/sh\n{script}")
        (bin_dir / name).chmod(0o700)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    urls = tmp_path / "notify.txt"
    urls.write_text("json://127.0.0.1:9/hook\n")
    urls.chmod(0o600)
    return tmp_path


def _calls(system: Path) -> list[str]:
    path = system / "calls"
    return path.read_text().splitlines() if path.exists() else []


@pytest.mark.skipif(sys.platform == "win32", reason="shell scripts stand in for systemctl and crontab")
def test_install_and_remove_a_systemd_timer_in_the_users_folder(system, capsys):
    args = ["schedule", "facebook", "--every", "12h", "--notify-file", str(system / "notify.txt"), "--form", "systemd"]
    assert main([*args, "--install"]) == 0
    folder = system / "config" / "systemd" / "user"
    timer, service = folder / "auditor-watch.timer", folder / "auditor-watch.service"
    assert "OnCalendar=*-*-* 00/12:17:00" in timer.read_text()
    assert f"--notify-file {system / 'notify.txt'}" in service.read_text()
    assert stat.S_IMODE(service.stat().st_mode) == 0o600
    assert _calls(system) == ["systemctl --user daemon-reload", "systemctl --user enable --now auditor-watch.timer"]
    out = capsys.readouterr()
    assert out.out.splitlines() == [str(service), str(timer)]
    assert "Installed: auditor watch runs every 12 hours." in out.err
    assert main(["schedule", "--remove", "--form", "systemd"]) == 0
    assert not timer.exists() and not service.exists()
    assert _calls(system)[2:] == [
        "systemctl --user disable --now auditor-watch.timer",
        "systemctl --user daemon-reload",
    ]
    assert main(["schedule", "--remove", "--form", "systemd"]) == 0
    assert "There was no schedule of auditor watch to remove." in capsys.readouterr().err


@pytest.mark.skipif(sys.platform == "win32", reason="shell scripts stand in for systemctl and crontab")
def test_install_and_remove_a_cron_line_keeping_the_users_own(system, capsys):
    args = ["schedule", "facebook", "--every", "1d", "--notify-file", str(system / "notify.txt"), "--form", "cron"]
    assert main([*args, "--install"]) == 0  # no crontab yet
    (system / "crontab").write_text("0 3 * * * my-backup\n" + (system / "crontab").read_text())
    assert main([*args, "--install", "--lang", "de"]) == 0  # again: replaced, not added
    lines = (system / "crontab").read_text().splitlines()
    assert lines[0] == "0 3 * * * my-backup" and len(lines) == 2
    assert lines[1].startswith("17 10 * * * ") and lines[1].endswith("--lang de >/dev/null # auditor-watch")
    assert "Eingerichtet: auditor watch läuft jeden Tag." in capsys.readouterr().err
    assert main(["schedule", "--remove", "--form", "cron"]) == 0
    assert (system / "crontab").read_text() == "0 3 * * * my-backup\n"


def test_schedule_prints_the_entry_and_keeps_secrets_out_of_it(system, capsys):
    urls = system / "notify.txt"
    assert main(["schedule", "instagram", "--every", "1w", "--notify-file", str(urls), "--form", "launchd"]) == 0
    out = capsys.readouterr()
    agent = plistlib.loads(out.out.encode())
    assert agent["ProgramArguments"][2:] == [
        "auditor",
        "watch",
        "instagram",
        "-o",
        str(Path(os.environ["XDG_DATA_HOME"]) / "auditor" / "watch"),
        "--notify-file",
        str(urls),
        "--checklist",
        "default",
    ]
    assert agent["StartInterval"] == 7 * 24 * 3600
    assert "auditor schedule --install puts it in place" in out.err
    assert _calls(system) == []  # printed, nothing installed
    assert main(["schedule", "facebook", "--every", "1d", "--notify-file", str(urls), "--notify", "json://x/y"]) == 2
    err = capsys.readouterr().err
    assert "--notify: does not go into a schedule" in err and "json://x/y" not in err
    assert main(["schedule", "facebook", "--every", "5h", "--notify-file", str(urls)]) == 2
    assert main(["schedule", "--remove", "--install"]) == 2
