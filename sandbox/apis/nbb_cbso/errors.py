"""NBB's two error shapes: the API gateway's `{statusCode, message}` for what the gateway
refuses (keys, unknown operations, rate limits), and problem+json with `violations` for what the
service refuses."""

from __future__ import annotations

import re

import orjson
from starlette.responses import Response

from sandbox import errors
from sandbox.errors import Problem

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
    body["violations"] = [
        {
            "field": v.field,
            "defaultMessage": v.message if "." in v.rule else f"{v.field} {v.message}",
            "messageKey": message_key(v.field, v.rule),
        }
        for v in problem.violations
    ]
    return Response(
        orjson.dumps(body),
        status_code=problem.status,
        media_type="application/problem+json",
        headers=problem.headers,
    )
