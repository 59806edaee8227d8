"""The kinds of file auditor writes, and what a person does with each: said when a command is given a file of
another kind than it takes ("this is an observations file: run `auditor evaluate` on it first"). Pure."""

from __future__ import annotations

# What to do with a file of each kind, said when a command was given one it does not take.
NEXT_STEP = {
    "observations": "this is an observations file: run `auditor evaluate` on it first",
    "findings": "this is a findings file (an audit already evaluated): give it to `auditor report` or "
    "`auditor apply`; `auditor evaluate` takes the observations.json beside it",
    "apply": "this is the record of an apply: `auditor apply --undo` takes it",
    "undo": "this is the record of an undo: look at it, or give the findings of an audit instead",
    "summary": "this is the summary of a run over many accounts: give one account's findings.json "
    "(in its folder) instead",
    "drift": "this is a drift result: `auditor drift` writes it; give an audit's observations.json instead",
    "history": "this is an export of the history: look at it, or give an audit's file instead",
}


def wrong_kind(path, data, wanted: tuple[str, ...]) -> str | None:
    """The error for a results file of another kind than the command takes (one of `wanted`), with the next step;
    None if it fits."""
    kind = data.get("kind") if isinstance(data, dict) else None
    if not isinstance(kind, str) or kind in wanted:
        return None
    return f"{path}: {NEXT_STEP.get(kind, f'this is not a {wanted[0]} file (it says it is {kind!r})')}"
