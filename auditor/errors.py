"""The two kinds of expected failure, and the exit codes they map to (see DESIGN.md)."""

EXIT_OK = 0
EXIT_INCOMPLETE = 1
EXIT_BAD_INPUT = 2
EXIT_DRIFT = 3


class AuditorError(Exception):
    """The run could not finish; whatever was observed is still written. Exit 1."""

    exit_code = EXIT_INCOMPLETE


class InputError(AuditorError):
    """Bad input from the user: a file, a field or an option. Nothing is written. Exit 2."""

    exit_code = EXIT_BAD_INPUT


def first_line(exc: BaseException) -> str:
    """An exception's message in one line (Playwright's run on with a call log), or its type when it has none."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
