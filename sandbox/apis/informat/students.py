"""Informat's student administration API: students, registrations, photos, and preregistrations
(the enrolment push), bound by operationId to specs/informat-students.yaml."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from stdnum.be import nn

from sandbox.apis.informat.common import (
    changed_since,
    clamp_to_year,
    institute,
    parse_school_year,
    school_year,
    today,
    world,
)
from sandbox.apis.informat.errors import (
    ACCEPTED_NOT_CHANGEABLE,
    ACCEPTED_NOT_DELETABLE,
    BIRTH_DATE_NOT_PAST,
    INSTITUTE_MISMATCH,
    INSZ_BIRTH_DATE,
    INSZ_SEX,
    PREREGISTRATION_DATE,
    PREREGISTRATION_NOT_FOUND,
    PREREGISTRATION_YEAR,
    REFUSED_NOT_CHANGEABLE,
    REFUSED_NOT_DELETABLE,
    START_DATE_OUTSIDE_YEAR,
    STUDENT_NOT_FOUND,
    STUDENT_PHOTO_NOT_FOUND,
    UNKNOWN_ADMINISTRATIVE_GROUP,
    UNKNOWN_LOCATION,
    UNKNOWN_STRUCTURE,
    informat_error,
    render_error,
    violation,
)
from sandbox.apis.informat.world import (
    GRADES,
    Address,
    InformatWorld,
    Institute,
    Relation,
    Student,
    p_number,
    photo_base64,
)
from sandbox.errors import ApiError, ErrorCode, Violation
from sandbox.runtime.context import RequestContext
from sandbox.runtime.package import ActionCall, ApiPackage
from sandbox.worlds.calendar import school_year_bounds, school_year_label, school_year_of
from sandbox.worlds.ids import keyed_guid

package = ApiPackage(render_error=render_error, create_world=InformatWorld)

OPEN, ACCEPTED, REFUSED = "open", "geaccepteerd", "geweigerd"
LOCATION_ID = "001"  # every sandbox school has one location


# -- views ------------------------------------------------------------------------------------------
def address_view(secret: str, key: str, address: Address, title: str, name: str) -> dict:
    return {
        "pAdres": p_number(f"{secret}:adres:{key}"),
        "adresId": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{secret}:adres:{key}")),
        "aanspreekTitel": title,
        "aanspreekNaam": name,
        "straat": address.straat,
        "nr": address.nr,
        "bus": address.bus,
        "postcode": address.postcode,
        "gemeente": address.gemeente,
        "isFacturatie": True,
        "isAanschrijf": True,
        "isVerblijf": True,
        "isOverige": False,
        "percentage": 100.0,
    }


def relation_view(secret: str, student: Student, relation: Relation, nth: int) -> dict:
    key = f"{student.persoon_id}:{nth}"
    return {
        "pRelatie": p_number(f"{secret}:relatie:{key}"),
        "relatieId": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{secret}:relatie:{key}")),
        "type": relation.type,
        "naam": relation.naam,
        "voornaam": relation.voornaam,
        "insz": relation.insz,
        "geboortedatum": relation.born.isoformat(),
        "geslacht": relation.sex,
        "nationaliteitCode": "00150",  # Belgian, in the official nationality codes
        "beroep": relation.beroep,
        "lpv": nth + 1,
        "ophalen": nth == 0,
        "isOverleden": False,
        "adressen": [address_view(secret, key, relation.address, "", f"{relation.voornaam} {relation.naam}")],
        "comnrs": [{"type": "Gsm", "nummer": relation.mobile}],
        "emails": [{"type": "Privé", "email": relation.email}],
    }


def student_view(w: InformatWorld, student: Student, registration_id: str | None) -> dict:
    return {
        "pPersoon": student.p_persoon,
        "persoonId": student.persoon_id,
        "naam": student.naam,
        "voornaam": student.voornaam,
        "geboortedatum": student.born.isoformat(),
        "nickname": student.voornaam,
        "voornaam2": student.voornaam2,
        "initialen": student.voornaam[0] + (student.voornaam2[0] if student.voornaam2 else ""),
        "geboorteland": "België",
        "geboorteplaats": student.address.gemeente,
        "nationaliteitCode": "00150",
        "rijksregisternr": student.rijksregisternr,
        "bisnr": None,
        "geslacht": student.sex,
        "llOpSchool": student.index + 1,
        "inschrijvingsId": registration_id,
        "adressen": [
            address_view(
                w.secret,
                student.persoon_id,
                student.address,
                "Aan de ouders van",
                f"{student.voornaam} {student.naam}",
            )
        ],
        "relaties": [relation_view(w.secret, student, r, i) for i, r in enumerate(student.relations)],
        "comnrs": [],
        "emails": [],
    }


def registration_id(w: InformatWorld, student: Student, year: int) -> str:
    return keyed_guid(
        w.secret, f"inschrijving:{year}", student.institute.index, student.cohort, student.index
    )


def registration_span(student: Student, year: int) -> tuple[date, date | None]:
    first, _ = school_year_bounds(year)
    ends = student.left_on if year == student.leaves_after and student.left_on else None
    return first, ends


def admgrp(inst: Institute, leerjaar: int) -> str:
    return f"{inst.structure}{leerjaar:03d}"


def degree(leerjaar: int) -> str:
    return str((leerjaar + 1) // 2)


def registration_view(w: InformatWorld, student: Student, year: int) -> dict:
    inst = student.institute
    leerjaar = student.leerjaar(year)
    begins, ends = registration_span(student, year)
    letter = student.class_code(year)[-1]
    return {
        "inschrijvingsId": registration_id(w, student, year),
        "pInschr": p_number(f"{w.secret}:inschr:{student.persoon_id}:{year}"),
        "pPersoon": student.p_persoon,
        "persoonId": student.persoon_id,
        "instelnr": inst.number,
        "hfdstructuur": inst.structure,
        "school": inst.name,
        "stamnr": student.stamnr,
        "vestcode": inst.location_code,
        "vestiging": inst.location_name,
        "begindatum": begins.isoformat(),
        "einddatum": ends.isoformat() if ends else None,
        "afdCode": f"{leerjaar}{'LJ' if inst.primary else 'A'}",
        "nrAdmgrp": admgrp(inst, leerjaar),
        "afdelingsjaar": str(leerjaar),
        "status": 0,
        "graad": degree(leerjaar),
        "leerjaar": leerjaar,
        "taalkeuze": None if inst.primary or leerjaar < 3 else "Frans-Engels",
        "finCode": "01" if inst.primary else "02",
        "levensbeschouwingCode": "RKG",
        "isOkan": False,
        "preRegistrationId": None,
        "inschrklassen": [
            {
                "klasCode": student.class_code(year),
                "klas": f"{leerjaar}{letter} {'Lager' if inst.primary else 'Secundair'}",
                "groepType": 1,
                "klasnummer": 1 + student.index % inst.per_class,
                "begindatum": begins.isoformat(),
                "einddatum": ends.isoformat() if ends else None,
            }
        ],
    }


def runs_on(begins: date, ends: date | None, day: date) -> bool:
    return begins <= day and (ends is None or day <= ends)


# -- preregistrations (the tenant's state) ----------------------------------------------------------
async def preregistrations(ctx: RequestContext, inst: Institute) -> list[dict]:
    return await ctx.state.list("prereg", inst.number)


def pushed_student_id(tenant: str, inst: str, prereg_id: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"informat:{tenant}:{inst}:{prereg_id}"))


def pushed_registration(record: dict, inst: Institute) -> dict:
    """An accepted preregistration as the registration the school made of it."""
    body = record["body"]
    leerjaar = int(body["admgrpId"][3:])
    return {
        "inschrijvingsId": str(uuid.uuid5(uuid.NAMESPACE_URL, "inschrijving:" + record["studentId"])),
        "pInschr": p_number("inschr:" + record["studentId"]),
        "pPersoon": p_number("persoon:" + record["studentId"]),
        "persoonId": record["studentId"],
        "instelnr": inst.number,
        "hfdstructuur": inst.structure,
        "school": inst.name,
        "stamnr": None,
        "vestcode": inst.location_code,
        "vestiging": inst.location_name,
        "begindatum": body["startDate"],
        "einddatum": None,
        "afdCode": f"{leerjaar}{'LJ' if inst.primary else 'A'}",
        "nrAdmgrp": body["admgrpId"],
        "afdelingsjaar": str(leerjaar),
        "status": body["registrationStatus"],
        "graad": degree(leerjaar),
        "leerjaar": leerjaar,
        "taalkeuze": None,
        "finCode": "01" if inst.primary else "02",
        "levensbeschouwingCode": body.get("religion"),
        "isOkan": False,
        "preRegistrationId": body["preRegistrationId"],
        "inschrklassen": [],
    }


def pushed_student(record: dict, registration_id: str | None) -> dict:
    body = record["body"]
    relations = []
    for nth, rel in enumerate(body.get("Relationships") or []):
        key = f"{record['studentId']}:{nth}"
        address = Address(
            rel.get("street", ""),
            rel.get("number", ""),
            rel.get("box"),
            rel.get("postalCode", ""),
            rel.get("city", ""),
        )
        relations.append(
            {
                "pRelatie": p_number("relatie:" + key),
                "relatieId": str(uuid.uuid5(uuid.NAMESPACE_URL, "relatie:" + key)),
                "type": rel["relationType"],
                "naam": rel["lastName"],
                "voornaam": rel["firstName"],
                "insz": rel.get("insz"),
                "geboortedatum": nn.get_birth_date(rel["insz"]).isoformat() if rel.get("insz") else None,
                "geslacht": 2 if rel["relationType"] in ("Moeder", "Plusmoeder") else 1,
                "nationaliteitCode": None,
                "beroep": None,
                "lpv": nth + 1,
                "ophalen": False,
                "isOverleden": False,
                "adressen": [
                    address_view("pushed", key, address, "", f"{rel['firstName']} {rel['lastName']}")
                ]
                if rel.get("street")
                else [],
                "comnrs": [{"type": "Gsm", "nummer": rel["mobilePhone"]}] if rel.get("mobilePhone") else [],
                "emails": [{"type": "Privé", "email": rel["email"]}] if rel.get("email") else [],
            }
        )
    return {
        "pPersoon": p_number("persoon:" + record["studentId"]),
        "persoonId": record["studentId"],
        "naam": body["lastName"],
        "voornaam": body["firstName"],
        "geboortedatum": body["dateOfBirth"],
        "nickname": body["firstName"],
        "voornaam2": body.get("additionalNames"),
        "initialen": body["firstName"][0],
        "geboorteland": None,
        "geboorteplaats": None,
        "nationaliteitCode": body.get("nationalityCode", "00150"),
        "rijksregisternr": body.get("insz"),
        "bisnr": None,
        "geslacht": body["sex"],
        "llOpSchool": None,
        "inschrijvingsId": registration_id,
        "adressen": [],
        "relaties": relations,
        "comnrs": [],
        "emails": [{"type": "Privé", "email": body["email"]}] if body.get("email") else [],
    }


async def accepted_in_year(ctx: RequestContext, inst: Institute, year: int) -> list[dict]:
    return [
        r
        for r in await preregistrations(ctx, inst)
        if r["status"] == ACCEPTED and parse_school_year(r["body"]["schoolyear"]) == year
    ]


# -- students and registrations ---------------------------------------------------------------------
def reference_day(ctx: RequestContext, year: int) -> date:
    text = ctx.params.get("refdate")
    return clamp_to_year(date.fromisoformat(text) if text else today(ctx), year)


@package.handler("listStudents")
async def list_students(ctx: RequestContext) -> dict:
    inst, year, w = institute(ctx), school_year(ctx), world(ctx)
    day = reference_day(ctx, year)
    now = ctx.now()
    since_at = changed_since(ctx)
    found = []
    for student in w.students(inst, year):
        begins, ends = registration_span(student, year)
        if not runs_on(begins, ends, day):
            continue
        changed = student.changed[year]
        if since_at is not None and not since_at <= changed <= now:
            continue
        found.append(student_view(w, student, registration_id(w, student, year)))
    for record in await accepted_in_year(ctx, inst, year):
        registration = pushed_registration(record, inst)
        decided = datetime.fromisoformat(record["decided"])
        if registration["status"] != 0 or not runs_on(
            date.fromisoformat(registration["begindatum"]), None, day
        ):
            continue
        if since_at is not None and not since_at <= decided:
            continue
        found.append(pushed_student(record, registration["inschrijvingsId"]))
    return {"students": found}


async def find_student(ctx: RequestContext, inst: Institute) -> tuple[dict, Student | None, int]:
    persoon_id, year, w = ctx.params["persoonId"], school_year(ctx), world(ctx)
    student = w.student(persoon_id)
    if student is not None and student.institute is inst and student.cohort <= year + GRADES:
        day = reference_day(ctx, year)
        current = None
        if student.registered_in(year):
            begins, ends = registration_span(student, year)
            current = registration_id(w, student, year) if runs_on(begins, ends, day) else None
        return student_view(w, student, current), student, year
    for record in await preregistrations(ctx, inst):
        if record["status"] == ACCEPTED and record["studentId"] == persoon_id:
            registration = pushed_registration(record, inst)
            return pushed_student(record, registration["inschrijvingsId"]), None, year
    raise informat_error(
        STUDENT_NOT_FOUND, f"Geen leerling gevonden voor ID {persoon_id}.", field="persoonId"
    )


@package.handler("getStudent")
async def get_student(ctx: RequestContext) -> dict:
    view, _, _ = await find_student(ctx, institute(ctx))
    return view


@package.handler("getStudentPhoto")
async def get_student_photo(ctx: RequestContext) -> dict:
    view, student, _ = await find_student(ctx, institute(ctx))
    if student is None:
        raise informat_error(
            STUDENT_PHOTO_NOT_FOUND, f"Geen foto gevonden voor leerling {view['persoonId']}."
        )
    w = world(ctx)
    return {
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{w.secret}:foto:{student.persoon_id}")),
        "persoonId": student.persoon_id,
        "foto": photo_base64(f"{w.secret}:foto:{student.persoon_id}"),
    }


@package.handler("listRegistrations")
async def list_registrations(ctx: RequestContext) -> dict:
    inst, year, w = institute(ctx), school_year(ctx), world(ctx)
    since_text = ctx.params.get("changedSince")
    since = date.fromisoformat(since_text) if since_text else None
    now = ctx.now()
    found = []
    for student in w.students(inst, year):
        changed = student.changed[year]
        if since is not None and not (since <= changed.date() and changed <= now):
            continue
        found.append(registration_view(w, student, year))
    for record in await accepted_in_year(ctx, inst, year):
        if since is None or since <= datetime.fromisoformat(record["decided"]).date():
            found.append(pushed_registration(record, inst))
    return {"registrations": found}


# -- preregistrations -------------------------------------------------------------------------------
def status_view(prereg_id: str, status: str) -> dict:
    return {"preRegistrationStatus": {"preRegistrationId": prereg_id, "status": status}}


def check_preregistration(ctx: RequestContext, inst: Institute, body: dict) -> None:
    """Informat's business rules on a pushed preregistration; every broken one is reported."""
    found: list[Violation] = []

    def broken(field: str, code: ErrorCode, message: str) -> None:
        found.append(violation(field, code, message))

    if body["institute"] != inst.number:
        broken(
            "institute",
            INSTITUTE_MISMATCH,
            f"Het instellingsnummer {body['institute']} verschilt van de header InstituteNo.",
        )
    year = parse_school_year(body["schoolyear"], "schoolyear")
    current = school_year_of(today(ctx))
    if year not in (current, current + 1):
        broken(
            "schoolyear",
            PREREGISTRATION_YEAR,
            f"Voorinschrijven kan enkel voor {school_year_label(current)} "
            f"of {school_year_label(current + 1)}.",
        )
    if body["structure"] != inst.structure:
        broken(
            "structure",
            UNKNOWN_STRUCTURE,
            f"Structuur {body['structure']} bestaat niet in instelling {inst.number}.",
        )
    if body["locationId"] != LOCATION_ID:
        broken(
            "locationId",
            UNKNOWN_LOCATION,
            f"Vestiging {body['locationId']} bestaat niet in instelling {inst.number}.",
        )
    valid_groups = [admgrp(inst, leerjaar) for leerjaar in range(1, GRADES + 1)]
    if body["admgrpId"] not in valid_groups:
        broken(
            "admgrpId",
            UNKNOWN_ADMINISTRATIVE_GROUP,
            f"Administratieve groep {body['admgrpId']} bestaat niet; geldig: {', '.join(valid_groups)}.",
        )
    born = date.fromisoformat(body["dateOfBirth"])
    if born >= today(ctx):
        broken("dateOfBirth", BIRTH_DATE_NOT_PAST, "De geboortedatum moet in het verleden liggen.")
    if body.get("insz"):
        if nn.get_birth_date(body["insz"]) not in (born, None):
            broken("insz", INSZ_BIRTH_DATE, "Het rijksregisternummer past niet bij de geboortedatum.")
        if nn.get_gender(body["insz"]) != ("M" if body["sex"] == 1 else "F"):
            broken("insz", INSZ_SEX, "Het rijksregisternummer past niet bij het geslacht.")
    starts = date.fromisoformat(body["startDate"])
    first, last = school_year_bounds(year)
    if not first <= starts <= last:
        broken(
            "startDate",
            START_DATE_OUTSIDE_YEAR,
            f"De startdatum {starts} ligt buiten het schooljaar {school_year_label(year)}.",
        )
    if date.fromisoformat(body["preRegistrationDate"]) >= starts:
        broken(
            "preRegistrationDate",
            PREREGISTRATION_DATE,
            "De datum van voorinschrijving moet voor de startdatum liggen.",
        )
    if found:
        raise ApiError(400, detail="De voorinschrijving is ongeldig.", violations=found)


