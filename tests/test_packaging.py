"""What a person installs: `python -m build` makes an sdist and, from it, a wheel that carry the flows,
checklists, templates, translations and the replica; the wheel, installed into a fresh virtual environment in
a folder of its own (its dependencies pinned by constraints.txt: by uv where `make install` put it, from the
package index and uv's cache; else by pip, from a wheelhouse downloaded from the package index once per set of
pins), runs `auditor --help`, `auditor doctor` and `auditor demo` (two of its pages) there, away from this checkout.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest
from json_schemas import validate_folder

from auditor import __version__, results
from auditor import browser as browsers

ROOT = Path(__file__).resolve().parent.parent
DISTRIBUTION = "meta-privacy-auditor"  # pip install meta-privacy-auditor; the command is `auditor`
FILE_STEM = f"{DISTRIBUTION.replace('-', '_')}-{__version__}"


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    """The sdist and the wheel `python -m build` makes (the wheel is built from the unpacked sdist)."""
    out = tmp_path_factory.mktemp("dist")
    done = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "-o", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return out


@pytest.fixture(scope="module")
def wheelhouse(dist) -> Path:
    """The wheel's dependencies as constraints.txt pins them, downloaded from the package index the first time and
    kept beside this suite's virtual environment (`make clean` removes them), one folder per set of pins: an
    install from it needs no index, so a second run does not download them again."""
    pins = ROOT / "constraints.txt"
    folder = Path(sys.prefix) / "wheelhouse" / hashlib.sha256(pins.read_bytes()).hexdigest()[:16]
    if not (folder / "complete").is_file():
        wheel = dist / f"{FILE_STEM}-py3-none-any.whl"
        command = [sys.executable, "-m", "pip", "download", "--quiet", "-d", str(folder), "-c", str(pins), str(wheel)]
        done = subprocess.run(command, capture_output=True, text=True, timeout=900)
        assert done.returncode == 0, done.stderr
        (folder / wheel.name).unlink()  # the dependencies only: the wheel under test comes from `dist`
        (folder / "complete").touch()
    return folder


def in_the_wheel(source: str, to: str) -> set[str]:
    """Where each file of this checkout's `source` folder lands in the wheel (under `to`)."""
    files = (path for path in (ROOT / source).rglob("*") if path.is_file() and "__pycache__" not in path.parts)
    return {f"{to}/{path.relative_to(ROOT / source).as_posix()}" for path in files}


def test_the_wheel_ships_every_file_of_the_package_and_names_the_distribution(dist):
    """Every file the package, the flows and the checklists hold, each one: the flows, checklists, templates,
    translations (compiled when a report is written: no build step) and the whole replica."""
    wheel = zipfile.ZipFile(dist / f"{FILE_STEM}-py3-none-any.whl")
    names = set(wheel.namelist())
    expected = in_the_wheel("auditor", "auditor") | in_the_wheel("flows", "auditor/flows")
    expected |= in_the_wheel("checklists", "auditor/checklists")
    assert {"auditor/flows/facebook/posts.yml", "auditor/replica/static/comet.js"} <= expected
    assert sorted(expected - names) == []
    assert not any(n.startswith(("tests/", "reports/", "flows/", "checklists/")) for n in names)
    metadata = wheel.read(f"{FILE_STEM}.dist-info/METADATA").decode()
    assert f"Name: {DISTRIBUTION}\n" in metadata and f"Version: {__version__}\n" in metadata
    assert "auditor = auditor.cli:main" in wheel.read(f"{FILE_STEM}.dist-info/entry_points.txt").decode()


def test_the_sdist_is_the_repository_a_person_builds_and_tests_from(dist):
    with tarfile.open(dist / f"{FILE_STEM}.tar.gz") as sdist:
        names = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    for required in (
        "pyproject.toml",
        "constraints.txt",
        "Makefile",
        "README.md",
        "CHANGELOG.md",
        "action.yml",
        "flows/facebook/posts.yml",
        "checklists/default.yml",
        "docs/schemas/findings.schema.json",
        "tests/conftest.py",
    ):
        assert required in names, required


def test_the_changelog_has_an_entry_for_this_version():
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert changelog.startswith("# Changelog\n")
    assert f"\n## [{__version__}] - " in changelog


