"""Where the data that ships with auditor lives, in a checkout and in an installed wheel."""

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def _shipped(name: str) -> Path:
    # A wheel carries flows/ and checklists/ inside the package (pyproject force-include);
    # a checkout or an editable install keeps them at the top of the repository.
    inside = PACKAGE / name
    return inside if inside.is_dir() else PACKAGE.parent / name


def flows_dir() -> Path:
    return _shipped("flows")


def checklists_dir() -> Path:
    return _shipped("checklists")


def templates_dir() -> Path:
    return PACKAGE / "templates"


def replica_dir() -> Path:
    return PACKAGE / "replica"
