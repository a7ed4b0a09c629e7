"""CodaBox's error body, `{"detail": ...}` (public clients read only that), and the sandbox's
catalogue of what it refuses. CodaBox sends no codes on the wire: the codes name the rules in this
catalogue, the README and the tests; `detail` says what went wrong. Violations of an uploaded
invoice, or of a request's schema, are listed under `errors` (rule, location, message) as well."""

from __future__ import annotations

import orjson
from starlette.responses import Response

from sandbox import errors
from sandbox.apis.codabox import mandates
from sandbox.errors import ApiError, ErrorCatalogue, ErrorCode, Problem

CATALOGUE = ErrorCatalogue(
    "codabox-v2",
    "CodaBox API V2",
    'Every refusal is `{"detail": "..."}`; the codes below are the sandbox\'s names for them (not on the '
    "wire). A request that breaks its schema, and an uploaded invoice that breaks rules, also list "
    "`errors`: `{rule, location, message}` each.",
)
_add = CATALOGUE.add

MISSING_CREDENTIALS = _add(
    errors.MISSING_CREDENTIALS, 401, "No `X-Software-Company` key, or no Basic credentials"
)
INVALID_CREDENTIALS = _add(
    errors.INVALID_CREDENTIALS, 401, "Wrong Basic credentials, or a key and Basic of two tenants"
)
UNKNOWN_SOFTWARE_KEY = _add(errors.FORBIDDEN, 403, "An `X-Software-Company` key that CodaBox never issued")
INVALID_REQUEST = _add(errors.INVALID_REQUEST, 400, "The request breaks the spec: `errors` names each field")
UNKNOWN_PATH = _add(errors.UNKNOWN_PATH, 404, "No operation at this path")
METHOD_NOT_ALLOWED = _add(errors.METHOD_NOT_ALLOWED, 405, "The path does not take this method")
UNSUPPORTED_MEDIA_TYPE = _add(errors.UNSUPPORTED_MEDIA_TYPE, 415, "A body that is not JSON (or multipart)")
RATE_LIMITED = _add(errors.RATE_LIMITED, 429, "Too many requests: wait `Retry-After` seconds")
BODY_TOO_LARGE = _add(
    errors.REQUEST_TOO_LARGE,
    413,
    "The request body is over the limit: 10 MB unless the operation states its own",
)
URI_TOO_LONG = _add(errors.URI_TOO_LONG, 414, "The path and query are over 8 kB")
HEADERS_TOO_LARGE = _add(errors.HEADERS_TOO_LARGE, 431, "The headers are over 16 kB together")
SERVER_ERROR = _add(errors.SERVER_ERROR, 500, "A fault switched on through the control plane")
UNKNOWN_VAT = _add("unknown_vat", 404, "No client with this VAT number", "request-access-token")
INVALID_VAT = _add("invalid_vat", 400, "Not a valid Belgian VAT number", "request-access-token")
TOKEN_UNKNOWN = _add(
    "token_unknown", 404, "A one-time token that was never sent, or was used already", "get-credentials"
)
OFFICE_ONLY = _add(
    "office_only", 403, "An invoicing software's user (a client) has no delivery feed", "delivery"
)
CLIENT_ONLY = _add("client_only", 403, "Peppol licences belong to a client (the token flow's user)", "peppol")
UNKNOWN_FIDUCIARY = _add(
    "unknown_fiduciary", 404, "No office with this id that the user may see", "fiduciaries"
)
UNKNOWN_FEED = _add("unknown_feed", 404, "No feed with this id: use the pod client's `id`", "delivery")
UNKNOWN_FEED_INDEX = _add(
    "unknown_feed_index", 404, "No document with this feed index in the feed", "delivery"
)
UNKNOWN_FORMAT = _add("unknown_format", 404, "The document's model has no such format", "download")
OFFSET_NOT_IN_FEED = _add(
    "offset_not_in_feed", 400, "`feed_offset` is not an entry of this feed", "PUT feed, PUT redownload-feed"
)
UNKNOWN_LICENCE = _add("unknown_licence", 404, "No licence with this id of the user", "peppol")
LICENCE_INACTIVE = _add("licence_inactive", 409, "The licence is inactive: activate it to upload", "upload")
NO_FILE = _add("no_file", 400, "The multipart body has no `file` part", "upload")
INVALID_INVOICE = _add(
    "invalid_invoice",
    400,
    "The UBL breaks rules: the UBL 2.1 XSD (`UBL-XSD`), EN 16931 (`BR-...`) or Belgian ones (`BE-...`)",
    "upload",
)
WRONG_SELLER = _add("wrong_seller", 400, "The invoice's seller is not the user's company", "upload")
INVALID_PARTICIPANT = _add(
    "invalid_participant", 400, "Not a valid Belgian VAT or enterprise number", "check-presence"
)

# The rules of mandates.py, as `mandate.<rule>`. Unknowns are 404, what the request itself gets
# wrong 400, and what the state of the system forbids 409.
_MANDATE_STATUS = {
    "unknown_client": 404,
    "unknown_mandate": 404,
    "natural_person": 400,
    "unknown_bank": 400,
    "no_ibans": 400,
    "invalid_iban": 400,
    "iban_not_at_bank": 400,
}
MANDATE_CODES = {
    code: _add(
        f"mandate.{code}", _MANDATE_STATUS.get(code, 409), meaning[0].upper() + meaning[1:], "mandates"
    )
    for code, meaning in mandates.ERRORS.items()
}
UNKNOWN_CLIENT = MANDATE_CODES["unknown_client"]
UNKNOWN_MANDATE = MANDATE_CODES["unknown_mandate"]


def refuse(code: ErrorCode, detail: str = "", **extra) -> ApiError:
    return ApiError(code.status, code.code, detail or code.meaning, **extra)


def render_error(problem: Problem) -> Response:
    body: dict = {"detail": problem.detail or problem.title}
    if problem.violations:
        body["errors"] = [
            {"rule": v.rule, "location": v.field, "message": v.message} for v in problem.violations
        ]
    return Response(
        orjson.dumps(body), status_code=problem.status, media_type="application/json", headers=problem.headers
    )
