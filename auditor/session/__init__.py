"""Sessions and logins: how a run gets in (`way_in`), logging in (`login`), saved sessions (`saved`).

Sessions and credentials are secrets: never logged, never in a report, never a command-line
option; files that hold them are 0600 in 0700 folders.
"""

from auditor.session.login import Credentials, LoginFailed, login, login_by_hand
from auditor.session.saved import merge_states, read_state, save, session_path, write_private
from auditor.session.way_in import WayIn, way_in

__all__ = [
    "Credentials",
    "LoginFailed",
    "WayIn",
    "login",
    "login_by_hand",
    "merge_states",
    "read_state",
    "save",
    "session_path",
    "way_in",
    "write_private",
]
