"""auditor.toml: defaults for the commands' options, from `--config FILE` or the user config folder.

Offline: each default reaches its commands, an option on the command line wins, relative paths are
the file's, and a bad file is one line `file:line: field: message`, exit 2, with nothing written and
no value of it shown (notify's addresses may hold secrets).
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from pathlib import Path

import pytest
from json_schemas import validator
from sample_reports import observations, report

from auditor import results
from auditor.cli import main
from auditor.config import COMMANDS, Config, load

SECRET = "https://user:s3cret-token@notify.example.org/hook"


def write_config(folder: Path, text: str, name: str = "auditor.toml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder / name


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


# ---------------------------------------------------------------------- the file's defaults, and the command line's
def test_lang_from_the_file_and_from_the_command_line(tmp_path, capsys):
    report("demo", tmp_path / "demo")  # the demo account's pages are in English
    config = write_config(tmp_path, 'lang = "de"\n')
    findings = str(tmp_path / "demo" / "findings.json")
    assert run(["--config", str(config), "report", findings, "-o", str(tmp_path / "de")], capsys)[0] == 0
    assert '<html lang="de">' in (tmp_path / "de" / "report.html").read_text(encoding="utf-8")
    argv = ["--config", str(config), "report", findings, "-o", str(tmp_path / "en"), "--lang", "en"]
    assert run(argv, capsys)[0] == 0
    assert '<html lang="en">' in (tmp_path / "en" / "report.html").read_text(encoding="utf-8")


def test_checklist_from_the_file_and_from_the_command_line(tmp_path, capsys):
    (tmp_path / "observations.json").write_text(observations("demo").model_dump_json())
    config = write_config(tmp_path, 'checklist = "ai-training"\n')
    given = ["--config", str(config), "evaluate", str(tmp_path / "observations.json"), "-o"]
    assert run([*given, str(tmp_path / "a.json")], capsys)[0] == 0
    assert run([*given, str(tmp_path / "b.json"), "--checklist", "default"], capsys)[0] == 0
    ids = [results.read(tmp_path / name, results.Findings).checklist.id for name in ("a.json", "b.json")]
    assert ids == ["ai-training", "default"]


@pytest.fixture
def one_account(tmp_path) -> Path:
    """An accounts file whose one account gets in with a saved session: valid, so a run gets as far as its folder."""
    (tmp_path / "session.json").write_text(json.dumps({"cookies": [], "origins": []}))
    path = tmp_path / "accounts.yml"
    path.write_text("accounts:\n  - {name: a, platforms: [facebook], session: session.json}\n")
    return path


def test_out_from_the_file_and_from_the_command_line(tmp_path, capsys, one_account):
    # Folders under a regular file: the run stops at the folder, naming it, before any browser starts.
    (tmp_path / "a-file").write_text("")
    config = write_config(tmp_path / "conf", 'out = "../a-file/from-the-file"\n')
    argv = ["--config", str(config), "run", "--accounts", str(one_account)]
    code, _, err = run(argv, capsys)
    assert code == 2 and f"{tmp_path}/conf/../a-file/from-the-file: -o:" in err, err
    code, _, err = run([*argv, "-o", str(tmp_path / "a-file" / "given")], capsys)
    assert code == 2 and f"{tmp_path}/a-file/given: -o:" in err and "from-the-file" not in err, err


def test_history_from_the_file_gives_way_to_the_command_line_and_to_no_history(tmp_path, capsys, one_account):
    config = write_config(tmp_path / "conf", 'history = "runs.sqlite"\nout = "../a-file/out"\n')
    code, _, err = run(["--config", str(config), "history"], capsys)
    assert code == 2 and err.startswith(f"auditor: error: {tmp_path}/conf/runs.sqlite: --history: no history")
    code, _, err = run(["--config", str(config), "history", "--history", str(tmp_path / "other.sqlite")], capsys)
    assert code == 2 and f"{tmp_path}/other.sqlite: --history:" in err
    # --no-history wins over the file's history (where --history with --no-history is a usage error).
    (tmp_path / "a-file").write_text("")
    code, _, err = run(["--config", str(config), "run", "--accounts", str(one_account), "--no-history"], capsys)
    assert code == 2 and "a-file/out: -o:" in err, err
    argv = ["run", "--accounts", str(one_account), "--no-history", "--history", "x.sqlite"]
    assert "do not go together" in run(["--config", str(config), *argv], capsys)[2]


def test_pace_is_the_default_run_and_observe_show_and_notify_never_shows(tmp_path, capsys):
    config = write_config(tmp_path, f'pace = 4\nnotify = ["{SECRET}"]\n')
    for command in ("run", "observe"):
        code, out, _ = run(["--config", str(config), command, "--help"], capsys)
        assert code == 0 and re.search(r"--pace FLOAT[^-]*\[default: 4\.0\]", out, re.S), out
        assert "s3cret" not in out
    assert load(config).notify == [SECRET] and all("notify" not in d for d in load(config).default_map().values())


def test_the_users_file_is_read_without_config_and_config_replaces_it(tmp_path, capsys):
    user = Path(os.environ["XDG_CONFIG_HOME"]) / "auditor"
    write_config(user, 'checklist = "at-risk"\n')
    try:
        (tmp_path / "observations.json").write_text(observations("demo").model_dump_json())
        argv = ["evaluate", str(tmp_path / "observations.json"), "-o"]
        assert run([*argv, str(tmp_path / "a.json")], capsys)[0] == 0
        other = write_config(tmp_path, "lang = 'en'\n")
        assert run(["--config", str(other), *argv, str(tmp_path / "b.json")], capsys)[0] == 0
        ids = [results.read(tmp_path / name, results.Findings).checklist.id for name in ("a.json", "b.json")]
        assert ids == ["at-risk", "default"]
    finally:
        (user / "auditor.toml").unlink()


def test_every_key_reaches_only_the_commands_it_names():
    config = Config(out="o", lang="de", checklist="at-risk", pace=1.5, history="h.sqlite", notify=["x"])
    expected: dict[str, dict] = {}
    for key, commands in COMMANDS.items():
        for command in commands:
            expected.setdefault(command, {})[key] = getattr(config, key)
    assert config.default_map() == expected
    assert "history" not in expected["demo"]  # the demo records into a history of its own


# ---------------------------------------------------------------------- a bad file: one line, exit 2, nothing written
@pytest.mark.parametrize(
    "text, where, message",
    [
        ('out = "x"\npace = "fast"\n', ":2: pace:", "Input should be a valid number"),
        ('out = "x"\n\ncolour = "blue"\n', ":3: colour:", "not a key of auditor.toml (its keys: out, lang,"),
        ('out = "x"\n[run]\npace = 1\n', ":2: run:", "not a key of auditor.toml"),
        ("# mine\nlang = 'fr'\n", ":2: lang:", "Input should be 'en' or 'de'"),
        ("pace = -1\n", ":1: pace:", "greater than or equal to 0"),
        ("pace = inf\n", ":1: pace:", "finite number"),
        ("pace = true\n", ":1: pace:", "valid number"),
        (f'notify = "{SECRET}"\n', ":1: notify:", "Input should be a valid list"),
        (f'notify = [\n  "{SECRET}",\n  42,\n]\n', ":1: notify.1:", "Input should be a valid string"),
        ('out = ""\n', ":1: out:", "at least 1 character"),
        ('checklist = "nope"\n', ":1: checklist:", "no such file or shipped checklist"),
        ('out = "x"\nlang = \n', ":2: (toml):", "Invalid value"),
        ('out = "x"\nout = "y"\n', ":2: (toml):", "Cannot overwrite a value"),
    ],
)
def test_a_bad_config_file_is_one_line_and_exit_2(tmp_path, capsys, one_account, text, where, message):
    config = write_config(tmp_path / "conf", text)
    code, out, err = run(["--config", str(config), "run", "--accounts", str(one_account), "-o", "out"], capsys)
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1, err
    assert err.startswith(f"auditor: error: {config}{where}") and message in err, err
    assert "s3cret" not in err and not (tmp_path / "out").exists()


def test_a_missing_config_file_is_one_line_and_exit_2(tmp_path, capsys):
    code, _, err = run(["--config", str(tmp_path / "nope.toml"), "schema", "config"], capsys)
    assert code == 2 and err.splitlines() == [
        f"auditor: error: {tmp_path}/nope.toml: cannot read: No such file or directory"
    ]


def test_the_readme_example_is_a_valid_config_for_the_published_schema(tmp_path):
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    example = readme.split("## Your defaults", 1)[1].split("```toml\n", 1)[1].split("```", 1)[0]
    assert validator("config").is_valid(tomllib.loads(example))
    config = load(write_config(tmp_path, example))
    assert (config.lang, config.checklist, config.pace) == ("de", "at-risk", 4)
    assert config.out == str(Path.home() / "audits")  # ~ is the home folder
