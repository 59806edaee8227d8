"""The JSON files a run wrote, each checked against the published JSON Schema of its kind (docs/schemas/,
written by `make schemas`) with a validator of its own (jsonschema), not with the models that wrote them."""

from __future__ import annotations

import json
from collections import Counter
from functools import lru_cache
from pathlib import Path

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

SCHEMAS = Path(__file__).resolve().parent.parent / "docs" / "schemas"
SCHEMA_OF = {"apply": "apply", "undo": "apply"}  # a file's `kind` -> its schema, where they differ


@lru_cache
def validator(schema: str) -> Draft202012Validator:
    return Draft202012Validator(json.loads((SCHEMAS / f"{schema}.schema.json").read_text(encoding="utf-8")))


def validate(path: Path) -> str:
    """The file's kind, once it is valid against that kind's schema; an AssertionError naming the field if not."""
    data = json.loads(path.read_text(encoding="utf-8"))
    kind = data.get("kind") if isinstance(data, dict) else None
    assert kind is not None, f"{path}: no kind"
    error = best_match(validator(SCHEMA_OF.get(kind, kind)).iter_errors(data))
    assert error is None, f"{path}: {'.'.join(map(str, error.absolute_path)) or '(top)'}: {error.message}"
    return kind


def validate_folder(folder: Path) -> Counter:
    """Every .json file under `folder`, validated; how many of each kind there were."""
    return Counter(validate(path) for path in sorted(folder.rglob("*.json")))
