"""The docs say what the code does: the README's first commands, and the CI workflow's auditor commands."""

import re
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def test_the_readme_opens_with_the_two_commands():
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert lines[:4] == ["```sh", "make demo", "make test", "```"]


def test_ci_runs_the_readme_test_command_and_nothing_else():
    script = [line for line in (ROOT / ".ci" / "run").read_text().splitlines() if line and not line.startswith("#")]
    assert script[-1] == "exec make test"


def test_the_drift_workflow_uses_options_auditor_has():
    workflow = yaml.safe_load((ROOT / "docs" / "ci-drift.yml").read_text(encoding="utf-8"))
    runs = "\n".join(step.get("run", "") for step in workflow["jobs"]["drift"]["steps"])
    commands = re.findall(r"\.venv/bin/auditor ((?:[^\n\\]|\\\n)+)", runs)
    assert commands, "the workflow runs auditor"
    for command in commands:
        words = command.replace("\\\n", " ").split()
        subcommand = words[0]
        help_text = subprocess.run(
            [sys.executable, "-m", "auditor", subcommand, "--help"], capture_output=True, text=True, check=True
        ).stdout
        for option in (w for w in words if w.startswith("--")):
            assert option in help_text, f"auditor {subcommand} has no {option}"


def test_the_readme_names_every_room_of_the_package():
    """The layout table matches the package: every module and subpackage is named, and nothing that is gone."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    table = text[text.index("The rooms of `auditor/`") :].split("\n\n")[1]
    first_cells = [row.split("|")[1] for row in table.splitlines()[2:]]
    named = {name for cell in first_cells for name in re.findall(r"`(\w+)/?`", cell)}
    package = ROOT / "auditor"
    rooms = {p.stem for p in package.glob("*.py") if p.stem not in ("__init__", "__main__")}
    rooms |= {p.name for p in package.iterdir() if p.is_dir() and (p / "__init__.py").exists()} | {"templates"}
    assert named == rooms, f"missing from README: {sorted(rooms - named)}; gone: {sorted(named - rooms)}"
