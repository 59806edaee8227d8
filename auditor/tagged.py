"""Tagged unions: one pydantic model per kind (of a flow's step, of a change step, of a setting's read), and
errors that name the kind. No browser.

A flow's step is one key (`- click: {role: button, name: More}`); a setting says how it is read
(`read: switch`). Each kind is a model of its own, with only its own fields and its own way to run or
read, as shot-scraper's storyboard actions are. `by_key` and `by_field` make the union pydantic picks
the kind's model from, taking the YAML as written (flow files keep their short form). `where` turns a
pydantic error back into the YAML path it is about, and names the kind where the path does not
(`settings.0.account: Extra inputs are not permitted (read: switch; account goes with read: choice)`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, Union

from pydantic import BaseModel, BeforeValidator, Discriminator, Tag
from pydantic_core import PydanticCustomError


@dataclass(frozen=True)
class _Kind:
    family: str  # "step", "change step", "read"
    key: str | None  # the kind's own key in the YAML path (a step's `click`); None: the kind is a field's value
    model: type[BaseModel]


# A kind's tag, as pydantic puts it into an error's location ("read: switch", "step: click") -> the kind.
_KINDS: dict[str, _Kind] = {}


def by_key(family: str, kinds: dict[str, type[BaseModel]], refuse: Callable[[dict], str | None] | None = None) -> Any:
    """A union of kinds that are one key each (`- click: LOCATOR`): the key says the kind. `refuse` may say why a
    mapping is no such kind at all (a change step among a flow's steps)."""

    def shape(value):
        problem = refuse(value) if refuse is not None and isinstance(value, dict) else None
        if problem:
            raise ValueError(problem)
        if isinstance(value, BaseModel):
            return value
        if not isinstance(value, dict) or len(value) != 1:
            raise ValueError(f"a {family} is one of {', '.join(kinds)}")
        key = next(iter(value))
        if key not in kinds:
            raise _unknown(key, f"not a {family}: a {family} is one of {', '.join(kinds)}")
        return value

    tags = {kind: _tag(family, kind, kind, model) for kind, model in kinds.items()}
    return _union(tags, lambda value: next(iter(value)), shape)


def by_field(family: str, field: str, kinds: dict[str, type[BaseModel]]) -> Any:
    """A union of kinds told apart by one field's value (`read: switch`)."""

    def shape(value):
        if isinstance(value, BaseModel):
            return value
        if not isinstance(value, dict):
            raise ValueError(f"Input should be a mapping (with {field}: one of {', '.join(kinds)})")
        kind = value.get(field)
        if kind is None:
            raise _unknown(field, "Field required")
        if not isinstance(kind, str) or kind not in kinds:
            raise _unknown(field, f"Input should be one of {', '.join(kinds)} (not {kind})")
        return value

    tags = {kind: _tag(family, kind, None, model) for kind, model in kinds.items()}
    return _union(tags, lambda value: value[field], shape)


def _tag(family: str, kind: str, key: str | None, model: type[BaseModel]) -> str:
    tag = f"{family}: {kind}"
    _KINDS[tag] = _Kind(family, key, model)
    return tag


def _union(tags: dict[str, str], kind_of: Callable[[dict], str], shape: Callable) -> Any:
    models = {_KINDS[tag].model: tag for tag in tags.values()}

    def tag_of(value) -> str:
        return models[type(value)] if isinstance(value, BaseModel) else tags[kind_of(value)]

    members = tuple(Annotated[_KINDS[tag].model, Tag(tag)] for tag in tags.values())
    return Annotated[Union[members], Discriminator(tag_of), BeforeValidator(shape)]


def _unknown(key: str, message: str) -> PydanticCustomError:
    """An error about the key that says the kind (an unknown step, a missing or unknown `read:`): `where` puts
    that key into its path, so the line is the key's own."""
    return PydanticCustomError("unknown_kind", "{message}", {"message": message, "key": key})


def where(error: dict) -> tuple[tuple, str]:
    """A pydantic error's YAML path (without its kinds' tags) and its message, naming the kind where the path
    does not."""
    loc = [part for part in error["loc"] if not (isinstance(part, str) and part.startswith("function-"))]
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "unknown_kind":
        return (*(p for p in loc if p not in _KINDS), error["ctx"]["key"]), message
    path: list = []
    named = None  # the tag of a kind the path does not show
    for i, part in enumerate(loc):
        kind = _KINDS.get(part) if isinstance(part, str) else None
        if kind is None:
            path.append(part)
            continue
        rest = loc[i + 1 :]
        named = None if rest[:1] == [kind.key] else part
        if named is not None and error["type"] == "extra_forbidden" and len(rest) == 1:
            named += _goes_with(kind, rest[0])
    if named is not None and named not in message:
        message = f"{message} ({named})"
    return tuple(path), message


def _goes_with(kind: _Kind, field: str) -> str:
    """The kinds that take a field another kind was given: "; account goes with read: choice"."""
    others = [t for t, k in _KINDS.items() if k.family == kind.family and field in k.model.model_fields]
    return f"; {field} goes with {' or '.join(others)}" if others else ""
