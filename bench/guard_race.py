"""(f) The guard under a navigation race: a page script's Worker writes as its page reloads, many times.

    python bench/guard_race.py [--tries 300]     (bench/run.py runs it too)

A click on the page starts a dedicated Worker 50 ms later (the replica's `script` knob, shape worker,
moment after), whose first act is a write; the page reloads 30 to 69 ms after the click. When the
reload ends the worker's DevTools session just as the worker starts, Playwright's route never sees
its request (auditor/backstop.py): before the backstop, 27 of 300 such writes reached the replica.
The case fails if one does. It is a race, so it is measured here, many times, not in a test.
"""

from __future__ import annotations

import argparse
import sys

from auditor.options import Options
from auditor.replica.server import Replica
from auditor.session.way_in import Credentials
from auditor.target import Target
from auditor.visit import open_visit

PAGE = "https://www.facebook.com/settings/?tab=how_people_find_and_contact_you"


def guard_race(replica: Replica, tries: int = 300) -> dict:
    """{tries, writes (that reached the replica), blocked (by the guard, route and backstop)}."""
    account = replica.store.accounts["demo"]
    options = Options(
        target=Target(replica.url), credentials=Credentials(account.email, account.password), timeout=3600
    )
    before = len(replica.writes())
    replica.knobs.set("script:fb.search_engine_link:worker:after")
    try:
        with open_visit(options, ["facebook"], say=lambda line: None) as visit:
            page = visit.context.new_page()
            page.goto(PAGE)
            for n in range(tries):
                page.get_by_role("heading", level=1).first.click(no_wait_after=True)
                page.wait_for_timeout(30 + n % 40)  # the race itself: the reload's moment is what is varied
                page.reload()
            page.wait_for_timeout(1_000)  # a write still under way has the time to arrive
            blocked = visit.network.log.blocked.count("POST CometSettingsToggleMutation")
    finally:
        replica.knobs.clear()
    return {"tries": tries, "writes": len(replica.writes()) - before, "blocked": blocked}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tries", type=int, default=300)
    args = parser.parse_args()
    with Replica() as replica:
        result = guard_race(replica, args.tries)
    print(f"{result['tries']} tries: {result['writes']} writes reached the replica, {result['blocked']} blocked")
    return 0 if result["writes"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
