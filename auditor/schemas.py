"""The JSON Schemas of the files auditor writes (and of auditor.toml, which it reads), made from the pydantic
models that write and read them.

`auditor schema KIND` prints one. The published copies are docs/schemas/KIND.schema.json; after a
model changes, `make schemas` (`auditor schema --write docs/schemas`) rewrites them, and
tests/test_schemas.py fails until it has. A file valid against its schema is one auditor reads back
(both refuse unknown fields; the schema is the stricter: pydantic would take "3" for a number).
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path

from auditor.files import write_atomic

DIALECT = "https://json-schema.org/draft/2020-12/schema"
# kind -> (module, model, the files it describes); a model is imported only when its schema is asked for.
KINDS = {
    "observations": ("auditor.results", "Observations", "observations.json: what every setting showed"),
    "findings": ("auditor.results", "Findings", "findings.json: each check of the checklist against them"),
    "apply": ("auditor.apply.record", "Applied", "apply.json and undo.json: what auditor apply changed"),
    "drift": ("auditor.drift", "Drift", "drift.json: how the pages changed since a baseline"),
    "history": ("auditor.history.export", "HistoryExport", "auditor history --export FILE.json"),
    "summary": ("auditor.cohort.summary", "Summary", "summary.json: a run over many accounts"),
    "config": ("auditor.config", "Config", "auditor.toml: your defaults for the commands' options (TOML)"),
}


def schema(kind: str) -> dict:
    module, model, files = KINDS[kind]
    generated = getattr(importlib.import_module(module), model).model_json_schema()
    return {"$schema": DIALECT, **generated, "title": f"auditor {kind}", "description": files}


def text(kind: str) -> str:
    return json.dumps(schema(kind), indent=2, ensure_ascii=False) + "\n"


def file_name(kind: str) -> str:
    return f"{kind}.schema.json"


def write_all(folder: Path) -> list[Path]:
    """Every schema into `folder`, each file written whole."""
    folder.mkdir(parents=True, exist_ok=True)
    return [write_atomic(folder / file_name(kind), text(kind)) for kind in KINDS]
