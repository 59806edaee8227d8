"""Reading a file a user gives: bounded in size, UTF-8, JSON bounded in nesting; every problem an InputError.

The bounds keep a hostile or mistaken file (a YAML alias bomb, gigabytes of JSON, /dev/zero)
from eating memory or time before it is refused.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from auditor.errors import InputError

MAX_YAML_BYTES = 2 * 2**20  # the largest shipped checklist is under 60 kB
MAX_JSON_BYTES = 64 * 2**20  # observations of 10,000 settings take about 4 MB
MAX_DEPTH = 50  # nesting levels; shipped flows and checklists use fewer than 10


def read_text(path: Path, max_bytes: int, field: str = "(file)") -> str:
    """The file's text; too big, unreadable or not UTF-8 is `file:line: field: message`."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read(max_bytes + 1)  # never more: the file may be endless (/dev/zero)
    except (OSError, ValueError) as exc:  # ValueError: a NUL byte in the path
        raise InputError(f"{path}:1: {field}: cannot read: {getattr(exc, 'strerror', None) or exc}") from None
    if len(raw) > max_bytes:
        raise InputError(
            f"{path}:1: {field}: larger than {max_bytes // 2**20} MB, more than auditor reads from such a file"
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise InputError(f"{path}:{line}: {field}: not UTF-8 text (byte {raw[exc.start]:#04x})") from None


def load_json(path: Path, field: str | None = None, what: str = "JSON") -> Any:
    """A JSON file's data. Messages name `field` (default: "(file)", or "(json)" for the syntax) and
    `what` the file should be."""
    text = read_text(path, MAX_JSON_BYTES, field or "(file)")
    field = field or "(json)"
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}:{exc.lineno}: {field}: not {what} ({exc.msg})") from None
    except RecursionError:  # Python's json recurses once per level
        raise InputError(f"{path}:1: {field}: not {what} (nested too deeply)") from None
    except ValueError:  # Python reads no integer of more than 4300 digits
        raise InputError(f"{path}:1: {field}: not {what} (a number too long)") from None
