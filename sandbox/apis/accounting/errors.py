"""The reference accounting API's one error body, and its catalogue of codes.

Every refusal, whatever its status, is `{"error": {"code", "message": {"lang", "value"},
"details": [{"field", "code", "message"}]}}`: readable by clients of Moneybird (an `error` member)
and of Exact Online (`error.message.value`), and naming each field as seed 003 item 7 asks."""

from __future__ import annotations

import orjson
from starlette.responses import Response

from sandbox import errors
from sandbox.errors import ApiError, ErrorCatalogue, Problem, Violation

CATALOGUE = ErrorCatalogue(
    "accounting",
    "Reference accounting API",
    "Codes are `error.code`; each entry of `error.details` has the code of the rule its field breaks. "
    "A request with several faults is refused once, with `validation_failed` and every field listed.",
)
_add = CATALOGUE.add

VALIDATION_FAILED = _add("validation_failed", 400, "The request breaks its schema, or several rules at once")
INVALID_EMAIL = _add("invalid_email", 400, "The e-mail address is not a valid address", "contacts")
UNKNOWN_VAT_CODE = _add("unknown_vat_code", 400, "No VAT rate with this code in the administration")
UNKNOWN_LEDGER_ACCOUNT = _add("unknown_ledger_account", 400, "No ledger account with this code")
UNKNOWN_JOURNAL = _add("unknown_journal", 400, "No journal with this code", "transactions")
WRONG_JOURNAL_TYPE = _add(
    "wrong_journal_type",
    400,
    "Invoices go to a sales journal, memorial entries to a memorial one",
    "transactions",
)
JOURNAL_REQUIRED = _add("journal_required", 400, "The administration requires a journal", "transactions")
UNKNOWN_PAYMENT_CONDITION = _add(
    "unknown_payment_condition", 400, "No payment condition with this code", "transactions"
)
PAYMENT_CONDITION_REQUIRED = _add(
    "payment_condition_required", 400, "The administration requires a payment condition", "transactions"
)
UNKNOWN_INVOICE_PROFILE = _add(
    "unknown_invoice_profile", 400, "No invoice profile with this id", "transactions"
)
INVOICE_PROFILE_REQUIRED = _add(
    "invoice_profile_required", 400, "The administration requires an invoice profile", "transactions"
)
UNKNOWN_CONTACT = _add("unknown_contact", 400, "No debtor with this id", "transactions")
UNKNOWN_PRODUCT = _add("unknown_product", 400, "No product with this id", "transactions")
FIELD_REQUIRED = _add(
    "field_required", 400, "A field this kind of transaction needs is missing", "transactions"
)
FIELD_NOT_ALLOWED = _add(
    "field_not_allowed", 400, "A field this kind of transaction does not take", "transactions"
)
UNBALANCED_ENTRY = _add(
    "unbalanced_entry", 400, "The debits of a memorial entry do not equal its credits", "transactions"
)
DUPLICATE_REFERENCE = _add(
    "duplicate_reference",
    400,
    "Another transaction has this reference (the same create sent again gets the first record back)",
    "transactions",
)
DUPLICATE_SKU = _add("duplicate_sku", 400, "Another product has this SKU", "products")
INVALID_TOKEN = _add("invalid_token", 401, "No access token, or one that is expired, revoked or not valid")
INSUFFICIENT_SCOPE = _add("insufficient_scope", 403, "The token lacks the operation's scope")
NOT_FOUND = _add("not_found", 404, "No such administration, record or path")
METHOD_NOT_ALLOWED = _add("method_not_allowed", 405, "The path does not take this method")
NOT_ACCEPTABLE = _add("not_acceptable", 406, "The API answers JSON only")
UNSUPPORTED_MEDIA_TYPE = _add("unsupported_media_type", 415, "Send JSON bodies")
BODY_TOO_LARGE = _add(
    "body_too_large", 413, "The request body is over the limit: 10 MB unless the operation states its own"
)
URI_TOO_LONG = _add("uri_too_long", 414, "The path and query are over 8 kB")
HEADERS_TOO_LARGE = _add("headers_too_large", 431, "The headers are over 16 kB together")
RATE_LIMITED = _add("rate_limited", 429, "Over the rate limit: wait `Retry-After` seconds")
SERVER_ERROR = _add("server_error", 500, "The sandbox failed (a bug: please report it)")

# What the engine detects, in this API's codes.
_ENGINE_CODES = {
    errors.INVALID_REQUEST: VALIDATION_FAILED,
    errors.MISSING_CREDENTIALS: INVALID_TOKEN,
    errors.INVALID_CREDENTIALS: INVALID_TOKEN,
    errors.FORBIDDEN: INSUFFICIENT_SCOPE,
    errors.UNKNOWN_PATH: NOT_FOUND,
    errors.NOT_FOUND: NOT_FOUND,
    errors.METHOD_NOT_ALLOWED: METHOD_NOT_ALLOWED,
    errors.NOT_ACCEPTABLE: NOT_ACCEPTABLE,
    errors.UNSUPPORTED_MEDIA_TYPE: UNSUPPORTED_MEDIA_TYPE,
    errors.REQUEST_TOO_LARGE: BODY_TOO_LARGE,
    errors.URI_TOO_LONG: URI_TOO_LONG,
    errors.HEADERS_TOO_LARGE: HEADERS_TOO_LARGE,
    errors.RATE_LIMITED: RATE_LIMITED,
    errors.SERVER_ERROR: SERVER_ERROR,
}


def code_of(problem: Problem) -> str:
    if problem.kind in CATALOGUE:
        return problem.kind
    entry = _ENGINE_CODES.get(problem.kind)
    if entry is not None:
        return entry.code
    return {401: INVALID_TOKEN, 403: INSUFFICIENT_SCOPE, 404: NOT_FOUND}.get(
        problem.status, VALIDATION_FAILED
    ).code


def _detail_code(violation: Violation) -> str:
    return violation.rule if violation.rule in CATALOGUE else VALIDATION_FAILED.code


def describe(problem: Problem) -> str:
    """The readable description: the problem, then each field and what is wrong with it."""
    text = problem.detail or problem.title
    if problem.violations:
        text += ": " + "; ".join(f"{v.field}: {v.message}" for v in problem.violations)
    return text


def render_error(problem: Problem) -> Response:
    body = {
        "error": {
            "code": code_of(problem),
            "message": {"lang": "en", "value": describe(problem)},
            "details": [
                {"field": v.field, "code": _detail_code(v), "message": v.message} for v in problem.violations
            ],
        }
    }
    return Response(
        orjson.dumps(body), status_code=problem.status, media_type="application/json", headers=problem.headers
    )


def refuse(violations: list[Violation]) -> ApiError:
    """One 400 for every broken rule: the rule's own code when there is one kind, else validation_failed."""
    kinds = {v.rule for v in violations}
    code = kinds.pop() if len(kinds) == 1 else VALIDATION_FAILED.code
    count = "one field" if len(violations) == 1 else f"{len(violations)} fields"
    return ApiError(400, code, f"The request was not processed ({count} at fault)", violations=violations)


def not_found(what: str, value: str) -> ApiError:
    return ApiError(404, NOT_FOUND.code, f"No {what} {value!r}")
