"""The command line: help, version, and the exit codes of DESIGN.md for errors a user can cause; its help in
typer's conventions, its commands in the order a person uses them, its errors in plain words."""

import json
import re
import shutil
from pathlib import Path

import pytest

from auditor import __version__
from auditor.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


GOLDEN = Path(__file__).parent / "golden" / "findings"


def test_help_lists_the_commands_in_the_order_a_person_uses_them(capsys):
    code, out, _ = run(capsys, "--help")
    assert code == 0
    listed = re.findall(r"^  ([a-z]+)  ", out.split("Commands:")[1], re.M)
    assert listed[:9] == ["demo", "doctor", "login", "run", "history", "apply", "observe", "evaluate", "report"]
    assert set(listed) >= {"drift", "baseline", "flows", "replica", "schema", "watch", "schedule", "summary"}


@pytest.mark.parametrize("argv", [["-h"], ["report", "-h"], ["flows", "-h"], ["replica", "serve", "-h"]])
def test_dash_h_is_help_everywhere(capsys, argv):
    code, out, _ = run(capsys, *argv)
    assert code == 0 and out.startswith("Usage: auditor") and "-h, --help" in out


@pytest.mark.parametrize(
    "argv, usage, placeholders",
    [
        (["report", "-h"], "Usage: auditor report [OPTIONS] FINDINGS", ["FINDINGS  ", "--out PATH", "--lang [en|de]"]),
        (["apply", "-h"], "Usage: auditor apply [OPTIONS] [FINDINGS]", ["--only TEXT", "--pace FLOAT", "--undo PATH"]),
        (["run", "-h"], "Usage: auditor run [OPTIONS] [PLATFORMS...]", ["--workers INTEGER RANGE", "--checklist TEXT"]),
        (["demo", "-h"], "Usage: auditor demo [OPTIONS]", ["--variation INTEGER RANGE"]),
        (["evaluate", "-h"], "Usage: auditor evaluate [OPTIONS] OBSERVATIONS", ["OBSERVATIONS  "]),
    ],
)
def test_help_uses_typers_placeholders(capsys, argv, usage, placeholders):
    """FINDINGS, PATH, TEXT, INTEGER: never a Python type (<list[str]>, <int range>) nor {findings}."""
    code, out, _ = run(capsys, *argv)
    assert code == 0 and out.splitlines()[0] == usage
    assert all(placeholder in out for placeholder in placeholders), out
    assert not re.search(r"<[a-z][^>]*>|\{[a-z]+\}", out), out


def test_every_commands_help_uses_typers_placeholders(capsys):
    from typer.main import get_command

    from auditor.cli import app

    def commands(command, path):
        yield path
        for name, sub in getattr(command, "commands", {}).items():
            yield from commands(sub, [*path, name])

    for path in commands(get_command(app), []):
        code, out, _ = run(capsys, *path, "-h")
        assert code == 0 and not re.search(r"<[a-z][^>]*>|\{[a-z]+\}", out), (path, out)


def test_version(capsys):
    code, out, _ = run(capsys, "--version")
    assert (code, out.strip()) == (0, f"auditor {__version__}")


