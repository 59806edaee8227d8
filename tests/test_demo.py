"""`auditor demo`: a real browser on the real replica pages, end to end, and never a write."""

import json
import subprocess
import sys

from auditor import results


def test_demo_writes_a_report_from_state_read_in_the_browser(tmp_path):
    out = tmp_path / "demo"
    done = subprocess.run([sys.executable, "-m", "auditor", "demo", "-o", str(out)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(out / "report.html")
    assert done.stderr.startswith("replica: https://127.0.0.1:") and "\nbrowser: chromium " in done.stderr
    observations = results.read(out / "observations.json", results.Observations)
    seen = {o.setting: o for o in observations.observations}
    # The demo account's seeded state (replica/data/accounts.yml), as read from the pages.
    assert seen["fb.future_posts_audience"].value == "public"
    assert seen["fb.future_posts_audience"].status == "observed"
    assert seen["ig.private_account"].value == "off"
    assert observations.run.writes_blocked == 0 and observations.run.complete
    findings = json.loads((out / "findings.json").read_text())
    assert {f["status"] for f in findings["findings"]} >= {"fail"}
    html = (out / "report.html").read_text()
    assert "Your future posts are public" in html
    assert all((out / p.screenshot).is_file() for p in observations.pages if p.screenshot)
