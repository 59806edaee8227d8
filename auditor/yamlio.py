"""Safe YAML loading that remembers line numbers, so errors read `file:line: field: message`.

Only `true` and `false` are booleans here (YAML 1.2). YAML 1.1 would read the values
`on`, `off`, `yes` and `no`, which settings use all the time, as booleans.

Files are untrusted: anchors and aliases are refused (one alias can stand for billions of nodes,
the "billion laughs"), and so are files over MAX_YAML_BYTES or nested deeper than MAX_DEPTH.
"""

from __future__ import annotations

import copy
import os
import re
from pathlib import Path
from typing import Any

import yaml

from auditor.errors import InputError
from auditor.userfile import MAX_DEPTH, MAX_YAML_BYTES, read_text


class _Loader(yaml.SafeLoader):
    pass


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|false)$"), list("tf"))


class _FileLoader(_Loader):
    """For files: no anchors or aliases (unless `aliases`, for the replica's own data), at most MAX_DEPTH levels."""

    def __init__(self, text: str, aliases: bool):
        super().__init__(text)
        self.aliases = aliases
        self.depth = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        if not self.aliases and (isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None):
            raise yaml.composer.ComposerError(None, None, "anchors and aliases are not allowed", event.start_mark)
        if self.depth >= MAX_DEPTH:
            raise yaml.composer.ComposerError(None, None, f"nested deeper than {MAX_DEPTH} levels", event.start_mark)
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


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


def load(path: Path, *, aliases: bool = False) -> Document:
    """Read a YAML file; any problem is an InputError naming the file and line.

    A file read before and unchanged since (same size and modification time) is not parsed again: a run
    reads the flows and checklists several times, and parsing with line numbers is slow."""
    try:
        stat = os.stat(path)
    except OSError:
        return loads(read_text(path, MAX_YAML_BYTES), Path(path), aliases=aliases)  # says what went wrong
    key = (os.path.realpath(path), stat.st_mtime_ns, stat.st_size, aliases)
    if key not in _parsed:
        _parsed[key] = loads(read_text(path, MAX_YAML_BYTES), Path(path), aliases=aliases)
    doc = _parsed[key]
    return Document(Path(path), copy.deepcopy(doc.data), doc._lines)


_parsed: dict[tuple, Document] = {}  # (file, mtime, size, aliases) -> its parsed document


# libyaml, where PyYAML was built with it: it parses a file ten times as fast. It reads what it may (no character
# YAML refuses, no alias unless allowed, not deep); anything else is read by the checked loader, which says why.
_Fast = getattr(yaml, "CSafeLoader", None)
if _Fast is not None:
    _Fast = type("_Fast", (_Fast,), {"yaml_implicit_resolvers": _Loader.yaml_implicit_resolvers})
_OPENS, _CLOSES = (yaml.MappingStartEvent, yaml.SequenceStartEvent), (yaml.MappingEndEvent, yaml.SequenceEndEvent)


def _fast(text: str, aliases: bool):
    """(loader, node) of a plain file read by libyaml; None for one the checked loader must read (or refuse)."""
    if _Fast is None or yaml.reader.Reader.NON_PRINTABLE.search(text):
        return None
    try:
        depth = 0
        for event in yaml.parse(text, Loader=_Fast):
            if not aliases and (isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None):
                return None
            depth += isinstance(event, _OPENS) - isinstance(event, _CLOSES)
            if depth >= MAX_DEPTH - 1:
                return None
        loader = _Fast(text)
        return loader, loader.get_single_node()
    except yaml.YAMLError:
        return None


def loads(text: str, path: Path, *, aliases: bool = False) -> Document:
    fast = _fast(text, aliases)
    if fast is not None:
        loader, node = fast
        lines: dict[tuple, int] = {}
        return Document(path, _build(loader, node, (), lines, path) if node is not None else None, lines)
    try:
        loader = _FileLoader(text, aliases)  # checks every character first
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise InputError(f"{path}:{mark.line + 1 if mark else 1}: (yaml): {exc.problem or exc.context}") from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow; its position counts characters
        line = text.count("\n", 0, exc.position) + 1
        raise InputError(f"{path}:{line}: (yaml): {exc.reason} (U+{exc.character:04X})") from None
    lines: dict[tuple, int] = {}
    data = _build(loader, node, (), lines, path) if node is not None else None
    return Document(path, data, lines)


def _build(loader: _Loader, node, loc: tuple, lines: dict, path: Path) -> Any:
    lines.setdefault(loc, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        out: dict = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise InputError(
                    f"{path}:{key_node.start_mark.line + 1}: (yaml): a key must be a plain value, not a list or mapping"
                )
            key = _scalar(loader, key_node, path)
            if key in out:
                raise InputError(f"{path}:{key_node.start_mark.line + 1}: {key}: duplicate key")
            lines[loc + (key,)] = key_node.start_mark.line + 1
            out[key] = _build(loader, value_node, loc + (key,), lines, path)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(loader, item, loc + (i,), lines, path) for i, item in enumerate(node.value)]
    return _scalar(loader, node, path)


def _scalar(loader: _Loader, node, path: Path) -> Any:
    """A plain value; a tag it does not fit (`!!int abc`, `!!python/object`) is an error at its line."""
    try:
        return loader.construct_object(node, deep=True)
    except yaml.MarkedYAMLError as exc:
        problem = exc.problem
    except (ValueError, TypeError):  # the constructors of !!int, !!timestamp, ... raise these, quoting the value
        problem = f"not a valid {node.tag.rpartition(':')[2]}"  # without the value: it could be a secret
    raise InputError(f"{path}:{node.start_mark.line + 1}: (yaml): {problem}")
