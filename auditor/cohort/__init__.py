"""Many accounts in one run (`auditor run --accounts FILE`): a folder per account and a summary across them.

accounts: the accounts file and each account's way in; runner: the workers and one account's
audit; summary: the summary's models, the tally per check, summary.json and summary.html.
"""

from auditor.cohort.runner import run_cohort
from auditor.cohort.summary import SUMMARY_HTML

__all__ = ["SUMMARY_HTML", "run_cohort"]
