"""Sessions and logins, one room: how a run gets in (`way_in`: a saved session, test-account
credentials from the environment or the keyring), logging in (`login`: unattended, or a person in a
headed browser), and saved sessions (`saved`: where they live, written 0600 in 0700 folders).

Sessions and credentials are secrets: never logged, never in a report, never a command-line
option. Only `login` drives a browser; the other two are plain files and environment.
"""
