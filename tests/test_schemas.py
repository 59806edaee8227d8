"""The published JSON Schemas (docs/schemas/) are what `auditor schema` makes from the models, they are valid
JSON Schemas, and files auditor writes validate against them while files it refuses do not.

The files of real runs are validated where those runs happen already: the installed wheel's demo
(test_packaging), a cohort (test_cohort), an apply and an undo (test_apply_replica), a drift
(test_drift) and the history's export (test_history).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from json_schemas import SCHEMAS, validate, validate_folder, validator
from jsonschema import Draft202012Validator
from sample_reports import observations, report

from auditor import schemas
from auditor.cli import main

REGENERATE = "run `make schemas` (auditor schema --write docs/schemas) and commit docs/schemas/"


@pytest.mark.parametrize("kind", list(schemas.KINDS))
def test_the_published_schema_is_what_auditor_schema_prints(kind, capsys):
    published = SCHEMAS / schemas.file_name(kind)
    assert published.is_file(), f"{published.name} is missing: {REGENERATE}"
    assert main(["schema", kind]) == 0
    printed = capsys.readouterr().out
    assert published.read_text(encoding="utf-8") == printed, f"{published.name} is out of date: {REGENERATE}"
    Draft202012Validator.check_schema(json.loads(printed))


def test_docs_schemas_holds_one_file_per_kind_and_nothing_else():
    assert sorted(p.name for p in SCHEMAS.iterdir()) == sorted(map(schemas.file_name, schemas.KINDS)), REGENERATE


def test_write_makes_every_schema_in_a_folder(tmp_path, capsys):
    assert main(["schema", "--write", str(tmp_path / "schemas")]) == 0
    written = capsys.readouterr().out.split()
    assert written == [str(tmp_path / "schemas" / schemas.file_name(kind)) for kind in schemas.KINDS]
    for name in map(schemas.file_name, schemas.KINDS):
        assert (tmp_path / "schemas" / name).read_text() == (SCHEMAS / name).read_text()


@pytest.mark.parametrize("argv", [["schema"], ["schema", "report"], ["schema", "drift", "--write", "x"]])
def test_a_kind_or_write_and_nothing_else(argv, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == "" and len(err.strip().splitlines()) == 1 and not (tmp_path / "x").exists()


def test_the_files_of_an_offline_run_are_valid(tmp_path):
    """observations.json and findings.json of the replica's German account, evaluated and reported offline."""
    report("de", tmp_path)
    (tmp_path / "observations.json").write_text(json.dumps(observations_of("de")))
    assert validate_folder(tmp_path) == {"observations": 1, "findings": 1}


def observations_of(account: str) -> dict:
    return json.loads(observations(account).model_dump_json())


@pytest.mark.parametrize(
    "kind, change, field",
    [
        ("observations", lambda d: d.update(surprise=1), "(top)"),  # an unknown field
        ("observations", lambda d: d["observations"][0].update(status="maybe"), "observations.0.status"),
        ("findings", lambda d: d["findings"][0].update(severity="urgent"), "findings.0.severity"),
        ("findings", lambda d: d["findings"][0].pop("check"), "findings.0"),
    ],
)
def test_a_file_auditor_refuses_is_refused_by_its_schema_too(tmp_path, kind, change, field, capsys):
    report("demo", tmp_path)
    (tmp_path / "observations.json").write_text(json.dumps(observations_of("demo")))
    data = json.loads((tmp_path / f"{kind}.json").read_text())
    change(data)
    broken = tmp_path / "broken" / f"{kind}.json"
    broken.parent.mkdir()
    broken.write_text(json.dumps(data))
    with pytest.raises(AssertionError, match=re.escape(f"{broken}: {field}: ")):
        validate(broken)
    # auditor refuses it as well: evaluate reads observations, report reads findings.
    argv = ["evaluate", str(broken), "-o", str(tmp_path / "f.json")] if kind == "observations" else None
    argv = argv or ["report", str(broken), "-o", str(tmp_path / "r")]
    assert main(argv) == 2
    assert f"{broken}:1: " in capsys.readouterr().err


def test_each_schema_names_its_files_and_the_dialect():
    for kind in schemas.KINDS:
        schema = json.loads((SCHEMAS / schemas.file_name(kind)).read_text())
        assert schema["$schema"] == schemas.DIALECT and schema["title"] == f"auditor {kind}"
        assert schema["additionalProperties"] is False  # unknown fields are refused, as auditor refuses them
    assert validator("apply").schema["properties"]["kind"]["enum"] == ["apply", "undo"]


def test_the_golden_findings_are_valid():
    golden = Path(__file__).parent / "golden" / "findings"
    assert [validate(path) for path in sorted(golden.glob("*.json"))] == ["findings"] * 3
