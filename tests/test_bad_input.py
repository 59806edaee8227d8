"""Bad input of every kind a user can give: one line `auditor: error: ...`, exit 2, nothing written, no secret.

Each case runs the command line in-process from files in tests/bad_input/ (no browser or replica
starts for bad input, so the whole table takes seconds). Cases of the YAML alias bomb run in a
subprocess with a timeout and a memory limit: a loader that expands it again fails the test in
seconds instead of eating the machine's memory.
"""

from __future__ import annotations

import ctypes
import json
import os
import resource
import shlex
import shutil
import socket
from pathlib import Path

import pytest
from conftest import cli_env, run_auditor

from auditor import results
from auditor.cli import main
from auditor.errors import InputError
from auditor.files import check_output_dir, check_output_file
from auditor.results import Observation, Observations
from auditor.userfile import MAX_JSON_BYTES, MAX_YAML_BYTES

ROOT = Path(__file__).parent.parent
CORPUS = ROOT / "tests" / "bad_input"
# A --connect URL whose user, password, path, query and fragment are secrets no message may show.
SECRETS = ("USERNAME", "PASSWORD", "SECRETPATH", "QUERYTOKEN", "FRAGMENTTOKEN")
SECRET_URL = "ws://USERNAME:PASSWORD@127.0.0.1:{port}/SECRETPATH?token=QUERYTOKEN#FRAGMENTTOKEN"
MEMORY_LIMIT = 1024 * 2**20  # for the alias bomb: far above what auditor needs, far below what the bomb takes
TOO_LONG = "n" * 300  # one name longer than any file system takes (255 bytes)

GOOD_SESSION = "--session {c}/good-session.json"
OBSERVE = f"observe facebook {GOOD_SESSION} -o {{out}}/observations.json"
RUN = f"run facebook {GOOD_SESSION} -o {{out}}"
EVALUATE = "evaluate {c}/good-observations.json -o {out}/findings.json"


def case(argv: str, says: str, *, flows: str | None = None, secrets: tuple[str, ...] = ()):
    """A command line ({c}: the corpus, {out}: a folder that must stay unmade, {tmp}: the test's folder,
    {flows}: a flows folder holding the corpus file `flows` as a flow, {big}: a 3 MB YAML file) and
    what its one line of error says."""
    return pytest.param(argv, says, flows, secrets, id=argv[:90])