@pytest.mark.parametrize(
    "argv, needle",
    [
        (["observe", "tiktok"], "PLATFORMS: 'tiktok' is not one of facebook, instagram"),
        (["observe", "facebook", "--no-such-option"], "No such option: --no-such-option"),
        (["evaluate"], "Missing argument 'OBSERVATIONS'"),
        (["replica", "serve", "--mutate", "explode:fb.friend_requests"], "unknown kind 'explode'"),
        (["replica", "serve", "--mutate", "rename:fb.no_such_setting"], "unknown setting 'fb.no_such_setting'"),
        (
            ["replica", "serve", "--mutate", "pattern:fb.search_engine_link:control=listbox"],
            "control=listbox is not one for switch settings",
        ),
        (["replica", "serve", "--variation", "-1"], "auditor: error: --variation: give 0 or more"),
        (["run", "--workers", "x", "facebook"], "auditor: error: --workers: give a whole number"),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(capsys, argv, needle):
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert needle in err
    assert len(err.strip().splitlines()) == 1 and out == ""
    assert "Value error" not in err and "Input should be" not in err  # pydantic's words, not a person's


@pytest.mark.parametrize(
    "argv, said",
    [
        (["run", "instagra"], "PLATFORMS: 'instagra' is not one of facebook, instagram; did you mean instagram?"),
        (["login", "facebok"], "PLATFORM: 'facebok' is not one of facebook, instagram; did you mean facebook?"),
        (["report", "f.json", "--lang", "dee"], "--lang: 'dee' is not one of en, de; did you mean de?"),
        (["report", "f.json", "--lang", "fr"], "--lang: 'fr' is not one of en, de\n"),
    ],
)
def test_a_misspelt_choice_gets_the_nearest_one(capsys, argv, said):
    code, out, err = run(capsys, *argv)
    assert (code, out) == (2, "") and err == f"auditor: error: {said}" + ("" if said.endswith("\n") else "\n")


@pytest.mark.parametrize(
    "argv, kind, next_step",
    [
        (
            ["apply", "{file}", "--dry-run"],
            "observations",
            "this is an observations file: run `auditor evaluate` on it first",
        ),
        (["report", "{file}", "-o", "{out}"], "observations", "this is an observations file: run `auditor evaluate`"),
        (["evaluate", "{file}", "-o", "{out}/f.json"], "findings", "give it to `auditor report` or `auditor apply`"),
        (["report", "{file}", "-o", "{out}"], "apply", "`auditor apply --undo` takes it"),
    ],
)
def test_a_file_of_the_wrong_kind_says_what_it_is_and_what_to_do(capsys, tmp_path, argv, kind, next_step):
    given = tmp_path / f"{kind}.json"
    given.write_text(json.dumps({"schema_version": 1, "kind": kind}))
    code, _, err = run(capsys, *[a.format(file=given, out=tmp_path / "out") for a in argv])
    assert code == 2 and err.startswith(f"auditor: error: {given}: this is") and next_step in err, err
    assert "Input should be" not in err and ":1:" not in err and not (tmp_path / "out").exists()


def test_a_file_with_no_lines_gets_no_line_number(capsys, tmp_path):
    """A folder, a database or a missing file is named alone; a text file keeps its line."""
    observations = Path(__file__).parent / "bad_input" / "good-observations.json"
    for argv, named in (
        (["history", "--history", str(tmp_path / "none.sqlite")], f"{tmp_path / 'none.sqlite'}: --history: "),
        (["report", str(tmp_path / "missing.json"), "-o", str(tmp_path / "o")], f"{tmp_path / 'missing.json'}: cannot"),
        (["evaluate", str(observations), "-o", str(tmp_path)], f"{tmp_path}: -o: "),
    ):
        code, _, err = run(capsys, *argv)
        assert code == 2 and err.startswith(f"auditor: error: {named}"), err
    shutil.copy(GOLDEN / "eu.json", tmp_path / "broken.json")
    (tmp_path / "broken.json").write_text('{\n "kind": "findings",\n oops\n}\n')
    code, _, err = run(capsys, "report", str(tmp_path / "broken.json"), "-o", str(tmp_path / "o"))
    assert code == 2 and f"{tmp_path / 'broken.json'}:3: (json):" in err


def test_evaluate_names_the_file_and_line_of_broken_json(capsys, tmp_path):
    broken = tmp_path / "observations.json"
    broken.write_text('{\n  "schema_version": 1,\n  oops\n}\n')
    code, _, err = run(capsys, "evaluate", str(broken), "-o", str(tmp_path / "findings.json"))
    assert code == 2
    assert f"{broken}:3: (json):" in err
    assert not (tmp_path / "findings.json").exists()


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
