"""`auditor apply`: make the changes an audit recommends, with the person's consent, and prove each one.

plan (which checks can be fixed on the web, and to what) -> consent -> runner (in a guarded
browser: read, change, reload, read back) -> apply.json and the marked report; undo reverses an
apply.json the same way. The one stage that writes to Meta, and only inside the guard's window.
"""
