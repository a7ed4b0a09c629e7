"""Ibanity's error body, `{"errors": [{"code", "detail", "meta"?}]}` in `application/vnd.api+json`,
and the catalogue of the codes every Ibanity product of the sandbox answers. A product adds its own
codes in its own catalogue; they render the same way."""

from __future__ import annotations

import orjson
from starlette.responses import Response

from sandbox import errors
from sandbox.errors import ApiError, ErrorCatalogue, ErrorCode, Problem

JSON_API = "application/vnd.api+json"

CATALOGUE = ErrorCatalogue(
    "ibanity",
    "Ibanity products (CodaBox Connect, CodaBox BankConnect)",
    'JSON:API errors: `{"errors": [{"code", "detail", "meta"?}]}`; a request that breaks its schema gets one '
    "error per broken field, naming it in `meta.attribute`. The token endpoint (`.../oauth2/token`) answers "
    'OAuth2\'s `{"error", "error_description"}` instead (see the authorization server\'s codes).',
)
_add = CATALOGUE.add

VALIDATION_ERROR = _add("validationError", 400, "The request breaks a rule: `meta.attribute` names the field")
UNAUTHORIZED = _add(
    "unauthorized", 401, "No access token, or one that is expired, revoked or not this sandbox's"
)
FORBIDDEN = _add("forbidden", 403, "The token does not give access to this resource")
NOT_FOUND = _add("notFound", 404, "No resource at this path, or none with this id")
METHOD_NOT_ALLOWED = _add("methodNotAllowed", 405, "The path does not take this method")
NOT_ACCEPTABLE = _add(
    "notAcceptable", 406, "The resource cannot be given in the media type `Accept` asks for"
)
IDEMPOTENCY_CONFLICT = _add(
    "idempotencyKeyConflict",
    409,
    "`Ibanity-Idempotency-Key` was used before with another request body (sandbox's name: the real code is "
    "not public)",
    "POST",
)
REQUEST_TOO_LARGE = _add("requestTooLarge", 413, "The request body is over the sandbox's limit (10 MiB)")
URI_TOO_LONG = _add("uriTooLong", 414, "The path and query are over 8 kB")
HEADERS_TOO_LARGE = _add("headersTooLarge", 431, "The headers are over 16 kB together")
UNSUPPORTED_MEDIA_TYPE = _add(
    "unsupportedMediaType", 415, "A body that is not `application/vnd.api+json` or `application/json`"
)
TOO_MANY_REQUESTS = _add(
    "tooManyRequests", 429, "The tenant's rate limit is used up: wait `Retry-After` seconds"
)
INTERNAL_SERVER_ERROR = _add("internalServerError", 500, "The sandbox failed, or a fault switched on")

# The engine's own refusals in Ibanity's words.
_ENGINE_KINDS = {
    errors.INVALID_REQUEST: VALIDATION_ERROR.code,
    errors.MISSING_CREDENTIALS: UNAUTHORIZED.code,
    errors.INVALID_CREDENTIALS: UNAUTHORIZED.code,
    errors.FORBIDDEN: FORBIDDEN.code,
    errors.UNKNOWN_PATH: NOT_FOUND.code,
    errors.NOT_FOUND: NOT_FOUND.code,
    errors.METHOD_NOT_ALLOWED: METHOD_NOT_ALLOWED.code,
    errors.NOT_ACCEPTABLE: NOT_ACCEPTABLE.code,
    errors.UNSUPPORTED_MEDIA_TYPE: UNSUPPORTED_MEDIA_TYPE.code,
    errors.REQUEST_TOO_LARGE: REQUEST_TOO_LARGE.code,
    errors.URI_TOO_LONG: URI_TOO_LONG.code,
    errors.HEADERS_TOO_LARGE: HEADERS_TOO_LARGE.code,
    errors.RATE_LIMITED: TOO_MANY_REQUESTS.code,
    errors.SERVER_ERROR: INTERNAL_SERVER_ERROR.code,
}


_SAID = "said"  # the rule of a violation whose message is a whole sentence already


def refuse(code: ErrorCode, detail: str = "", attribute: str | None = None) -> ApiError:
    """An error of a catalogue; `attribute` names the field it concerns (Ibanity's `meta.attribute`)."""
    said = detail or code.meaning
    violations = [errors.Violation(attribute, _SAID, said)] if attribute else []
    return ApiError(code.status, code.code, said, violations=violations)


def _attribute(field: str) -> str:
    """The field as a client names it: `body.data.attributes.from` is `from`."""
    return field.rsplit(".", 1)[-1] if field else field


def error_body(problem: Problem) -> dict:
    code = _ENGINE_KINDS.get(problem.kind, problem.kind)
    if not problem.violations:
        return {"errors": [{"code": code, "detail": problem.detail or problem.title}]}
    return {
        "errors": [
            {
                "code": code,
                "detail": v.message if v.rule == _SAID else f"{_attribute(v.field)} {v.message}",
                "meta": {"attribute": _attribute(v.field)},
            }
            for v in problem.violations
        ]
    }


def render_error(problem: Problem) -> Response:
    return Response(
        orjson.dumps(error_body(problem)),
        status_code=problem.status,
        media_type=JSON_API,
        headers=problem.headers,
    )
