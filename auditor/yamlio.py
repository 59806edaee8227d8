"""Safe YAML loading that remembers line numbers, so errors read `file:line: field: message`.

Only `true` and `false` are booleans here (YAML 1.2). YAML 1.1 would read the values
`on`, `off`, `yes` and `no`, which settings use all the time, as booleans.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from auditor.errors import InputError


class _Loader(yaml.SafeLoader):
    pass


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|false)$"), list("tf")
)


class Document:
    """Parsed YAML data plus the line of every mapping key and list item."""

    def __init__(self, path: Path, data: Any, lines: dict[tuple, int]):
        self.path = path
        self.data = data
        self._lines = lines

    def line(self, loc: tuple) -> int:
        """The line of the deepest known prefix of `loc` (a pydantic error location)."""
        for end in range(len(loc), -1, -1):
            if loc[:end] in self._lines:
                return self._lines[loc[:end]]
        return 1

    def error(self, loc: tuple, message: str) -> InputError:
        field = ".".join(str(part) for part in loc) or "(top)"
        return InputError(f"{self.path}:{self.line(loc)}: {field}: {message}")


def load(path: Path) -> Document:
    """Read a YAML file; any problem is an InputError naming the file and line."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}:1: (file): cannot read: {exc}") from None
    return loads(text, Path(path))


def loads(text: str, path: Path) -> Document:
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        problem = getattr(exc, "problem", None) or str(exc)
        raise InputError(f"{path}:{line}: (yaml): {problem}") from None
    finally:
        loader.dispose()
    lines: dict[tuple, int] = {}
    data = _build(loader, node, (), lines, path) if node is not None else None
    return Document(path, data, lines)


def _build(loader: _Loader, node, loc: tuple, lines: dict, path: Path) -> Any:
    lines.setdefault(loc, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        out: dict = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if key in out:
                raise InputError(f"{path}:{key_node.start_mark.line + 1}: {key}: duplicate key")
            lines[loc + (key,)] = key_node.start_mark.line + 1
            out[key] = _build(loader, value_node, loc + (key,), lines, path)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(loader, item, loc + (i,), lines, path) for i, item in enumerate(node.value)]
    return loader.construct_object(node, deep=True)
