"""Informat's error body, `{"message", "errors": [{"code", "message"}]}`, and its catalogue of codes.

Public clients read the entries of 400 and 405 answers as PascalCase `Code`/`Message` and the
others as camelCase, so every entry carries both casings and every client finds its keys.
Codes are Informat's families: `BR…` a business rule (400), `DNF…` data not found (404),
`MNA…` a method not allowed on a preregistration in its state (405). Public sources show only a
few real codes (`BR001A`, `BR035B`, `BR041B`, `DNF001`, `MNA001`-`MNA005`); the sandbox's own keep
that pattern and are numbered by part: `DNF00x` students, `DNF01x` institutes, `DNF02x` staff,
`BR09x` and `DNF09x` school bills.
"""

from __future__ import annotations

import re

import orjson
from starlette.responses import Response

from sandbox import errors
from sandbox.errors import ApiError, ErrorCatalogue, ErrorCode, Problem, Violation

CATALOGUE = ErrorCatalogue(
    "informat",
    "Informat (students, staff, school bills)",
    'The three Informat APIs share one body, `{"message", "errors": [{"code", "message", "Code", '
    '"Message"}]}`, and one set of codes; messages are in Dutch.',
)
_add = CATALOGUE.add

# what the engine refuses before a handler runs
INVALID_FIELD = _add("BR000A", 400, "A parameter or body field breaks the operation's schema")
UNSUPPORTED_MEDIA_TYPE = _add("BR000M", 415, "The request body's Content-Type is not one the operation takes")
NOT_ACCEPTABLE = _add("BR000N", 406, "No answer of the operation matches `Accept`")
BODY_TOO_LARGE = _add(
    "BR000L", 413, "The request body is over the limit: 10 MB unless the operation states its own"
)
URI_TOO_LONG = _add("BR000U", 414, "The path and query are over 8 kB")
HEADERS_TOO_LARGE = _add("BR000H", 431, "The headers are over 16 kB together")
MISSING_TOKEN = _add("AUT001", 401, "No Bearer token")
INVALID_TOKEN = _add("AUT002", 401, "The Bearer token is invalid or expired")
MISSING_SCOPE = _add("AUT003", 403, "The token lacks the scope of the institute or access group")
UNKNOWN_PATH = _add("DNF000", 404, "No operation at this path")
METHOD_NOT_ALLOWED = _add("MNA000", 405, "The path does not take this method")
RATE_LIMITED = _add("RL001", 429, "The tenant's rate limit is used up; retry after `Retry-After` seconds")
SERVER_ERROR = _add("ERR500", 500, "The sandbox failed (or a fault the tenant switched on)")

# headers and parameters every Informat API reads
INSTITUTE_NUMBER_FORM = _add("BR035B", 400, "`InstituteNo` is not 6 characters long")
SCHOOL_YEAR_FORM = _add(
    "BR036A", 400, "A school year is not `2025` or `2025-26` (the years must follow each other)"
)
SCHOOL_YEAR_RANGE = _add("BR036C", 400, "A school year outside 1990-2099")
API_VERSION = _add("BR037A", 400, "`Api-Version` is missing or not 2", "staff")
INSTITUTE_NOT_FOUND = _add("DNF010", 404, "No institute with this `InstituteNo`")

# students and preregistrations
LAST_NAME_REQUIRED = _add("BR001A", 400, "A preregistration without `lastName`", "students")
FIRST_NAME_REQUIRED = _add("BR002A", 400, "A preregistration without `firstName`", "students")
INSTITUTE_MISMATCH = _add(
    "BR035C", 400, "The preregistration's `institute` differs from `InstituteNo`", "students"
)
PREREGISTRATION_YEAR = _add(
    "BR036B", 400, "A preregistration for another school year than the current or the next", "students"
)
UNKNOWN_STRUCTURE = _add("BR038A", 400, "The institute has no such `structure`", "students")
UNKNOWN_LOCATION = _add("BR039A", 400, "The institute has no such `locationId`", "students")
PREREGISTRATION_DATE = _add("BR040A", 400, "`preRegistrationDate` is not before `startDate`", "students")
START_DATE_OUTSIDE_YEAR = _add("BR041B", 400, "`startDate` lies outside the school year", "students")
UNKNOWN_ADMINISTRATIVE_GROUP = _add("BR042A", 400, "No such `admgrpId` at the institute", "students")
INSZ_BIRTH_DATE = _add("BR043A", 400, "`insz` does not match `dateOfBirth`", "students")
INSZ_SEX = _add("BR043B", 400, "`insz` does not match `sex`", "students")
BIRTH_DATE_NOT_PAST = _add("BR044A", 400, "`dateOfBirth` is not in the past", "students")
PREREGISTRATION_NOT_FOUND = _add("DNF001", 404, "No preregistration with this id", "students")
STUDENT_NOT_FOUND = _add("DNF002", 404, "No student with this `persoonId`", "students")
STUDENT_PHOTO_NOT_FOUND = _add("DNF003", 404, "The student has no photo", "students")
ACCEPTED_NOT_CHANGEABLE = _add(
    "MNA001", 405, "The school accepted the preregistration: it cannot change", "students"
)
REFUSED_NOT_CHANGEABLE = _add(
    "MNA002", 405, "The school refused the preregistration: it cannot change", "students"
)
ACCEPTED_NOT_DELETABLE = _add(
    "MNA003", 405, "The school accepted the preregistration: it cannot be deleted", "students"
)
REFUSED_NOT_DELETABLE = _add(
    "MNA004", 405, "The school refused the preregistration: it cannot be deleted", "students"
)