CASES = [
    # A YAML alias bomb, in every kind of YAML file.
    case(
        "flows check --flows {flows}",
        "{flows}/facebook/posts.yml:2: (yaml): anchors and aliases are not allowed",
        flows="alias-bomb.yml",
    ),
    case(
        "flows check --checklist {c}/alias-bomb.yml",
        "{c}/alias-bomb.yml:2: (yaml): anchors and aliases are not allowed",
    ),
    case(
        EVALUATE + " --checklist {c}/alias-bomb.yml",
        "{c}/alias-bomb.yml:2: (yaml): anchors and aliases are not allowed",
    ),
    case(RUN + " --checklist {c}/alias-bomb.yml", "{c}/alias-bomb.yml:2: (yaml): anchors and aliases are not allowed"),
    case(
        "run --accounts {c}/alias-bomb.yml -o {out}",
        "{c}/alias-bomb.yml:2: (yaml): anchors and aliases are not allowed",
    ),
    case(
        "replica serve --seed-file {c}/alias-bomb.yml",
        "{c}/alias-bomb.yml:2: (yaml): anchors and aliases are not allowed",
    ),
    # Nesting deeper than the YAML cap or Python's recursion limit, in YAML and JSON.
    case(
        "flows check --flows {flows}",
        "{flows}/facebook/posts.yml:1: (yaml): nested deeper than 50 levels",
        flows="deep.yml",
    ),
    case(EVALUATE + " --checklist {c}/deep.yml", "{c}/deep.yml:1: (yaml): nested deeper than 50 levels"),
    case("run --accounts {c}/deep.yml -o {out}", "{c}/deep.yml:1: (yaml): nested deeper than 50 levels"),
    case(
        "observe facebook --session {c}/deep.json -o {out}/observations.json",
        "{c}/deep.json:1: session: not a saved session (nested too deeply)",
    ),
    case("evaluate {c}/deep.json -o {out}/findings.json", "{c}/deep.json:1: (json): not JSON (nested too deeply)"),
    case(
        "drift {c}/good-observations.json {c}/deep.json -o {out}",
        "{c}/deep.json:1: (json): not JSON (nested too deeply)",
    ),
    case(RUN + " --baseline {c}/deep.json", "{c}/deep.json:1: (json): not JSON (nested too deeply)"),
    case("report {c}/deep.json -o {out}", "{c}/deep.json:1: (json): not JSON (nested too deeply)"),
    case(
        "evaluate {c}/number-too-long.json -o {out}/findings.json",
        "{c}/number-too-long.json:1: (json): not JSON (a number too long)",
    ),
    case(
        "observe facebook --session {c}/number-too-long.json -o {out}/observations.json",
        "{c}/number-too-long.json:1: session: not a saved session (a number too long)",
    ),
    # Bytes that are not UTF-8, with the line they are on.
    case(
        "flows check --flows {flows}",
        "{flows}/facebook/posts.yml:3: (file): not UTF-8 text (byte 0xe9)",
        flows="not-utf8.yml",
    ),
    case(RUN + " --checklist {c}/not-utf8.yml", "{c}/not-utf8.yml:3: (file): not UTF-8 text (byte 0xe9)"),
    case("run --accounts {c}/not-utf8.yml -o {out}", "{c}/not-utf8.yml:3: (file): not UTF-8 text (byte 0xe9)"),
    case("replica serve --seed-file {c}/not-utf8.yml", "{c}/not-utf8.yml:3: (file): not UTF-8 text (byte 0xe9)"),
    case(
        "observe facebook --session {c}/not-utf8.json -o {out}/observations.json",
        "{c}/not-utf8.json:2: session: not UTF-8 text (byte 0xe9)",
    ),
    case(
        "evaluate {c}/not-utf8.json -o {out}/findings.json", "{c}/not-utf8.json:2: (file): not UTF-8 text (byte 0xe9)"
    ),
    case(
        "baseline update {c}/not-utf8.json -o {out}/baseline.json",
        "{c}/not-utf8.json:2: (file): not UTF-8 text (byte 0xe9)",
    ),
    case("report {c}/not-utf8.json -o {out}", "{c}/not-utf8.json:2: (file): not UTF-8 text (byte 0xe9)"),
    # YAML that safe loading refuses, at its line.
    case(
        EVALUATE + " --checklist {c}/python-tag.yml",
        "{c}/python-tag.yml:2: (yaml): could not determine a constructor for the tag",
    ),
    case("flows check --checklist {c}/int-tag.yml", "{c}/int-tag.yml:2: (yaml): not a valid int"),
    case(
        "run --accounts {c}/list-as-key.yml -o {out}",
        "{c}/list-as-key.yml:2: (yaml): a key must be a plain value, not a list or mapping",
    ),
    case(
        "replica serve --seed-file {c}/control-character.yml",
        "{c}/control-character.yml:2: (yaml): special characters are not allowed (U+0001)",
    ),
    # Files larger than auditor reads; /dev/zero never ends.
    case(EVALUATE + " --checklist {big}", "{big}:1: (file): larger than 2 MB"),
    case("run --accounts {big} -o {out}", "{big}:1: (file): larger than 2 MB"),
    case(EVALUATE + " --checklist /dev/zero", "/dev/zero: larger than 2 MB"),
    case("evaluate /dev/zero -o {out}/findings.json", "/dev/zero: larger than 64 MB"),
    # Report templates of --template-dir that do not parse or render.
    case(
        "report {c}/good-findings.json -o {out} --template-dir {c}/template-syntax-error",
        "{c}/template-syntax-error/report.html.j2:2: (template): Expected an expression",
    ),
    case(
        "report {c}/good-findings.json -o {out} --template-dir {c}/template-unknown-name",
        "{c}/template-unknown-name/report.html.j2:2: (template): "
        "'auditor.results.Run object' has no attribute 'no_such_field'",
    ),
    # Session files Playwright's new_context would choke on.
    case(
        "observe facebook --session {c}/session-cookies-not-a-list.json -o {out}/observations.json",
        "{c}/session-cookies-not-a-list.json:1: cookies: not a saved session (no cookie list)",
    ),
    case(
        "observe facebook --session {c}/session-cookie-not-an-object.json -o {out}/observations.json",
        "{c}/session-cookie-not-an-object.json:1: cookies.0: Input should be a valid dictionary",
    ),
    case(
        "observe facebook --session {c}/session-cookie-value-a-number.json -o {out}/observations.json",
        "{c}/session-cookie-value-a-number.json:1: cookies.0.value: Input should be a valid string",
    ),
    case(
        "observe facebook --session {c}/session-cookie-without-domain.json -o {out}/observations.json",
        "{c}/session-cookie-without-domain.json:1: cookies.0.domain: Field required",
    ),
    case(
        "observe facebook --session {c}/session-cookie-expires-after-9999.json -o {out}/observations.json",
        "{c}/session-cookie-expires-after-9999.json:1: cookies.0.expires: -1 (a session cookie) or seconds since 1970",
    ),
    case(
        "observe facebook --session {c}/session-cookie-same-site-lowercase.json -o {out}/observations.json",
        "{c}/session-cookie-same-site-lowercase.json:1: cookies.0.sameSite: Input should be 'Strict', 'Lax' or 'None'",
    ),
    case(
        "observe facebook --session {c}/session-cookie-name-with-semicolon.json -o {out}/observations.json",
        "{c}/session-cookie-name-with-semicolon.json:1: cookies.0.name: Chromium refuses ';'",
    ),
    case(
        "observe facebook --session {c}/session-local-storage-value-a-number.json -o {out}/observations.json",
        "{c}/session-local-storage-value-a-number.json:1: origins.0.localStorage.0.value: "
        "Input should be a valid string",
    ),
    case(
        "run --accounts {c}/accounts-with-bad-session.yml -o {out}",
        "{c}/session-cookie-not-an-object.json:1: cookies.0: Input should be a valid dictionary",
    ),
    case(
        "flows inspect https://www.facebook.com/settings/ --session {c}/session-cookie-value-a-number.json",
        "{c}/session-cookie-value-a-number.json:1: cookies.0.value: Input should be a valid string",
    ),
    # Replica URLs: https://HOST:PORT only.
    case(OBSERVE + " --replica http://127.0.0.1:8443", "--replica http://127.0.0.1:8443: the replica speaks https"),
    case(RUN + " --replica https://127.0.0.1", "--replica https://127.0.0.1: give https://HOST:PORT"),
    case(
        "login facebook --replica https://127.0.0.1:99999",
        "--replica https://127.0.0.1:99999: not a valid host and port",
    ),
    case(
        "flows inspect https://www.facebook.com/settings/ --replica https://127.0.0.1:0",
        "--replica https://127.0.0.1:0: not a valid host and port",
    ),
    case(
        "run --accounts {c}/accounts-with-bad-session.yml --replica ftp://127.0.0.1:21 -o {out}",
        "--replica ftp://127.0.0.1:21: give https://HOST:PORT",
    ),
    # Connect URLs: every message shows scheme, host and port, never the secrets around them.
    case(
        OBSERVE + " --connect " + SECRET_URL.format(port=99999),
        "--connect ws://127.0.0.1:99999: not a valid host and port",
        secrets=SECRETS,
    ),
    case(
        RUN + " --connect " + SECRET_URL.format(port="port"),
        "--connect ws://127.0.0.1:port: not a valid host and port",
        secrets=SECRETS,
    ),
    case(
        "run --accounts {c}/accounts-with-bad-session.yml -o {out} --connect "
        + SECRET_URL.replace("ws:", "ftp:").format(port=21),
        "--connect ftp://127.0.0.1:21: give ws://HOST:PORT/",
        secrets=SECRETS,
    ),
    case(
        OBSERVE + " --connect USERNAME:PASSWORD@127.0.0.1:9222/SECRETPATH?token=QUERYTOKEN",
        "--connect URL: give ws://HOST:PORT/",
        secrets=SECRETS,
    ),
    case(
        OBSERVE + " --connect ws://[::1/SECRETPATH?token=QUERYTOKEN",
        "--connect URL: not a valid host and port",
        secrets=SECRETS,
    ),
    # Pages to read (--flow): a flow of the audited platforms, by its id.
    case(OBSERVE + " --flow facebook/postz", "auditor: error: --flow facebook/postz: no such page among the flows of"),
    case(
        "observe instagram --session {c}/good-session.json --flow facebook/posts -o {out}/o.json",
        "--flow facebook/posts: no such page among the flows of instagram (accounts_center/",
    ),
    case(
        "run --accounts {c}/accounts-with-bad-session.yml -o {out} --flow posts",
        "--flow posts: no such page among the flows of facebook and instagram",
    ),
    # Numbers of seconds and ports.
    case(OBSERVE + " --pace inf", "auditor: error: --pace: give a number of seconds, 0 or more"),
    case(OBSERVE + " --pace nan", "auditor: error: --pace: give a number of seconds, 0 or more"),
    case(RUN + " --pace -1", "auditor: error: --pace: give a number of seconds, 0 or more"),
    case("login facebook --timeout inf", "auditor: error: --timeout: give a number of seconds, 1 or more"),
    case("replica serve --port 70000", "auditor: error: --port: give 65535 or less"),
    case("replica serve --port -5", "auditor: error: --port: give 0 or more"),
    case(
        "replica serve --mutate slow:fb_posts:soon", "--mutate slow:fb_posts:soon: slow takes a delay in milliseconds"
    ),
    # Output places that cannot take files.
    case(
        "evaluate {c}/good-observations.json -o /proc/auditor/findings.json",
        "/proc/auditor/findings.json: -o: cannot write in /proc",
    ),
    case(
        "observe facebook --session {c}/good-session.json -o /proc/auditor/observations.json",
        "/proc/auditor/observations.json: -o: cannot write in /proc",
    ),
    case(RUN.replace("{out}", "/proc/auditor"), "/proc/auditor: -o: cannot write in /proc"),
    case("report {c}/good-findings.json -o /proc/auditor", "/proc/auditor: -o: cannot write in /proc"),
    case(
        "drift {c}/good-observations.json {c}/good-observations.json -o /proc/auditor",
        "/proc/auditor: -o: cannot write in /proc",
    ),
    case(
        "baseline update {c}/good-observations.json -o /proc/auditor/baseline.json",
        "/proc/auditor/baseline.json: -o: cannot write in /proc",
    ),
    case(
        "report {c}/good-findings.json -o {c}/good-session.json/report",
        "-o: {c}/good-session.json is a file, not a folder",
    ),
    case("evaluate {c}/good-observations.json -o {tmp}", "{tmp}: -o: {tmp} is a folder: give the file to write"),
    case(
        f"drift {{c}}/good-observations.json {{c}}/good-observations.json -o {{out}}/{TOO_LONG}/x",
        "-o: a name is longer than 255 bytes",
    ),
    case(f"evaluate {{c}}/good-observations.json -o {{out}}/{TOO_LONG}.json", "-o: a name is longer than 255 bytes"),
    case(
        f"report {{c}}/good-findings.json -o {{out}}/{(TOO_LONG[:200] + '/') * 25}",
        "-o: cannot write (File name too long)",
    ),
    case(
        "evaluate {c}/good-observations.json -o {out}/a\0b.json",
        "auditor: error: --out: embedded null byte",
    ),
]


