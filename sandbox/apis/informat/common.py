"""What the Informat APIs share: the institute of a request and school years."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sandbox.apis.informat.errors import (
    INSTITUTE_NOT_FOUND,
    SCHOOL_YEAR_INVALID,
    STAFF_YEAR_FORM,
    informat_error,
)
from sandbox.apis.informat.world import InformatWorld, Institute
from sandbox.errors import ErrorCode
from sandbox.runtime.context import RequestContext
from sandbox.worlds.calendar import local_day, school_year_bounds, school_year_label, school_year_of

FIRST_SCHOOL_YEAR, LAST_SCHOOL_YEAR = 1990, 2099  # the years the sandbox's schools have data for


def world(ctx: RequestContext) -> InformatWorld:
    return ctx.world


def today(ctx: RequestContext) -> date:
    return local_day(ctx.now())


def institute(ctx: RequestContext) -> Institute:
    """The school the `InstituteNo` header names (the engine checked its form and the scope)."""
    number = ctx.params["InstituteNo"]
    found = world(ctx).institutes.get(number)
    if found is None:
        raise informat_error(INSTITUTE_NOT_FOUND, f"Geen instelling gevonden met instellingsnummer {number}.")
    return found


def sex_letter(sex: int) -> str:
    """The world's 1 (male) or 2 (female) as the APIs answer it: `M` or `V` (vrouw)."""
    return "M" if sex == 1 else "V"


def parse_school_year(text: str, invalid: ErrorCode, field: str = "schoolYear") -> int:
    """`2025` or `2025-26` -> 2025; `2025-27` or a year the schools have no data for is refused with
    `invalid`, the "Ongeldig schooljaar" code of the API's directory."""
    start = int(text[:4])
    if not FIRST_SCHOOL_YEAR <= start <= LAST_SCHOOL_YEAR:
        raise informat_error(
            invalid,
            f"Het schooljaar {text} valt buiten {FIRST_SCHOOL_YEAR}-{LAST_SCHOOL_YEAR}.",
            field=field,
        )
    if len(text) > 4 and text[5:] != f"{(start + 1) % 100:02d}":
        raise informat_error(
            invalid,
            f"Het schooljaar {text} bestaat niet: na {start} volgt {school_year_label(start)}.",
            field=field,
        )
    return start


def year_code(ctx: RequestContext) -> ErrorCode:
    """The code of an invalid school year in the API's directory, as the public client lists them:
    the staff directory's own (`BR004B`), else the students' (`BR034B`)."""
    return STAFF_YEAR_FORM if ctx.api.name == "informat-staff" else SCHOOL_YEAR_INVALID


def school_year(ctx: RequestContext) -> int:
    """The school year the request asks for, else the current one on the sandbox clock."""
    text = ctx.params.get("schoolYear")
    return parse_school_year(text, year_code(ctx)) if text else school_year_of(today(ctx))


def changed_since(ctx: RequestContext) -> datetime | None:
    """The `changedSince` instant of the request; one without an offset is read as UTC."""
    text = ctx.params.get("changedSince")
    if not text:
        return None
    since = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return since if since.tzinfo is not None else since.replace(tzinfo=UTC)


def clamp_to_year(day: date, year: int) -> date:
    """A reference date outside the school year moves to its first or last day."""
    first, last = school_year_bounds(year)
    return min(max(day, first), last)
