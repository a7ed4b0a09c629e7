"""Problems: what went wrong with a request, before any API decides how to show it.

The engine and the handlers raise `ApiError`; each API's error renderer turns the `Problem`
into that API's own error body (NBB's problem+json, Informat's `{message, errors}`, ...).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import orjson
from starlette.responses import Response

# Kinds of problem the engine itself detects; handlers may use their own kinds too.
UNKNOWN_PATH = "unknown_path"
METHOD_NOT_ALLOWED = "method_not_allowed"
MISSING_CREDENTIALS = "missing_credentials"
INVALID_CREDENTIALS = "invalid_credentials"
FORBIDDEN = "forbidden"
INVALID_REQUEST = "invalid_request"
NOT_ACCEPTABLE = "not_acceptable"
UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
NOT_FOUND = "not_found"
RATE_LIMITED = "rate_limited"
MISDIRECTED = "misdirected"
REQUEST_TOO_LARGE = "request_too_large"  # the body (413)
URI_TOO_LONG = "uri_too_long"  # the request line (414)
HEADERS_TOO_LARGE = "headers_too_large"  # the header section (431)
SERVER_ERROR = "server_error"

REASONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    406: "Not Acceptable",
    409: "Conflict",
    410: "Gone",
    413: "Content Too Large",
    414: "URI Too Long",
    415: "Unsupported Media Type",
    421: "Misdirected Request",
    422: "Unprocessable Entity",
    429: "Too Many Requests",
    431: "Request Header Fields Too Large",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


@dataclass(frozen=True)
class Violation:
    """One broken rule of one input field: `field` names it as the client sent it."""

    field: str
    rule: str
    message: str


@dataclass
class Problem:
    status: int
    kind: str
    detail: str = ""
    title: str = ""
    violations: list[Violation] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.title:
            self.title = REASONS.get(self.status, "Error")


class ApiError(Exception):
    """Raised anywhere in the way of a request; rendered by the API's error renderer."""

    def __init__(self, status: int, kind: str = "", detail: str = "", **extra) -> None:
        super().__init__(detail or kind)
        self.problem = Problem(status=status, kind=kind or _default_kind(status), detail=detail, **extra)


def _default_kind(status: int) -> str:
    return {400: INVALID_REQUEST, 404: NOT_FOUND, 429: RATE_LIMITED}.get(status, f"http_{status}")


def problem_json(problem: Problem) -> Response:
    """The default renderer: RFC 9457 problem details, violations listed field by field."""
    body: dict = {"type": "about:blank", "title": problem.title, "status": problem.status}
    if problem.detail:
        body["detail"] = problem.detail
    if problem.violations:
        body["violations"] = [
            {"field": v.field, "rule": v.rule, "message": v.message} for v in problem.violations
        ]
    return Response(
        orjson.dumps(body),
        status_code=problem.status,
        media_type="application/problem+json",
        headers=problem.headers,
    )


@dataclass(frozen=True)
class ErrorCode:
    code: str
    status: int
    meaning: str
    where: str = ""  # the operations or part of the family that answer it, when not all of them


class ErrorCatalogue:
    """The codes of one API family, in the order they are added; a code is added once. Each
    API lists its catalogue in `apis/<api>/errors.py` as `CATALOGUE`."""

    def __init__(self, family: str, title: str, note: str = ""):
        self.family, self.title, self.note = family, title, note
        self._codes: dict[str, ErrorCode] = {}

    def add(self, code: str, status: int, meaning: str, where: str = "") -> ErrorCode:
        if code in self._codes:
            raise ValueError(f"{self.family}: code {code} is already {self._codes[code].meaning!r}")
        entry = self._codes[code] = ErrorCode(code, status, meaning, where)
        return entry

    def __iter__(self) -> Iterator[ErrorCode]:
        return iter(self._codes.values())

    def __contains__(self, code: str) -> bool:
        return code in self._codes

    def markdown(self) -> str:
        lines = [f"### {self.title}", ""]
        if self.note:
            lines += [self.note, ""]
        lines += ["| Code | Status | Where | Meaning |", "|---|---|---|---|"]
        lines += [f"| `{e.code}` | {e.status} | {e.where or 'all'} | {e.meaning} |" for e in self]
        return "\n".join(lines)
