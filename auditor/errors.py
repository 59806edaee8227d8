"""The two kinds of expected failure, the exit codes they map to (see DESIGN.md), and how a run
speaks to the person: progress and warnings on stderr, one line per error.
"""

EXIT_OK = 0
EXIT_INCOMPLETE = 1
EXIT_BAD_INPUT = 2
EXIT_DRIFT = 3
EXIT_FAIL_ON = 4  # a failing check at or above the --fail-on budget


class AuditorError(Exception):
    """The run could not finish; whatever was observed is still written. Exit 1."""

    exit_code = EXIT_INCOMPLETE


class InputError(AuditorError):
    """Bad input from the user: a file, a field or an option. Nothing is written. Exit 2."""

    exit_code = EXIT_BAD_INPUT


class LoginFailed(AuditorError):
    """The login did not get through; `reason` is one of the observation reasons."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


def first_line(exc: BaseException) -> str:
    """An exception's message in one line (Playwright's run on with a call log), or its type when it has none."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def say(line: str) -> None:
    """A line of progress or a warning, on stderr: stdout carries only what a command produces (a path)."""
    from auditor.shown import echo

    echo(line, err=True)