def places(tmp_path: Path, argv: str, flows: str | None) -> dict[str, str]:
    """What the placeholders of a case stand for; makes the flows folder and the big file a case asks for."""
    found = {"c": str(CORPUS), "out": str(tmp_path / "out"), "tmp": str(tmp_path)}
    if flows:
        folder = tmp_path / "flows" / "facebook"
        folder.mkdir(parents=True)
        shutil.copy(CORPUS / flows, folder / "posts.yml")
        found["flows"] = str(tmp_path / "flows")
    if "{big}" in argv:
        big = tmp_path / "big.yml"
        big.write_text("checks:\n" + "  - {id: check, setting: fb.future_posts_audience}\n" * 64_000)
        assert big.stat().st_size > 3 * 2**20
        found["big"] = str(big)
    return found


def files(*folders: Path) -> set[Path]:
    return {path for folder in folders for path in folder.rglob("*")}


def limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run_cli(argv: list[str], capsys) -> tuple[int, str, str]:
    """In-process; in a subprocess with a memory limit and a timeout for the alias bomb."""
    if not any("alias-bomb" in arg for arg in argv):
        code = main(argv)
        return (code, *capsys.readouterr())
    done = run_auditor(*argv, env=dict(os.environ), timeout=60, preexec_fn=limit_memory)
    return done.returncode, done.stdout, done.stderr