# staff
STRUCTURE_FORM = _add("BR005B", 400, "`structure` is not 3 characters long", "staff")
STRUCTURE_NOT_SUPPORTED = _add(
    "BR013",
    400,
    "Institute and `structure` do not combine: only 311 and 312, and only one the institute has",
    "staff",
)
EMPLOYEE_NOT_FOUND = _add("DNF020", 404, "No employee with this `personId` at the institute", "staff")
EMPLOYEE_PHOTO_NOT_FOUND = _add("DNF021", 404, "The employee has no photo", "staff")
DOCUMENT_NOT_FOUND = _add("DNF022", 404, "The employee has no document with this id", "staff")

# school bills (Rekeningen)
ACCESS_GROUP_INACTIVE = _add(
    "BR090A", 403, "Nobody logged in to the access group for this school year in iRekeningen", "bills"
)
PDF_NOT_READY = _add(
    "BR091A", 409, "The bill's PDF is not made yet; retry after `Retry-After` seconds", "bills"
)
NO_ACTIVE_USER = _add("BR092A", 400, "The access group has no active user to register payments as", "bills")
NO_EXTERN_JOURNAL = _add("BR093A", 400, 'The school has no "Extern" or "Extern_Dubieus" journal', "bills")
JOURNAL_NOT_USABLE = _add(
    "BR094A", 400, "The payment's `journal` is not one of the school's Extern journals", "bills"
)
AMOUNT_OVER_BALANCE = _add("BR095A", 400, "The payment is more than the bill's open balance", "bills")
PAYMENT_DATE_NOT_PAST = _add("BR096A", 400, "The payment's `date` lies in the future", "bills")
DUPLICATE_PAYMENT = _add(
    "BR097A", 400, "A payment with this `reference` is already registered on the bill", "bills"
)
ACCESS_GROUP_NOT_FOUND = _add("DNF090", 404, "No access group with this name", "bills")
BILL_NOT_FOUND = _add("DNF091", 404, "No bill with this id (or not issued yet)", "bills")
PDF_JOB_NOT_FOUND = _add("DNF092", 404, "No PDF job with this id", "bills")
PDF_EXPIRED = _add(
    "DNF093", 410, "The PDF was made more than a year ago and is gone; ask for a new one", "bills"
)

# engine-detected violations of these fields carry Informat's own code and Dutch message
FIELD_RULES: dict[str, tuple[ErrorCode, str]] = {
    "InstituteNo": (INSTITUTE_NUMBER_FORM, "Instellingsnummer moet 6 karakters lang zijn."),
    "schoolYear": (SCHOOL_YEAR_FORM, "Het schooljaar moet de vorm 2025 of 2025-26 hebben."),
    "Api-Version": (API_VERSION, "De header Api-Version is verplicht en moet 2 zijn."),
    "lastName": (LAST_NAME_REQUIRED, "De achternaam is verplicht."),
    "firstName": (FIRST_NAME_REQUIRED, "De voornaam is verplicht."),
}

INFORMAT_CODE = re.compile(r"(BR|DNF|MNA|AUT)[0-9]{3}[A-Z]?$")

KIND_CODES = {
    errors.MISSING_CREDENTIALS: MISSING_TOKEN,
    errors.INVALID_CREDENTIALS: INVALID_TOKEN,
    errors.FORBIDDEN: MISSING_SCOPE,
    errors.UNKNOWN_PATH: UNKNOWN_PATH,
    errors.METHOD_NOT_ALLOWED: METHOD_NOT_ALLOWED,
    errors.NOT_ACCEPTABLE: NOT_ACCEPTABLE,
    errors.UNSUPPORTED_MEDIA_TYPE: UNSUPPORTED_MEDIA_TYPE,
    errors.REQUEST_TOO_LARGE: BODY_TOO_LARGE,
    errors.URI_TOO_LONG: URI_TOO_LONG,
    errors.HEADERS_TOO_LARGE: HEADERS_TOO_LARGE,
    errors.RATE_LIMITED: RATE_LIMITED,
    errors.SERVER_ERROR: SERVER_ERROR,
}


def informat_error(code: ErrorCode, message: str, *, field: str = "", **extra) -> ApiError:
    """A refusal with one of Informat's codes (its status comes with it) and a Dutch message."""
    return ApiError(
        code.status, code.code, message, violations=[Violation(field, code.code, message)], **extra
    )


def violation(field: str, code: ErrorCode, message: str) -> Violation:
    """One broken rule of a request that may break several (all are answered together)."""
    return Violation(field, code.code, message)


def _entry(code: str, message: str) -> dict:
    return {"code": code, "message": message, "Code": code, "Message": message}


def _violation_entry(violation: Violation) -> dict:
    if INFORMAT_CODE.match(violation.rule):
        return _entry(violation.rule, violation.message)
    field = violation.field.split("[", 1)[0].split(".", 1)[0]
    if field in FIELD_RULES:
        code, message = FIELD_RULES[field]
        return _entry(code.code, f"{message} ({violation.field} {violation.message})")
    return _entry(INVALID_FIELD.code, f"{violation.field or 'body'} {violation.message}")


def render_error(problem: Problem) -> Response:
    entries = [_violation_entry(v) for v in problem.violations]
    if not entries:
        kind_code = KIND_CODES[problem.kind].code if problem.kind in KIND_CODES else problem.kind.upper()
        entries = [_entry(kind_code, problem.detail or problem.title)]
    message = problem.detail or problem.title
    if problem.violations and problem.kind == errors.INVALID_REQUEST:
        message = "De aanvraag is ongeldig: " + "; ".join(e["message"] for e in entries)
    return Response(
        orjson.dumps({"message": message, "errors": entries}),
        status_code=problem.status,
        media_type="application/json",
        headers=problem.headers,
    )
