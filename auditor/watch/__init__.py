"""Watching: `auditor watch` audits again and notifies the person of what is new; `auditor schedule` has the
system's own scheduler repeat it.

events: what a run has to tell; state: what was told, to whom, beside the history; words: the message in
the reader's language; notify: the URLs (secrets) and Apprise; watcher: one watch; schedule and install:
the scheduler's entry in each system's form. A message never holds personal data: no name, pseudonym or id.
"""
