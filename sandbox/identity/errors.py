"""RFC 6749 §5.2 errors: `{"error", "error_description"}`, whatever refused the request."""

from __future__ import annotations

import orjson
from starlette.responses import Response

from sandbox import errors
from sandbox.errors import ApiError, Problem

INVALID_REQUEST = "invalid_request"
INVALID_CLIENT = "invalid_client"
INVALID_GRANT = "invalid_grant"
INVALID_SCOPE = "invalid_scope"
UNSUPPORTED_GRANT_TYPE = "unsupported_grant_type"
UNSUPPORTED_RESPONSE_TYPE = "unsupported_response_type"
ACCESS_DENIED = "access_denied"

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
