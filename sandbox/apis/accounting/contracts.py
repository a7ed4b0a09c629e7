"""Checks of the reference accounting API's own rules, judged from a tenant's journal."""

from __future__ import annotations

import orjson

from sandbox.contracts.exchanges import Entry
from sandbox.contracts.registry import Context, Finding, Judgement, check, judged

API = "accounting"


def _created_email(entry: Entry) -> str | None:
    """The e-mail address of a debtor the client added, as it sent it (None if the journal cut it)."""
    try:
        body = orjson.loads(entry.request_body) if isinstance(entry.request_body, str) else entry.request_body
    except orjson.JSONDecodeError:
        return None
    email = body.get("email") if isinstance(body, dict) else None
    return email.strip().casefold() if isinstance(email, str) else None


@check
def accounting_debtor_searched_before_added(ctx: Context) -> Judgement:
    """Before it adds a debtor, the client searches the administration's debtors by that e-mail
    address: a web shop finds the debtor it already booked for instead of adding it again, which is
    why seed 003 asks for a search by e-mail (item 4a).

    Source: seed 003 items 4a and 6b; apis/accounting.md §2 (checklist rows 2 and 3).
    """
    searched: set[tuple[str, str]] = set()
    adds, findings = 0, []
    for entry in ctx.of_api(API):
        if entry.operation_id == "listContacts" and entry.status == 200:
            searched.update((entry.path, v.strip().casefold()) for k, v in entry.query if k == "email")
        elif entry.operation_id == "createContact" and entry.status == 200:
            email = _created_email(entry)
            if email is None:
                continue
            adds += 1
            if (entry.path, email) not in searched:
                findings.append(
                    Finding(
                        f"a debtor with e-mail {email} was added without searching for it first "
                        f"(GET {entry.path}?email=...)",
                        [entry.exchange],
                    )
                )
    return judged(adds, "debtors added", findings)
