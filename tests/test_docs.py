"""The docs say what the code does: the README's first commands, the action and the CI workflow that uses it."""

import re
import subprocess
import sys
from pathlib import Path

import yaml

from auditor.cli import main
from auditor.cli.exits import Level

ROOT = Path(__file__).resolve().parent.parent


def test_the_readme_opens_with_the_two_commands():
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert lines[:4] == ["```sh", "make demo", "make test", "```"]


def test_ci_runs_the_readme_test_command_and_nothing_else():
    script = [line for line in (ROOT / ".ci" / "run").read_text().splitlines() if line and not line.startswith("#")]
    assert script[-1] == "exec make test"


def check_jsonschema(builtin: str, path: Path) -> subprocess.CompletedProcess:
    """check-jsonschema with one of the schemas it carries (no download)."""
    command = [sys.executable, "-m", "check_jsonschema", "--builtin-schema", builtin, str(path)]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def test_the_action_and_the_workflow_are_valid_against_github_s_published_schemas():
    action = check_jsonschema("vendor.github-actions", ROOT / "action.yml")
    assert action.returncode == 0, action.stdout + action.stderr
    for name in ("ci-drift.yml", "ci-shards.yml"):
        workflow = check_jsonschema("vendor.github-workflows", ROOT / "docs" / name)
        assert workflow.returncode == 0, name + workflow.stdout + workflow.stderr


def test_a_broken_action_is_refused_by_that_schema(tmp_path):
    """The check above can fail: an action whose step misses the shell a composite step needs."""
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    del next(step for step in action["runs"]["steps"] if "run" in step)["shell"]
    (tmp_path / "action.yml").write_text(yaml.safe_dump(action))
    assert check_jsonschema("vendor.github-actions", tmp_path / "action.yml").returncode == 1


def test_the_action_runs_auditor_with_options_it_has(capsys):
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    audit = next(step for step in action["runs"]["steps"] if step.get("id") == "audit")
    options = set(re.findall(r"(?<![\w-])--[a-z][a-z-]+", audit["run"]))
    assert {"--checklist", "--baseline", "--fail-on"} <= options
    assert main(["run", "--help"]) == 0
    help_text = capsys.readouterr().out
    assert all(option in help_text for option in options), options
    # Every input the script reads is one the action declares.
    used = set(re.findall(r"\$\{\{ inputs\.([a-z-]+) \}\}", (ROOT / "action.yml").read_text(encoding="utf-8")))
    assert used == set(action["inputs"]), used ^ set(action["inputs"])


def test_the_drift_workflow_uses_the_action_with_inputs_it_declares():
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    workflow = yaml.safe_load((ROOT / "docs" / "ci-drift.yml").read_text(encoding="utf-8"))
    uses = [step for step in workflow["jobs"]["drift"]["steps"] if step.get("uses") == "./"]
    assert len(uses) == 1
    given = uses[0]["with"]
    assert set(given) <= set(action["inputs"]), set(given) - set(action["inputs"])
    assert given["fail-on"] in [level.value for level in Level] and given["baseline"]


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


def test_the_shards_workflow_audits_a_shard_per_job_and_merges_them_in_a_last_job():
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    jobs = yaml.safe_load((ROOT / "docs" / "ci-shards.yml").read_text(encoding="utf-8"))["jobs"]
    audit, merge = ([step for step in job["steps"] if step.get("uses") == "./"] for job in jobs.values())
    assert len(audit) == len(merge) == 1
    assert set(audit[0]["with"]) | set(merge[0]["with"]) <= set(action["inputs"])
    # Job I of the matrix's N audits shard I/N; the last job needs them all and merges their folders.
    assert audit[0]["with"]["shard"] == "${{ matrix.shard }}/${{ strategy.job-total }}"
    shard_job = next(name for name, job in jobs.items() if "strategy" in job)
    assert jobs[shard_job]["strategy"]["matrix"]["shard"] == list(range(1, 5))
    summary_job = next(job for job in jobs.values() if job.get("needs") == shard_job)
    assert summary_job["if"] == "always()" and merge[0]["with"]["shards"] == "shards/*"