def assert_one_line(code: int, out: str, err: str, says: str) -> None:
    assert "Traceback" not in err, err
    assert (code, out) == (2, ""), err
    assert err.startswith("auditor: error: ") and err.endswith("\n") and err.count("\n") == 1, err
    assert says in err


@pytest.mark.parametrize("argv, says, flows, secrets", CASES)
def test_bad_input_is_one_line_exit_2_and_writes_nothing(argv, says, flows, secrets, tmp_path, capsys):
    where = places(tmp_path, argv, flows)
    before = files(tmp_path, CORPUS)
    code, out, err = run_cli([arg.format(**where) for arg in shlex.split(argv)], capsys)
    assert_one_line(code, out, err, says.format(**where))
    assert files(tmp_path, CORPUS) == before
    for secret in secrets:
        assert secret not in err


@pytest.mark.parametrize(
    "argv, says",
    [
        ("observe facebook -o {out}/observations.json", "AUDITOR_TOTP_SECRET: not a TOTP secret"),
        (
            "run --accounts {c}/accounts-with-totp.yml -o {out}",
            "{c}/accounts-with-totp.yml:6: accounts.0.totp_env: "
            "the environment variable AUDITOR_TOTP_SECRET: not a TOTP secret",
        ),
    ],
)
def test_a_totp_secret_that_makes_no_codes_is_bad_input(argv, says, tmp_path, capsys, monkeypatch):
    """Refused before any browser starts (pyotp would fail mid-login), and not printed."""
    secret = "ABCD EFGH IJKL MNOP QRST UVWX YZ23 4567"  # as Meta shows it: with spaces
    monkeypatch.setenv("AUDITOR_EMAIL", "someone@example.com")
    monkeypatch.setenv("AUDITOR_PASSWORD", "not-used")
    monkeypatch.setenv("AUDITOR_TOTP_SECRET", secret)
    where = places(tmp_path, argv, None)
    code = main([arg.format(**where) for arg in shlex.split(argv)])
    out, err = capsys.readouterr()
    assert_one_line(code, out, err, says.format(**where))
    assert "ABCD" not in err and not (tmp_path / "out").exists()


