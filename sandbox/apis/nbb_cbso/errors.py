"""NBB's two error shapes, and its catalogue of message keys.

The API gateway answers `{statusCode, message}` for what it refuses (keys, unknown operations,
rate limits); the service answers problem+json whose `violations` carry a `messageKey`, the code a
client can act on.
"""

from __future__ import annotations

import re

import orjson
from starlette.responses import Response

from sandbox import errors
from sandbox.errors import ErrorCatalogue, Problem, Violation

CATALOGUE = ErrorCatalogue(
    "nbb-cbso",
    "NBB CBSO",
    "Codes are the `messageKey` of a problem+json violation. The API gateway's refusals carry none: "
    "401 for a missing or wrong subscription key, 404 for an unknown path, 405, and 429, with a "
    "`{statusCode, message}` body. A 404 for a day whose batch is not out yet, or that published "
    "nothing, has no violation either.",
)
_add = CATALOGUE.add

FIELD_INVALID = _add(
    "<field>.invalid",
    400,
    "A parameter breaks its rule, e.g. `enterprise.number.invalid` for a number "
    "with dots, a BE prefix or wrong check digits",
)
DATE_NOT_IN_PAST = _add(
    "date.not.in.past",
    400,
    "A batch or archive day that is today or later (Brussels)",
    "daily batches, archives",
)
DATE_OUTSIDE_ARCHIVE = _add(
    "date.outside.archive.window", 404, "An archive day older than 3 years: no batch", "archives"
)
REFERENCE_NOT_FOUND = _add(
    "reference.number.not.found",
    404,
    "No published deposit with this reference, or no accounting data for it",
    "deposit operations",
)
NO_JSON = _add(
    "reference.number.not.found.json",
    404,
    "No JSON-XBRL: filed before 2022-04-04, or a PDF-only model",
    "accounting data",
)
NO_XBRL = _add(
    "reference.number.not.found.xbrl",
    404,
    "No XBRL: filed before 2007, or a PDF-only model",
    "accounting data",
)
NO_IMPROVEMENT = _add(
    "reference.number.not.found.improved",
    404,
    "The deposit has no improvement (of this kind)",
    "improved data",
)
BODY_TOO_LARGE = _add(
    "request.body.too.large",
    413,
    "The request body is over the limit: 10 MB unless the operation states its own",
)
URI_TOO_LONG = _add("request.uri.too.long", 414, "The path and query are over 8 kB")
HEADERS_TOO_LARGE = _add("request.headers.too.large", 431, "The headers are over 16 kB together")

# What the engine refuses before the service reads the request: one violation names the part.
SIZE_REFUSALS = {
    errors.REQUEST_TOO_LARGE: ("body", BODY_TOO_LARGE),
    errors.URI_TOO_LONG: ("uri", URI_TOO_LONG),
    errors.HEADERS_TOO_LARGE: ("headers", HEADERS_TOO_LARGE),
}

GATEWAY_MESSAGES = {
    errors.MISSING_CREDENTIALS: "Access denied due to missing subscription key. "
    "Make sure to include subscription key when making requests to an API.",
    errors.INVALID_CREDENTIALS: "Access denied due to invalid subscription key. "
    "Make sure to provide a valid key for an active subscription.",
    errors.UNKNOWN_PATH: "Resource not found",
    errors.METHOD_NOT_ALLOWED: "Method not allowed",
}


def message_key(field: str, rule: str) -> str:
    """`enterpriseNumber` + `pattern` -> `enterprise.number.invalid`; dotted rules pass as they are."""
    if "." in rule:
        return rule
    words = re.sub(r"([a-z0-9])([A-Z])", r"\1.\2", field.split("[", 1)[0]).lower()
    return f"{words or 'request'}.invalid"


def render_error(problem: Problem) -> Response:
    if problem.kind in GATEWAY_MESSAGES or problem.kind == errors.RATE_LIMITED:
        message = GATEWAY_MESSAGES.get(problem.kind) or problem.detail
        return Response(
            orjson.dumps({"statusCode": problem.status, "message": message}),
            status_code=problem.status,
            media_type="application/json",
            headers=problem.headers,
        )
    body: dict = {"type": "about:blank", "title": problem.title, "status": problem.status}
    if problem.detail:
        body["detail"] = problem.detail
    violations = problem.violations
    if problem.kind in SIZE_REFUSALS:
        part, code = SIZE_REFUSALS[problem.kind]
        violations = [Violation(part, code.code, problem.detail)]
    body["violations"] = [
        {
            "field": v.field,
            "defaultMessage": v.message if "." in v.rule else f"{v.field} {v.message}",
            "messageKey": message_key(v.field, v.rule),
        }
        for v in violations
    ]
    return Response(
        orjson.dumps(body),
        status_code=problem.status,
        media_type="application/problem+json",
        headers=problem.headers,
    )
