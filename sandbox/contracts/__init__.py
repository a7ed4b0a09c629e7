"""Contract checks: does a client behave as the real APIs expect? Judged from a tenant's journal.

    from sandbox.contracts import verify
    report = verify(entries, tenant="t-1234")   # entries as GET /__sandbox/journal gives them
    print(report.text())

Every check is registered once in `CHECKS` (name -> Check with its rule and source): the generic
ones here, an API's own in the `contracts` module of its package (`sandbox/apis/<api>/`). The
`sandbox verify` command, the pytest plugin and `GET /__sandbox/tenants/{id}/contracts` all run
the same registry.
"""

from sandbox.contracts.exchanges import Exchange
from sandbox.contracts.registry import (
    CHECKS,
    Check,
    Config,
    Context,
    Finding,
    Judgement,
    UnknownCheck,
    check,
    discover,
    judged,
    not_exercised,
)
from sandbox.contracts.report import Outcome, Report, Verdict, verify

discover()  # each API package's own checks, registered before the generic ones below
from sandbox.contracts import headers, jobs, parameters, rate_limits, refusals, tokens  # noqa: E402, F401  (register)

__all__ = [
    "CHECKS",
    "Check",
    "Config",
    "Context",
    "Exchange",
    "Finding",
    "Judgement",
    "Outcome",
    "Report",
    "UnknownCheck",
    "Verdict",
    "check",
    "judged",
    "not_exercised",
    "verify",
]