async def stored_preregistration(ctx: RequestContext, inst: Institute) -> dict:
    prereg_id = ctx.params["preRegistrationId"]
    record = await ctx.state.get("prereg", inst.number, prereg_id)
    if record is None:
        raise informat_error(
            PREREGISTRATION_NOT_FOUND,
            f"Geen inschrijving gevonden voor ID {prereg_id}.",
            field="preRegistrationId",
        )
    return record


@package.handler("savePreregistration")
async def save_preregistration(ctx: RequestContext) -> dict:
    inst, body = institute(ctx), ctx.body
    check_preregistration(ctx, inst, body)
    key = ("prereg", inst.number, body["preRegistrationId"])
    record = await ctx.state.get(*key)
    if record is not None and record["status"] != OPEN:
        code = ACCEPTED_NOT_CHANGEABLE if record["status"] == ACCEPTED else REFUSED_NOT_CHANGEABLE
        raise informat_error(
            code, f"De voorinschrijving is al {record['status']} en kan niet meer gewijzigd worden."
        )
    record = {
        "body": body,
        "status": OPEN,
        "saved": ctx.now().isoformat(),
        "decided": None,
        "studentId": pushed_student_id(ctx.tenant, inst.number, body["preRegistrationId"]),
    }
    await ctx.state.put(*key, value=record)
    return status_view(body["preRegistrationId"], OPEN)