def test_a_replica_port_in_use_is_named(capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code = main(["replica", "serve", "--port", str(port)])
    out, err = capsys.readouterr()
    assert_one_line(
        code, out, err, f"auditor: error: --port: cannot listen on 127.0.0.1:{port} (Address already in use)"
    )


# Root writes into any folder: its CAP_DAC_OVERRIDE passes over a folder's mode. Dropped from the bounding set
# before the command starts, root is held to the mode like anyone (CAP_FOWNER and CAP_DAC_READ_SEARCH go too).
PR_CAPBSET_DROP, OVERRIDES = 24, (1, 2, 3)


def as_anyone() -> None:
    """In the child, before it runs the command: root without the capabilities that ignore a folder's mode."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in OVERRIDES:
        if libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def test_a_read_only_folder_is_bad_input(tmp_path):
    """As the person running auditor, who cannot write there (as root: root without its overrides)."""
    folder = tmp_path / "read-only"
    folder.mkdir(mode=0o555)
    how = {"preexec_fn": as_anyone} if os.geteuid() == 0 else {}
    done = run_auditor("report", CORPUS / "good-findings.json", "-o", folder / "report", env=cli_env(tmp_path), **how)
    says = f"{folder / 'report'}: -o: cannot write in {folder} (Permission denied)"
    assert_one_line(done.returncode, done.stdout, done.stderr, says)
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize("check", [check_output_dir, check_output_file])
def test_an_output_path_with_a_nul_byte_is_bad_input(check, tmp_path):
    """The command line refuses it already (typer's Path); the check is for every other caller."""
    with pytest.raises(InputError, match=r"-o: a path cannot hold a NUL byte$") as refused:
        check(tmp_path / "a\0b")
    assert "\0" not in str(refused.value) and list(tmp_path.iterdir()) == []


def not_regular(tmp_path: Path) -> dict[str, Path]:
    """A FIFO (stands for a device node: a test must never aim at a real one) and symbolic links."""
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "target.json").write_text("kept")
    (tmp_path / "link.json").symlink_to(tmp_path / "target.json")
    (tmp_path / "dangling.json").symlink_to(tmp_path / "nowhere.json")
    return {"fifo": tmp_path / "fifo", "link": tmp_path / "link.json", "dangling": tmp_path / "dangling.json"}


@pytest.mark.parametrize(
    "argv, says",
    [
        ("evaluate {c}/good-observations.json -o {fifo}", "{fifo}: -o: {fifo} is not a regular file"),
        ("evaluate {c}/good-observations.json -o {link}", "{link}: -o: {link} is a symbolic link"),
        ("evaluate {c}/good-observations.json -o {dangling}", "{dangling}: -o: {dangling} is a symbolic link"),
        ("baseline update {c}/good-observations.json -o {link}", "{link}: -o: {link} is a symbolic link"),
        ("report {c}/good-findings.json -o {fifo}", "{fifo}: -o: {fifo} is not a folder"),
        ("report {c}/good-findings.json -o {link}", "{link}: -o: {link} is not a folder"),
        ("history --history {c}/none.sqlite --export {fifo}", "{fifo}: --export: {fifo} is not a regular file"),
        ("history --history {c}/none.sqlite --export {link}", "{link}: --export: {link} is a symbolic link"),
    ],
)
def test_an_output_that_is_not_a_regular_file_or_folder_is_refused_and_kept(argv, says, tmp_path, capsys):
    """A device node, a FIFO or a symbolic link named by -o or --export is never replaced by a file."""
    where = {"c": str(CORPUS), **{k: str(v) for k, v in not_regular(tmp_path).items()}}
    code = main([arg.format(**where) for arg in shlex.split(argv)])
    assert_one_line(code, *capsys.readouterr(), says.format(**where))
    assert (tmp_path / "fifo").is_fifo() and (tmp_path / "link.json").is_symlink()
    assert (tmp_path / "dangling.json").is_symlink() and (tmp_path / "target.json").read_text() == "kept"


def edited(tmp_path: Path, name: str, source: Path, **change) -> Path:
    """A copy of a results file with top-level fields or run fields (run_*) changed, as anyone could edit it."""
    data = json.loads(source.read_text(encoding="utf-8"))
    for key, value in change.items():
        (data["run"] if key.startswith("run_") else data)[key.removeprefix("run_")] = value
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "command, change, says",
    [
        ("report {f} -o {out}", {"run_platforms": ["myspace"]}, "run.platforms.0: Input should be 'facebook' or"),
        ("report {f} -o {out}", {"run_platforms": []}, "run.platforms: List should have at least 1 item"),
        ("apply {f} --dry-run", {"run_platforms": ["myspace"]}, "run.platforms.0: Input should be 'facebook' or"),
        ("apply {f} --dry-run", {"run_platforms": ["facebook", "myspace"]}, "run.platforms.1: Input should be"),
        ("apply {f} --dry-run", {"run_platforms": []}, "run.platforms: List should have at least 1 item"),
        ("apply {f} --dry-run", {"schema_version": 2}, "schema_version: 2 is newer than this auditor reads (1)"),
        ("report {f} -o {out}", {"schema_version": 99}, "schema_version: 99 is newer than this auditor reads (1)"),
        ("evaluate {f} -o {out}/f.json", {"schema_version": 2}, "schema_version: 2 is newer than this auditor reads"),
        ("evaluate {f} -o {out}/f.json", {"run_platforms": []}, "run.platforms: List should have at least 1 item"),
        ("apply --undo {a} --dry-run", {"platforms": ["myspace"]}, "platforms.0: Input should be 'facebook' or"),
        ("apply --undo {a} --dry-run", {"platforms": []}, "platforms: List should have at least 1 item"),
        ("apply --undo {a} --dry-run", {"schema_version": 3}, "schema_version: 3 is newer than this auditor reads"),
    ],
)
def test_a_results_file_of_another_platform_or_a_newer_auditor_is_bad_input(command, change, says, tmp_path, capsys):
    """findings.json, observations.json and apply.json name the platforms audited (facebook, instagram: at
    least one) and the schema they were written in: anything else is one line and exit 2, not a traceback."""
    source = CORPUS / ("good-observations.json" if command.startswith("evaluate") else "good-findings.json")
    where = {"f": "", "a": "", "out": str(tmp_path / "out")}
    if "{a}" in command:
        where["a"] = str(edited(tmp_path, "apply.json", CORPUS / "good-apply.json", **change))
    else:
        where["f"] = str(edited(tmp_path, "results.json", source, **change))
    code = main([arg.format(**where) for arg in shlex.split(command)])
    assert_one_line(code, *capsys.readouterr(), says)
    assert not (tmp_path / "out").exists()


def test_the_caps_leave_room_for_every_real_file(tmp_path):
    """The shipped YAML files are far under the YAML cap, and observations of 10,000 settings (the
    benchmark's) far under the JSON cap, and read back."""
    shipped = [
        path for folder in ("flows", "checklists", "auditor/replica/data") for path in (ROOT / folder).rglob("*.yml")
    ]
    assert shipped and max(path.stat().st_size for path in shipped) < MAX_YAML_BYTES / 10
    many = Observations(
        run=results.read(CORPUS / "good-observations.json", results.Observations).run,
        observations=[
            Observation(
                setting=f"fb.synthetic.s{n}",
                platform="facebook",
                status="observed",
                value="on",
                raw="On",
                options=["On", "Off"],
                flow="facebook/synthetic",
                url="https://www.facebook.com/settings/",
                time="2026-11-23T10:00:00+00:00",
            )
            for n in range(10_000)
        ],
    )
    path = results.write(tmp_path / "observations.json", many)
    assert path.stat().st_size < MAX_JSON_BYTES / 10
    assert len(results.read(path, results.Observations).observations) == 10_000
