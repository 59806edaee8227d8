"""The command line: help, version, and the exit codes of DESIGN.md for errors a user can cause."""

import json

import pytest

from auditor import __version__
from auditor.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_help_lists_the_commands(capsys):
    code, out, _ = run(capsys, "--help")
    assert code == 0
    for command in ("demo", "doctor", "observe", "evaluate", "report", "run", "flows", "replica", "watch", "schedule"):
        assert f"  {command}" in out


def test_version(capsys):
    code, out, _ = run(capsys, "--version")
    assert (code, out.strip()) == (0, f"auditor {__version__}")


@pytest.mark.parametrize(
    "argv, needle",
    [
        (["observe", "tiktok"], "'tiktok' is not one of 'facebook', 'instagram'"),
        (["observe", "facebook", "--no-such-option"], "No such option: --no-such-option"),
        (["evaluate"], "Missing argument 'observations'"),
        (["replica", "serve", "--mutate", "explode:fb.friend_requests"], "unknown kind 'explode'"),
        (["replica", "serve", "--mutate", "rename:fb.no_such_setting"], "unknown setting 'fb.no_such_setting'"),
        (
            ["replica", "serve", "--mutate", "pattern:fb.search_engine_link:control=listbox"],
            "control=listbox is not one for switch settings",
        ),
        (["replica", "serve", "--variation", "-1"], "Invalid value for '--variation'"),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(capsys, argv, needle):
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert needle in err
    assert len(err.strip().splitlines()) == 1 and out == ""


def test_evaluate_names_the_file_and_line_of_broken_json(capsys, tmp_path):
    broken = tmp_path / "observations.json"
    broken.write_text('{\n  "schema_version": 1,\n  oops\n}\n')
    code, _, err = run(capsys, "evaluate", str(broken), "-o", str(tmp_path / "findings.json"))
    assert code == 2
    assert f"{broken}:3: (json):" in err
    assert not (tmp_path / "findings.json").exists()


def test_evaluate_rejects_a_file_that_is_not_observations(capsys, tmp_path):
    other = tmp_path / "findings.json"
    other.write_text(json.dumps({"schema_version": 1, "kind": "findings"}))
    code, _, err = run(capsys, "evaluate", str(other), "-o", str(tmp_path / "out.json"))
    assert code == 2 and "kind" in err


def test_an_unknown_checklist_is_bad_input(capsys, tmp_path):
    code, _, err = run(capsys, "run", "facebook", "--checklist", "no-such-list", "-o", str(tmp_path / "run"))
    assert code == 2
    assert "no such file or shipped checklist" in err
    assert not (tmp_path / "run").exists()


def test_an_output_folder_that_cannot_be_written_is_bad_input(capsys, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("keep me")
    code, _, err = run(capsys, "observe", "facebook", "-o", str(blocker / "sub" / "observations.json"))
    assert code == 2
    assert "is a file, not a folder" in err
    assert blocker.read_text() == "keep me"


def test_a_missing_session_file_is_bad_input(capsys, tmp_path):
    code, _, err = run(
        capsys, "observe", "facebook", "--session", str(tmp_path / "nope.json"), "-o", str(tmp_path / "o.json")
    )
    assert code == 2 and "--session: no such file" in err


def test_observe_without_any_login_says_how_to_log_in(capsys, tmp_path, monkeypatch):
    monkeypatch.delenv("AUDITOR_EMAIL", raising=False)
    monkeypatch.delenv("AUDITOR_PASSWORD", raising=False)
    code, _, err = run(capsys, "observe", "instagram", "-o", str(tmp_path / "o.json"))
    assert code == 1
    assert "auditor login instagram" in err
