"""How the command line presents itself: its help in typer's long-standing conventions, its commands in the
order a person uses them, and its errors in plain words.

Typer 0.29 writes a parameter's Python type as its placeholder (`<path>`, `<list[str]>`, `<int range>`)
and a required argument in braces (`{findings}`); `conventional()` gives every parameter the placeholder
click and typer have long shown: the argument's name in capitals (FINDINGS, PLATFORMS...) and the
option's kind (PATH, TEXT, INTEGER, FLOAT, [en|de]). `plain()` rewrites an error as a person reads it:
no "Value error," from pydantic, the values a choice takes and the nearest one ("did you mean
instagram?"), and no line number for a file that has no lines (a folder, a database, a missing file).
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

from typer.core import TyperArgument, TyperGroup

# The order a person meets the commands in: try it, check the machine, log in, audit, look back, change;
# then the stages one by one, and the tools for CI and for those who write flows.
ORDER = (
    "demo",
    "doctor",
    "login",
    "run",
    "history",
    "apply",
    "observe",
    "evaluate",
    "report",
    "drift",
    "baseline",
    "flows",
    "replica",
    "schema",
)
HELP_OPTIONS = {"help_option_names": ["-h", "--help"]}


class Ordered(TyperGroup):
    """A command group that lists its commands in ORDER (any other after them, as registered)."""

    def list_commands(self, ctx) -> list[str]:
        names = list(self.commands)
        return sorted(names, key=lambda name: ORDER.index(name) if name in ORDER else len(ORDER) + names.index(name))


class _Argument(TyperArgument):
    """An argument shown as its name in capitals, in the usage line and in the help alike."""

    def display_type_rich(self, ctx) -> None:  # the name says it all: no <path> after FINDINGS
        return None

    def _usage_display_name(self) -> str:
        name = self.metavar + ("..." if self.nargs != 1 else "")
        return name if self.required else f"[{name}]"


def conventional(command) -> None:
    """Every parameter of `command` and its subcommands with typer's conventional placeholder."""
    for param in getattr(command, "params", []):
        if param.metavar is not None or getattr(param, "is_flag", False) or getattr(param, "count", False):
            continue
        if isinstance(param, TyperArgument):
            param.metavar = param.name.upper()
            param.__class__ = _Argument
        else:
            param.metavar = _kind(param)
    for sub in getattr(command, "commands", {}).values():
        conventional(sub)


def _kind(param) -> str:
    desc = param.type_descriptor
    if desc.is_choice:
        return "[" + "|".join(str(getattr(c, "value", c)) for c in desc.choices or ()) + "]"
    if desc.is_path:
        return "PATH"
    annotation = desc.annotation
    inner = getattr(annotation, "__args__", (annotation,))[0] if desc.is_list else annotation
    kind = {int: "INTEGER", float: "FLOAT", bool: "BOOLEAN"}.get(inner, "TEXT")
    return f"{kind} RANGE" if desc.is_ranged else kind


# ---------------------------------------------------------------------- errors in plain words
CHOICE = re.compile(r"'(?P<given>[^']*)' is not one of (?P<choices>'[^']*'(?:, '[^']*')*)\.?")
PYDANTIC = {
    r"Input should be greater than or equal to (\S+)": r"give \1 or more",
    r"Input should be less than or equal to (\S+)": r"give \1 or less",
    r"Input should be a valid integer.*": "give a whole number",
    r"Input should be a valid number.*": "give a number",
}


def plain(message: str) -> str:
    """An error message as a person reads it (see the module)."""
    message = message.replace("Value error, ", "")
    invalid = re.fullmatch(r"Invalid value for (?P<hint>'[^']+'(?: / '[^']+')*): (?P<why>.*)", message, re.S)
    if invalid:  # an option by its long name: '-o' / '--out' is --out
        name = re.findall(r"'([^']+)'", invalid["hint"])[-1]
        message = f"{name}: {_why(invalid['why'])}"
    return _no_spurious_line(message)


def _why(why: str) -> str:
    choice = CHOICE.search(why)
    if choice:
        choices = re.findall(r"'([^']*)'", choice["choices"])
        nearest = difflib.get_close_matches(choice["given"].lower(), choices, n=1, cutoff=0.5)
        said = f"{choice['given']!r} is not one of {', '.join(choices)}"
        return said + (f"; did you mean {nearest[0]}?" if nearest else "")
    for pattern, words in PYDANTIC.items():
        if re.fullmatch(pattern, why.strip()):
            return re.sub(pattern, words, why.strip())
    return why


def _no_spurious_line(message: str) -> str:
    """`PATH:1: ...` loses its `:1` when PATH is no file of lines (a folder, a database, nothing at all)."""
    found = re.match(r"(?P<path>[^\n]+?):1: ", message)
    if found is None or _has_lines(found["path"]):
        return message
    return f"{found['path']}: {message[found.end() :].removeprefix('(file): ')}"


def _has_lines(name: str) -> bool:
    try:
        path = Path(name)
        if not path.is_file():
            return False
        with path.open("rb") as opened:
            return b"\0" not in opened.read(4096)  # text, not a database or an image
    except (OSError, ValueError):
        return False
