"""RFC 6749 §5.2 errors: `{"error", "error_description"}`, whatever refused the request, and the
catalogue of the codes."""

from __future__ import annotations

import orjson
from starlette.responses import Response

from sandbox import errors
from sandbox.errors import ApiError, ErrorCatalogue, Problem

CATALOGUE = ErrorCatalogue(
    "identity",
    "OAuth2 authorization server",
    'RFC 6749 codes in `{"error", "error_description"}`; the authorization endpoint sends its refusals '
    "to the client's redirect URI as `error` and `error_description` query parameters (302), once the "
    "client and its redirect URI are known.",
)
_add = CATALOGUE.add

INVALID_REQUEST = _add("invalid_request", 400, "A parameter is missing, repeated or malformed").code
INVALID_CLIENT = _add("invalid_client", 401, "Unknown client, wrong secret, or no client authentication").code
INVALID_GRANT = _add(
    "invalid_grant", 400, "The code or refresh token is unknown, expired, revoked, or not this client's"
).code
INVALID_SCOPE = _add("invalid_scope", 400, "A scope the client may not have, or wider than the grant's").code
UNSUPPORTED_GRANT_TYPE = _add("unsupported_grant_type", 400, "A `grant_type` the server does not offer").code
UNSUPPORTED_RESPONSE_TYPE = _add(
    "unsupported_response_type", 302, "A `response_type` other than `code`", "authorization"
).code
ACCESS_DENIED = _add("access_denied", 302, "The user denied the client access", "authorization").code
# the engine's refusals outside RFC 6749 keep the engine's name for them
_add(errors.UNKNOWN_PATH, 404, "No endpoint at this path")
_add(errors.METHOD_NOT_ALLOWED, 405, "The endpoint does not take this method")
_add(errors.NOT_ACCEPTABLE, 406, "No answer of the endpoint matches `Accept`")
_add(
    errors.REQUEST_TOO_LARGE,
    413,
    "The request body is over the limit: 10 MB unless the operation states its own",
)
_add(errors.URI_TOO_LONG, 414, "The path and query are over 8 kB")
_add(errors.HEADERS_TOO_LARGE, 431, "The headers are over 16 kB together")
_add(errors.RATE_LIMITED, 429, "The tenant's rate limit is used up; retry after `Retry-After` seconds")
_add(errors.SERVER_ERROR, 500, "The sandbox failed (or a fault the tenant switched on)")

# What the engine's own refusals are called in RFC 6749's words.
_ENGINE_KINDS = {
    errors.INVALID_REQUEST: INVALID_REQUEST,
    errors.UNSUPPORTED_MEDIA_TYPE: INVALID_REQUEST,
    errors.MISSING_CREDENTIALS: INVALID_CLIENT,
    errors.INVALID_CREDENTIALS: INVALID_CLIENT,
}

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def oauth_error(status: int, error: str, description: str, headers: dict[str, str] | None = None) -> ApiError:
    return ApiError(status, error, description, headers=headers or {})


def invalid_request(description: str) -> ApiError:
    return oauth_error(400, INVALID_REQUEST, description)


def invalid_grant(description: str) -> ApiError:
    return oauth_error(400, INVALID_GRANT, description)


def describe(problem: Problem) -> str:
    """The detail, followed by every violation with the field it concerns."""
    if not problem.violations:
        return problem.detail
    listed = "; ".join(f"{v.field or 'body'} {v.message}" for v in problem.violations)
    return f"{problem.detail}: {listed}" if problem.detail else listed


def render_error(problem: Problem) -> Response:
    body = {"error": _ENGINE_KINDS.get(problem.kind, problem.kind), "error_description": describe(problem)}
    return Response(
        orjson.dumps(body),
        status_code=problem.status,
        media_type="application/json",
        headers={**NO_STORE, **problem.headers},
    )
