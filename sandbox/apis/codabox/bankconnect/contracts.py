"""Checks of a bank's CodaBox BankConnect client. The token checks are the engine's; idempotency
keys and retries are the Ibanity layer's."""

from __future__ import annotations

import json

from sandbox.contracts.exchanges import Entry, listing
from sandbox.contracts.registry import Context, Finding, Judgement, check, judged

API = "codabox-bankconnect"
DECISIONS = ("createBankAccountApproval", "createBankAccountRejection", "createBankAccountDeactivation")
ALREADY_DECIDED = 409


def _iban(entry: Entry) -> str | None:
    body = entry.request_body
    try:
        parsed = json.loads(body) if isinstance(body, str) else body
        return str(parsed["data"]["attributes"]["iban"]).replace(" ", "").upper()
    except (ValueError, TypeError, KeyError):
        return None


@check
def bankconnect_decides_once(ctx: Context) -> Judgement:
    """A bank takes each decision on an account once: after an approval, rejection or
    deactivation succeeded, the same decision sent again for the same IBAN is a retry that lost
    its `Ibanity-Idempotency-Key` (with the key, Ibanity answers the first answer again; without
    it, the account's mandate has moved on and the decision is refused).

    Source: apis/codabox.md (BankConnect decisions; Ibanity-Idempotency-Key on POSTs).
    """
    decisions = [e for e in ctx.of_api(API) if e.operation_id in DECISIONS]
    taken: set[tuple[str, str]] = set()
    repeated: list[Entry] = []
    for entry in decisions:
        iban = _iban(entry)
        if iban is None or entry.operation_id is None:
            continue
        decision = (entry.operation_id, iban)
        if 200 <= entry.status < 300:
            taken.add(decision)
        elif entry.status == ALREADY_DECIDED and decision in taken:
            repeated.append(entry)
    findings = []
    if repeated:
        ibans = sorted({_iban(e) or "" for e in repeated})
        findings.append(
            Finding(
                f"{len(repeated)} decision(s) were sent again after they were taken, for {listing(ibans)}: "
                "send each decision once, and a retry with the Ibanity-Idempotency-Key of the first try",
                [e.exchange for e in repeated],
            )
        )
    return judged(len(decisions), "bank decisions", findings)
