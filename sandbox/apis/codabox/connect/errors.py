"""CodaBox Connect's own codes, in Ibanity's JSON:API error body (see `ibanity.errors` for the codes
every Ibanity product answers)."""

from __future__ import annotations

from sandbox.errors import ErrorCatalogue

CATALOGUE = ErrorCatalogue(
    "codabox-connect",
    "CodaBox Connect (Ibanity)",
    "In the Ibanity error body, beside the codes every Ibanity product answers. `unknownAccountingOffice` "
    "and `alreadyRegistered` are codes public connectors handle; their statuses, and the other codes, are "
    "the sandbox's design.",
)
_add = CATALOGUE.add

UNKNOWN_ACCOUNTING_OFFICE = _add(
    "unknownAccountingOffice",
    404,
    "No accounting office with this enterprise number (consents) or id (documents) in CodaBox",
    "consents, document searches, downloads",
)
ALREADY_REGISTERED = _add(
    "alreadyRegistered",
    409,
    "The software already has a confirmed consent of this office: it is to be revoked in MyCodaBox first",
    "consents",
)
CONSENT_NOT_CONFIRMED = _add(
    "accountingOfficeConsentNotConfirmed",
    403,
    "The office has not confirmed a consent for the software (yet): its documents are not readable",
    "document searches, downloads",
)
CONSENT_DECIDED = _add(
    "accountingOfficeConsentAlreadyDecided",
    409,
    "The consent was confirmed or denied already: create a new one",
    "consent confirmation",
)
