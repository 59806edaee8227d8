"""A cohort across machines: `run --accounts FILE --shard I/N` audits one share of the file, and
`auditor summary DIR...` merges the shards' folders into one, as one run over every account would
have written it.

The split is by place in the file: the account at place p (from 1) is in shard ((p - 1) mod N) + 1.
Every account is in exactly one shard, shards differ in size by one account at most, and a shard
needs nothing but the file and its I/N, so every job of a CI matrix reads the same file and takes
its own share. (A hash of each account's name would keep an account in its shard when others are
added, but nothing is kept per shard between runs, and a hash leaves some shards empty and others
full.) Each row of a shard's summary keeps its account's place, so the merge puts them back in the
file's order and can tell that every account is there once.

The merge reads each folder's summary.json (validated), checks that the folders are the N shards of
one file, run with one auditor, target and checklist, then writes summary.json and summary.html
with the models and template of a run over every account: the checks tallied again in the
checklist's order (so ties fall as they would in one run). Each account's folder is copied beside
them, so the summary's links work and the folder is what one run would have left.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from auditor import data, results
from auditor.checklist import Checklist, load_checklist
from auditor.cohort.accounts import NAME, Account
from auditor.cohort.summary import (
    SUMMARY_JSON,
    AccountRow,
    CheckRow,
    Summary,
    language_of_most,
    most_failed_first,
    write_summary,
)
from auditor.errors import InputError
from auditor.files import check_output_dir, claimed, write_atomic
from auditor.results import Source
from auditor.spec import Loaded, load_file

SHARD = re.compile(r"([1-9][0-9]{0,5})/([1-9][0-9]{0,5})")


def parse(text: str) -> tuple[int, int]:
    """`I/N` as (I, N); anything else, or I above N, is a ValueError saying what to give."""
    match = SHARD.fullmatch(text.strip())
    if not match or int(match[1]) > int(match[2]):
        raise ValueError("give I/N, shard I of N (1 <= I <= N), such as 2/3")
    return int(match[1]), int(match[2])


def share(accounts: list[Account], index: int, count: int) -> list[Account]:
    """The accounts of shard `index` of `count`: those at places index, index + count, index + 2 count, ..."""
    return [account for account in accounts if (account.position - 1) % count == index - 1]


def merge(folders: list[Path], out: Path, *, lang: str | None = None, checklist: str | None = None) -> Summary:
    """The shards' folders as one: summary.json, summary.html and every account's folder written into `out`.

    Every problem with the folders is `file:line: field: message` (exit 2), found before anything is written.
    `checklist`: the shards' checklist, when it is not one shipped with auditor.
    """
    shards = [read_shard(Path(folder)) for folder in folders]
    check_shards(shards)
    first_path, first = shards[0]
    loaded = shards_checklist(first_path, first.checklist, checklist)
    rows = sorted((row for _, shard in shards for row in shard.accounts), key=lambda row: row.position)
    order = [row.name for row in rows]
    summary = Summary(
        tool_version=first.tool_version,
        started=min(shard.started for _, shard in shards),
        finished=max(shard.finished for _, shard in shards),
        target=first.target,
        browser="; ".join(dict.fromkeys(shard.browser for _, shard in shards if shard.browser)),
        workers=sum(shard.workers for _, shard in shards),  # the shards ran side by side
        checklist=first.checklist,
        accounts=rows,
        checks=merged_checks(loaded, [shard for _, shard in shards], order),
    )
    # The summary's language by default, as in one run: the one most accounts' pages were in.
    found = {
        row.name: results.read(path.parent / row.name / "findings.json", results.Findings)
        for path, shard in shards
        for row in shard.accounts
        if row.counts and (path.parent / row.name / "findings.json").is_file()
    }
    lang = lang or language_of_most({name: found[name] for name in order if name in found})
    check_output_dir(out)
    if any(Path(out).resolve() == path.parent.resolve() for path, _ in shards):
        raise InputError(f"{out}:1: -o: is a shard's folder: write the merged summary into a folder of its own")
    with claimed(out):
        for path, shard in shards:
            for row in shard.accounts:
                copy_folder(path.parent / row.name, Path(out) / row.name)
        write_summary(Path(out), summary, lang)
    return summary


def read_shard(folder: Path) -> tuple[Path, Summary]:
    """A shard's summary.json, validated, and its path."""
    if not folder.is_dir():
        raise InputError(f"{folder}:1: DIR: no such folder")
    path = folder / SUMMARY_JSON
    if not path.is_file():
        raise InputError(f"{folder}:1: DIR: not a folder `auditor run --accounts` wrote (no {SUMMARY_JSON})")
    summary = results.read(path, Summary)
    if summary.shard is None:
        raise InputError(f"{path}:1: shard: a run over every account of its file, not a shard (run --shard I/N)")
    return path, summary


