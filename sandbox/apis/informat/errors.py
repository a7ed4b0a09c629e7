"""Informat's error body: `{"message", "errors": [{"code", "message"}]}`.

Public clients read the entries of 400 and 405 answers as PascalCase `Code`/`Message` and the
others as camelCase, so every entry carries both casings and every client finds its keys.
Codes are Informat's families: `BR…` a business rule (400), `DNF…` data not found (404),
`MNA…` a method not allowed on a preregistration in its state (405).
"""

from __future__ import annotations

import re

import orjson
from starlette.responses import Response

from sandbox import errors
from sandbox.errors import ApiError, Problem, Violation

# engine-detected violations of these fields carry Informat's own code and Dutch message
FIELD_RULES: dict[str, tuple[str, str]] = {
    "InstituteNo": ("BR035B", "Instellingsnummer moet 6 karakters lang zijn."),
    "schoolYear": ("BR036A", "Het schooljaar moet de vorm 2025 of 2025-26 hebben."),
    "Api-Version": ("BR037A", "De header Api-Version is verplicht en moet 2 zijn."),
    "lastName": ("BR001A", "De achternaam is verplicht."),
    "firstName": ("BR002A", "De voornaam is verplicht."),
}

INFORMAT_CODE = re.compile(r"(BR|DNF|MNA|AUT)[0-9]{3}[A-Z]?$")

KIND_CODES = {
    errors.MISSING_CREDENTIALS: "AUT001",
    errors.INVALID_CREDENTIALS: "AUT002",
    errors.FORBIDDEN: "AUT003",
    errors.UNKNOWN_PATH: "DNF000",
    errors.METHOD_NOT_ALLOWED: "MNA000",
    errors.NOT_ACCEPTABLE: "BR000N",
    errors.UNSUPPORTED_MEDIA_TYPE: "BR000M",
    errors.RATE_LIMITED: "RL001",
    errors.SERVER_ERROR: "ERR500",
}


def informat_error(status: int, code: str, message: str, *, field: str = "", **extra) -> ApiError:
    """A refusal with Informat's code and (Dutch) message."""
    return ApiError(status, code, message, violations=[Violation(field, code, message)], **extra)


def _entry(code: str, message: str) -> dict:
    return {"code": code, "message": message, "Code": code, "Message": message}


def _violation_entry(violation: Violation) -> dict:
    if INFORMAT_CODE.match(violation.rule):
        return _entry(violation.rule, violation.message)
    field = violation.field.split("[", 1)[0].split(".", 1)[0]
    if field in FIELD_RULES:
        code, message = FIELD_RULES[field]
        return _entry(code, f"{message} ({violation.field} {violation.message})")
    return _entry("BR000A", f"{violation.field or 'body'} {violation.message}")


def render_error(problem: Problem) -> Response:
    entries = [_violation_entry(v) for v in problem.violations]
    if not entries:
        entries = [
            _entry(KIND_CODES.get(problem.kind, problem.kind.upper()), problem.detail or problem.title)
        ]
    message = problem.detail or problem.title
    if problem.violations and problem.kind == errors.INVALID_REQUEST:
        message = "De aanvraag is ongeldig: " + "; ".join(e["message"] for e in entries)
    return Response(
        orjson.dumps({"message": message, "errors": entries}),
        status_code=problem.status,
        media_type="application/json",
        headers=problem.headers,
    )