def person(home: Path) -> dict:
    """The environment of someone who installed auditor: nothing of this checkout's Python or settings."""
    keep = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    keep = {k: v for k, v in keep.items() if not k.startswith("AUDITOR_")}
    path = [p for p in keep.get("PATH", os.defpath).split(os.pathsep) if p and not p.startswith(str(ROOT))]
    return {**keep, "PATH": os.pathsep.join([str(home / "venv" / "bin"), *path]), "XDG_DATA_HOME": str(home / "data")}


UV = Path(sys.prefix) / "bin" / "uv"  # the installer `make install` uses, when it could have it


@pytest.mark.long
@pytest.mark.browser
def test_the_wheel_installed_elsewhere_runs_help_doctor_and_the_demo(dist, request, tmp_path, playwright):
    """The wheel's dependencies are resolved as for anyone, pinned: by uv, or by pip with no index but the
    wheelhouse (one it lacks fails the install); the demo drives a real browser on the replica's pages, end to end,
    and never writes."""
    home = tmp_path / "person"
    home.mkdir()
    wheel = shutil.copy(dist / f"{FILE_STEM}-py3-none-any.whl", home)
    shutil.copy(ROOT / "constraints.txt", home / "pins.txt")
    env = person(home)
    choice = browsers.resolve(playwright=playwright)  # the browser this suite found, as a person would point at it
    if choice.path:
        env["AUDITOR_BROWSER"] = choice.path

    bin = home / "venv" / "bin"

    def in_home(*command, timeout: float = 300) -> subprocess.CompletedProcess:
        argv = [str(word) for word in command]
        return subprocess.run(argv, cwd=home, env=env, capture_output=True, text=True, timeout=timeout)

    # A fresh environment without a pip of its own (making one costs more than the install): this suite's
    # installer installs into it, resolving every dependency as for anyone, pinned by constraints.txt.
    made = in_home(sys.executable, "-m", "venv", "--without-pip", "venv")
    assert made.returncode == 0, made.stderr
    if UV.is_file():
        install = [UV, "pip", "install", "--quiet", "--python", bin / "python"]
    else:
        install = [sys.executable, "-m", "pip", "--python", bin / "python", "install", "--quiet", "--no-compile"]
        install += ["--no-index", "--find-links", request.getfixturevalue("wheelhouse")]
    installed = in_home(*install, "-c", "pins.txt", Path(wheel).name, timeout=600)
    assert installed.returncode == 0, installed.stderr
    assert in_home(bin / "auditor", "--version").stdout.strip() == f"auditor {__version__}"
    # It runs from the environment, not from this checkout.
    located = in_home(bin / "python", "-c", "import auditor.data as d; print(d.flows_dir())")
    assert Path(located.stdout.strip()).is_relative_to((home / "venv").resolve()), located.stdout + located.stderr

    helped = in_home(bin / "auditor", "--help")
    assert helped.returncode == 0 and all(f"  {c}" in helped.stdout for c in ("demo", "doctor", "run", "schema"))

    doctor = in_home(bin / "auditor", "doctor")
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    assert [line.split()[0] for line in doctor.stdout.splitlines()] == ["ok"] * 4, doctor.stdout

    # Two pages of the demo (a full one runs in test_demo; every file it needs ships, as the test above shows).
    demo = in_home(bin / "auditor", "demo", "--flow", "facebook/posts", "--flow", "instagram/account_privacy")
    assert demo.returncode == 0, demo.stderr
    out = home / "reports" / "demo"
    assert demo.stdout.strip() == str(Path("reports/demo/report.html")) and (out / "report.html").is_file()
    assert demo.stderr.startswith("replica: https://127.0.0.1:") and "\nbrowser: chromium " in demo.stderr
    observations = results.read(out / "observations.json", results.Observations)
    seen = observations.by_setting()
    # The demo account's seeded state (replica/data/accounts.yml), as read from the pages.
    assert (seen["fb.future_posts_audience"].status, seen["fb.future_posts_audience"].value) == ("observed", "public")
    assert seen["ig.private_account"].value == "off"
    assert observations.run.writes_blocked == 0 and observations.run.complete
    assert all((out / p.screenshot).is_file() for p in observations.pages if p.screenshot)
    assert "Your future posts are public" in (out / "report.html").read_text()
    assert (out / "report.md").is_file() and (out / "junit.xml").is_file()
    # Every JSON file of the demo run, against the published schemas.
    assert validate_folder(out) == {"observations": 1, "findings": 1}