def check_shards(shards: list[tuple[Path, Summary]]) -> None:
    """The folders are the shards of one run, each once, with every account of the file once."""
    first_path, first = shards[0]
    count, listed = first.shard.count, first.shard.listed
    indexes: dict[int, Path] = {}
    names: dict[str, Path] = {}
    places: dict[int, Path] = {}
    for path, shard in shards:
        for field, here, there in (
            ("tool_version", f"auditor {shard.tool_version}", f"auditor {first.tool_version}"),
            ("target", shard.target, first.target),
            ("checklist", _checklist(shard.checklist), _checklist(first.checklist)),
            ("shard.count", f"{shard.shard.count} shards", f"{count} shards"),
            ("shard.listed", f"a file of {shard.shard.listed} accounts", f"a file of {listed} accounts"),
        ):
            if here != there:
                raise InputError(f"{path}:1: {field}: {here} here, {there} in {first_path}: give the shards of one run")
        index = shard.shard.index
        if index in indexes:
            raise InputError(f"{path}:1: shard: shard {index} of {count} again (so is {indexes[index]})")
        indexes[index] = path
        expected = len(range(index, listed + 1, count))
        if len(shard.accounts) != expected:
            raise InputError(
                f"{path}:1: accounts: {len(shard.accounts)} accounts, but shard {index} of {count} "
                f"of a file of {listed} holds {expected}"
            )
        for n, row in enumerate(shard.accounts):
            _check_row(path, n, row, shard, names, places)
    missing = [str(index) for index in range(1, count + 1) if index not in indexes]
    if missing:
        raise InputError(
            f"{first_path}:1: shard: the folder of shard {', '.join(missing)} of {count} is missing: "
            "give every shard's folder"
        )


def _check_row(path: Path, n: int, row: AccountRow, shard: Summary, names: dict, places: dict) -> None:
    where = f"{path}:1: accounts.{n}"
    if not NAME.fullmatch(row.name):  # it names a folder the merge copies: never a path
        raise InputError(f"{where}.name: not an account's name (letters, digits, '-' and '_')")
    if row.name.lower() in names:
        raise InputError(f"{where}.name: {row.name} is in {names[row.name.lower()]} too (an account is in one shard)")
    names[row.name.lower()] = path
    index, count, listed = shard.shard.index, shard.shard.count, shard.shard.listed
    if row.position > listed or (row.position - 1) % count != index - 1 or row.position in places:
        raise InputError(f"{where}.position: {row.position} is not a place of shard {index} of {count} in the file")
    places[row.position] = path


def _checklist(source: Source) -> str:
    return f"{source.id} (sha256 {source.sha256[:12]})"


def shards_checklist(path: Path, source: Source, given: str | None) -> Loaded:
    """The checklist the shards used (its order breaks ties between checks): shipped, or the file `given`."""
    shipped = data.checklists_dir() / f"{source.id}.yml"
    if given is not None:
        loaded = load_checklist(given)
    elif shipped.is_file():
        loaded = load_file(shipped, Checklist, source.id)
    else:
        raise InputError(
            f"{path}:1: checklist: {source.id} is not shipped with auditor: give the shards' checklist (--checklist)"
        )
    if loaded.sha256 != source.sha256:
        raise InputError(
            f"{path}:1: checklist: the shards used {_checklist(source)}, not {loaded.path}: "
            "give the shards' checklist (--checklist)"
        )
    return loaded


def merged_checks(checklist: Loaded, shards: list[Summary], order: list[str]) -> list[CheckRow]:
    """Per check, the shards' rows as one: the accounts failing it in the file's order, and the counts summed."""
    parts: dict[str, list[CheckRow]] = {}
    for shard in shards:
        for row in shard.checks:
            parts.setdefault(row.check, []).append(row)
    rows = []
    for check in checklist.spec.checks:
        mine = parts.get(check.id, [])
        failing = {name for row in mine for name in row.failing}
        before = [row.failing_before for row in mine]
        rows.append(
            CheckRow(
                check=check.id,
                title=check.failure_title,
                severity=check.severity,
                category=check.category,
                failing=[name for name in order if name in failing],
                passing=sum(row.passing for row in mine),
                unknown=sum(row.unknown for row in mine),
                # None where a shard did not record its runs: a sum of the others' would look like all of them
                failing_before=None if None in before else sum(before),
            )
        )
    return most_failed_first(rows)


def copy_folder(source: Path, target: Path) -> None:
    """An account's folder, file by file (each written whole, 0600); links and hidden files are left behind."""
    if not source.is_dir() or source.is_symlink():
        return  # an account that crashed before writing anything has no folder
    for root, folders, files in os.walk(source):
        folders[:] = [f for f in folders if not f.startswith(".") and not os.path.islink(os.path.join(root, f))]
        for name in files:
            file = Path(root, name)
            if not name.startswith(".") and not file.is_symlink():
                write_atomic(target / file.relative_to(source), file.read_bytes())
