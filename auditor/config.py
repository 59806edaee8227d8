"""auditor.toml: your own defaults for the commands' options, so that they need not be typed each time.

    out = "~/audits/me"                  # the folder `run` writes into (and `doctor` checks)
    lang = "de"                          # the report's language: run, demo, report, summary
    checklist = "at-risk"                # run and evaluate: a shipped checklist or a file
    pace = 4                             # seconds between page loads: run and observe
    history = "~/audits/history.sqlite"  # where run records, and drift and history read (the demo keeps its own)
    notify = ["..."]                     # where `auditor watch` sends its messages (kept for it; may hold secrets)

It is read from `auditor --config FILE`, else from auditor.toml in the user config folder
(platformdirs: ~/.config/auditor/ on Linux) when there is one, before any command runs, and checked
strictly: an unknown key, a value of the wrong type or a checklist that is not there is
`file:line: field: message` and exit 2. An option given on the command line wins: the file only
changes an option's default (click's default_map, which `--help` shows too; never `notify`, whose
addresses may hold secrets). Relative paths are relative to the file's folder; `~` is the home folder.

TOML parsers give no line numbers for values, so the line of a key is found by reading the text.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from auditor import data
from auditor.errors import InputError
from auditor.userfile import read_text

FILE_NAME = "auditor.toml"
MAX_BYTES = 2**20
# The commands each default applies to, as the option of the same name. (`notify` is for `auditor watch`.)
COMMANDS = {
    "out": ("run", "doctor"),
    "lang": ("run", "demo", "report", "summary"),
    "checklist": ("run", "evaluate"),
    "pace": ("run", "observe"),
    "history": ("run", "drift", "history"),
}
NonEmpty = Annotated[str, Field(min_length=1)]


class Config(BaseModel):
    """The keys of auditor.toml, each optional. Strict: TOML has types, and "4" is not a number of seconds."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    out: NonEmpty | None = Field(None, description="The folder `auditor run` writes into (-o)")
    lang: Literal["en", "de"] | None = Field(None, description="The reports' language (--lang)")
    checklist: NonEmpty | None = Field(None, description="A shipped checklist or a file (--checklist)")
    pace: Annotated[float, Field(ge=0, allow_inf_nan=False)] | None = Field(
        None, description="Seconds between page loads (--pace)"
    )
    notify: list[NonEmpty] = Field([], description="Where `auditor watch` sends its messages")
    history: NonEmpty | None = Field(None, description="The history database (--history)")

    def default_map(self) -> dict[str, dict]:
        """The defaults per command, as click takes them (`Context.default_map`)."""
        commands: dict[str, dict] = {}
        for key, names in COMMANDS.items():
            value = getattr(self, key)
            if value is not None:
                for name in names:
                    commands.setdefault(name, {})[key] = value
        return commands


def user_file() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir("auditor")) / FILE_NAME


def load(path: Path | None = None) -> Config:
    """The defaults of `path`, else of the user's auditor.toml, else none; any problem is an InputError."""
    if path is None:
        path = user_file()
        if not path.is_file():
            return Config()
    text = read_text(path, MAX_BYTES)
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        line, message = (found[1], str(exc)[: found.start()].strip()) if found else ("1", str(exc))
        raise InputError(f"{path}:{line}: (toml): {message}") from None
    lines = key_lines(text)
    try:
        config = Config.model_validate(raw)
    except ValidationError as exc:
        # An unknown key first: it is most likely a typo of the key whose "wrong type" error would follow.
        err = next((e for e in exc.errors() if e["type"] == "extra_forbidden"), exc.errors()[0])
        loc = tuple(err["loc"])
        message = f"not a key of {FILE_NAME} (its keys: {', '.join(Config.model_fields)})"
        raise _error(path, lines, loc, message if err["type"] == "extra_forbidden" else err["msg"]) from None
    return _resolved(config, path, lines)


def _resolved(config: Config, path: Path, lines: dict[tuple, int]) -> Config:
    """Paths made relative to the file's folder, and the checklist found (a shipped name stays a name)."""
    folder = Path(path).parent

    def at(value: str) -> str:
        return str(folder / Path(value).expanduser())

    update = {key: at(getattr(config, key)) for key in ("out", "history") if getattr(config, key) is not None}
    if config.checklist is not None and not (data.checklists_dir() / f"{config.checklist}.yml").is_file():
        update["checklist"] = at(config.checklist)
        if not Path(update["checklist"]).is_file():
            shipped = ", ".join(sorted(p.stem for p in data.checklists_dir().glob("*.yml")))
            raise _error(path, lines, ("checklist",), f"no such file or shipped checklist (shipped: {shipped})")
    return config.model_copy(update=update)


def _error(path: Path, lines: dict[tuple, int], loc: tuple, message: str) -> InputError:
    """`file:line: field: message`, the line that of the deepest key of `loc` the text holds (never the value)."""
    line = next((lines[loc[:end]] for end in range(len(loc), 0, -1) if loc[:end] in lines), 1)
    field = ".".join(str(part) for part in loc) or "(top)"
    return InputError(f"{path}:{line}: {field}: {message}")


# A table's header ([name], [[name]]) and a key (bare, quoted or dotted) at the start of a line.
_PART = r"""(?:"[^"\n]*"|'[^'\n]*'|[A-Za-z0-9_-]+)"""
_HEADER = re.compile(rf"\s*\[\[?\s*({_PART}(?:\s*\.\s*{_PART})*)\s*\]\]?\s*(?:#.*)?$")
_KEY = re.compile(rf"\s*({_PART}(?:\s*\.\s*{_PART})*)\s*=")
_PIECE = re.compile(r""""([^"\n]*)"|'([^'\n]*)'|([A-Za-z0-9_-]+)""")


def key_lines(text: str) -> dict[tuple, int]:
    """Each key's path (as pydantic's error locations name it) and the line it first appears on."""
    lines: dict[tuple, int] = {}
    table: tuple = ()
    for number, line in enumerate(text.splitlines(), start=1):
        if header := _HEADER.match(line):
            table = _parts(header[1])
            lines.setdefault(table, number)
        elif key := _KEY.match(line):
            lines.setdefault(table + _parts(key[1]), number)
    return lines


def _parts(dotted: str) -> tuple:
    """a."b.c".d -> ("a", "b.c", "d")"""
    return tuple(next(g for g in piece.groups() if g is not None) for piece in _PIECE.finditer(dotted))
