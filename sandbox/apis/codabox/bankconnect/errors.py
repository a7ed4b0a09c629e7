"""CodaBox BankConnect's own codes, in Ibanity's JSON:API error body (see `ibanity.errors` for the
codes every Ibanity product answers). The real codes are not public: these are the sandbox's."""

from __future__ import annotations

from sandbox.errors import ErrorCatalogue

CATALOGUE = ErrorCatalogue(
    "codabox-bankconnect",
    "CodaBox BankConnect (Ibanity)",
    "In the Ibanity error body, beside the codes every Ibanity product answers; `meta.attribute` names the "
    "field. The codes and their statuses are the sandbox's design (BankConnect's are not public).",
)
_add = CATALOGUE.add

UNKNOWN_BANK_ACCOUNT = _add(
    "unknownBankAccount",
    404,
    "No CodaBox mandate holds this IBAN now (never ordered, or archived), or no account has this id",
    "bank mandates, decisions",
)
BANK_ACCOUNT_STATE = _add(
    "invalidBankAccountState",
    409,
    "The account's mandate does not take this decision now: approvals and rejections need a signed mandate "
    "awaiting the bank; a deactivation one that is not archived",
    "decisions",
)