@package.handler("getPreregistrationStatus")
async def get_preregistration_status(ctx: RequestContext) -> dict:
    record = await stored_preregistration(ctx, institute(ctx))
    return status_view(ctx.params["preRegistrationId"], record["status"])


@package.handler("deletePreregistration")
async def delete_preregistration(ctx: RequestContext) -> dict:
    inst = institute(ctx)
    record = await stored_preregistration(ctx, inst)
    if record["status"] != OPEN:
        code = ACCEPTED_NOT_DELETABLE if record["status"] == ACCEPTED else REFUSED_NOT_DELETABLE
        raise informat_error(
            code, f"De voorinschrijving is al {record['status']} en kan niet meer verwijderd worden."
        )
    await ctx.state.delete("prereg", inst.number, ctx.params["preRegistrationId"])
    return {"preRegistrationId": ctx.params["preRegistrationId"], "deleted": True}


# -- sandbox action: the school decides -------------------------------------------------------------
@package.action(
    "decide-preregistration",
    {
        "type": "object",
        "additionalProperties": False,
        "required": ["institute", "preRegistrationId", "status"],
        "properties": {
            "institute": {"type": "string", "pattern": "^[0-9]{6}$"},
            "preRegistrationId": {"type": "string", "minLength": 1, "maxLength": 50},
            "status": {"enum": [ACCEPTED, REFUSED]},
        },
    },
)
async def decide_preregistration(call: ActionCall) -> dict:
    """The school accepts or refuses an open preregistration (in Informat's student module)."""
    body = call.body
    key = ("prereg", body["institute"], body["preRegistrationId"])
    record = await call.state.get(*key)
    if record is None:
        raise ApiError(404, detail=f"No preregistration {body['preRegistrationId']!r} at {body['institute']}")
    if record["status"] != OPEN:
        raise ApiError(409, detail=f"The preregistration is already {record['status']}")
    record["status"], record["decided"] = body["status"], call.clock.now().isoformat()
    await call.state.put(*key, value=record)
    return status_view(body["preRegistrationId"], record["status"])["preRegistrationStatus"]
