"""The FOD family's error body, shaped on e-Box Enterprise's `StatusMessage`:
`{"code", "message", "errors": [{"code", "field", "message"}]}`, and its catalogue of codes."""

import orjson
from starlette.responses import Response

from sandbox import errors
from sandbox.errors import ErrorCatalogue, Problem

CATALOGUE = ErrorCatalogue(
    "fod",
    "FOD Financiën (MyMinfin, Intervat)",
    "Codes of the sandbox's invented wire shape; the Intervat rule codes (13, C, D, O, P, Q, S, T, U, "
    "AC, AD, E_TRIPLE_DECLA_FOUND) are the FOD's own and appear in a rejected return's `errors`.",
)
# what the engine refuses before a handler runs, under the engine's own names
for _code, _status, _meaning in (
    (
        errors.INVALID_REQUEST,
        400,
        "A parameter or the body breaks the spec (the body: not well-formed XML too)",
    ),
    (errors.MISSING_CREDENTIALS, 401, "No Bearer token"),
    (errors.INVALID_CREDENTIALS, 401, "The Bearer token is invalid, expired or revoked"),
    (errors.UNKNOWN_PATH, 404, "No operation at this path"),
    (errors.METHOD_NOT_ALLOWED, 405, "The path does not take this method"),
    (errors.UNSUPPORTED_MEDIA_TYPE, 415, "A body other than application/xml or multipart/form-data"),
    (errors.REQUEST_TOO_LARGE, 413, "The request body is over the limit: 20 MB at Intervat, else 10 MB"),
    (errors.URI_TOO_LONG, 414, "The path and query are over 8 kB"),
    (errors.HEADERS_TOO_LARGE, 431, "The headers are over 16 kB together"),
    (errors.RATE_LIMITED, 429, "The tenant's rate limit is used up; retry after `Retry-After` seconds"),
):
    CATALOGUE.add(_code, _status, _meaning)
API_ON_HOLD = CATALOGUE.add(
    "api_on_hold", 503, "The tenant is in mode on_hold (the default): development is on hold"
)
NOT_REGISTERED = CATALOGUE.add(
    "not_registered", 403, "The software company is not registered as a recognised user"
)
AGREEMENT_NOT_ACCEPTED = CATALOGUE.add("agreement_not_accepted", 403, "The user agreement is not accepted")
NO_END_USER = CATALOGUE.add(
    "no_end_user", 403, "The token names no end user (use the authorization code grant)"
)
NOT_MANDATARY = CATALOGUE.add("not_mandatary", 403, "The end user holds no mandate for the dossier's owner")
NOT_FOUND = CATALOGUE.add("not_found", 404, "No such dossier, document or submission for this end user")
NOT_IN_PHASE_1 = CATALOGUE.add(
    "not_in_phase_1", 422, "Client listings, intra-community statements and refunds", "submitVatReturn"
)
MALFORMED = CATALOGUE.add(
    "code_99", 400, "The file is not well-formed XML (Intervat's technical code_99)", "submitVatReturn"
)
TOO_LARGE = CATALOGUE.add("too_large", 413, "A file over Intervat's 20 MB", "submitVatReturn")
REGISTRATION_CLOSED = CATALOGUE.add(
    "registration_closed",
    503,
    "Registration as a recognised user is temporarily impossible (mode on_hold)",
    "actions",
)
TOO_MANY = CATALOGUE.add(
    "too_many_declarations", 413, "More than 999 declarations in one file", "submitVatReturn"
)
NOT_SUBMITTED = CATALOGUE.add("not_submitted", 409, "The acknowledgement exists once the return is submitted")


def render_error(problem: Problem) -> Response:
    body: dict = {"code": problem.kind, "message": problem.detail or problem.title}
    if problem.violations:
        body["errors"] = [
            {"code": v.rule, "field": v.field, "message": v.message} for v in problem.violations
        ]
    return Response(
        orjson.dumps(body), status_code=problem.status, media_type="application/json", headers=problem.headers
    )
