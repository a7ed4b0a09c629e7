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
    sex_letter,
    today,
    world,
)
from sandbox.apis.informat.errors import (
    ACCEPTED_NOT_CHANGEABLE,
    ACCEPTED_NOT_DELETABLE,
    BIRTH_DATE,
    INSTITUTE_MISMATCH,
    INSZ,
    PREREGISTRATION_DATE,
    PREREGISTRATION_DATE_REQUIRED,
    PREREGISTRATION_NOT_FOUND,
    PREREGISTRATION_YEAR,
    REFUSED_NOT_CHANGEABLE,
    REFUSED_NOT_DELETABLE,
    SCHOOL_YEAR_INVALID,
    START_DATE_OUTSIDE_YEAR,
    STUDENT_NOT_FOUND,
    UNKNOWN_ADMINISTRATIVE_GROUP,
    UNKNOWN_LOCATION,
    UNKNOWN_STRUCTURE,
    informat_error,
    render_student_error,
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

package = ApiPackage(render_error=render_student_error, create_world=InformatWorld)

OPEN, ACCEPTED, REFUSED = "open", "geaccepteerd", "geweigerd"
LOCATION_ID = "001"  # every sandbox school has one location
# the relation types of a pushed preregistration (the public client's list) and the sex each implies
RELATION_TYPES = {
    0: ("Leerling", None),
    2: ("Voogd", None),
    5: ("Plusvader", "M"),
    6: ("Plusmoeder", "V"),
    7: ("Pleegvader", "M"),
    8: ("Pleegmoeder", "V"),
    9: ("Grootvader", "M"),
    10: ("Grootmoeder", "V"),
    13: ("Vader", "M"),
    14: ("Moeder", "V"),
}
MAIN_GROUP = 0  # groepType of a student's own class (1 a sub-group, 3 an OLOD), as the public client reads it


# -- views ------------------------------------------------------------------------------------------
def guid(*key: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, ":".join(key)))


def address_view(secret: str, key: str, address: Address, title: str, name: str) -> dict:
    return {
        "pAdres": p_number(f"{secret}:adres:{key}"),
        "adresId": guid(secret, "adres", key),
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


def phone_view(secret: str, key: str, number: str, mobile: bool) -> dict:
    return {
        "pComnr": p_number(f"{secret}:comnr:{key}"),
        "nr": number,
        "type": "Privé nummer" if mobile else "Domicilie",
        "soort": "Gsm" if mobile else "Telefoon",
    }


def email_view(secret: str, key: str, address: str, kind: str, invoices: bool) -> dict:
    return {
        "pEmail": p_number(f"{secret}:email:{key}"),
        "email": address,
        "type": kind,
        "schoolcom": True,
        "factuurMailen": invoices,
    }


def relation_view(secret: str, student: Student, relation: Relation, nth: int) -> dict:
    key = f"{student.persoon_id}:{nth}"
    phones = [phone_view(secret, f"{key}:gsm", relation.mobile, True)]
    if relation.phone:
        phones.append(phone_view(secret, f"{key}:tel", relation.phone, False))
    return {
        "pRelatie": p_number(f"{secret}:relatie:{key}"),
        "relatieId": guid(secret, "relatie", key),
        "type": relation.type,
        "naam": relation.naam,
        "voornaam": relation.voornaam,
        "insz": relation.insz,
        "geboortedatum": relation.born.isoformat(),
        "geslacht": sex_letter(relation.sex),
        "nationaliteitCode": "00150",  # Belgian, in the official nationality codes
        "beroep": relation.beroep,
        "burgerlijkeStand": relation.civil_state,
        "lpv": nth + 1,
        "ophalen": nth == 0,
        "isOverleden": False,
        "adressen": [address_view(secret, key, relation.address, "", f"{relation.voornaam} {relation.naam}")],
        "comnrs": phones,
        "emails": [email_view(secret, key, relation.email, "Privé", nth == 0)],
    }


def student_view(w: InformatWorld, student: Student, registration_id: str | None) -> dict:
    key = student.persoon_id
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
        "geslacht": sex_letter(student.sex),
        "huisdokter": student.doctor,
        "telefoonHuisdokter": student.doctor_phone,
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
        "comnrs": [phone_view(w.secret, f"{key}:gsm", student.mobile, True)] if student.mobile else [],
        "emails": [email_view(w.secret, key, student.email, "School", False)] if student.email else [],
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


def class_view(w: InformatWorld, student: Student, year: int, begins: date, ends: date | None) -> dict:
    inst, leerjaar, code = student.institute, student.leerjaar(year), student.class_code(year)
    class_key = f"{w.secret}:klas:{inst.number}:{year}:{code}"
    membership_key = f"{w.secret}:inschrklas:{student.persoon_id}:{year}"
    return {
        "inschrKlasId": guid(membership_key),
        "pInschrKlas": p_number(membership_key),
        "klasId": guid(class_key),
        "pKlas": p_number(class_key),
        "klasCode": code,
        "klas": f"{leerjaar}{code[-1]} {'Lager' if inst.primary else 'Secundair'}",
        "groepType": MAIN_GROUP,
        "klasnummer": 1 + student.index % inst.per_class,
        "begindatum": begins.isoformat(),
        "einddatum": ends.isoformat() if ends else None,
    }


def registration_view(w: InformatWorld, student: Student, year: int) -> dict:
    inst = student.institute
    leerjaar = student.leerjaar(year)
    begins, ends = registration_span(student, year)
    return {
        "inschrijvingsId": registration_id(w, student, year),
        "pInschr": p_number(f"{w.secret}:inschr:{student.persoon_id}:{year}"),
        "pPersoon": student.p_persoon,
        "persoonId": student.persoon_id,
        "instelnr": inst.number,
        "hfdstructuur": inst.structure,
        "school": inst.name,
        "stamnr": student.stamnr,
        "vestCode": inst.location_code,
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
        "levensbeschouwingCode": student.religion,
        "isOkan": False,
        "preRegistrationId": None,
        "inschrKlassen": [class_view(w, student, year, begins, ends)],
    }


def runs_on(begins: date, ends: date | None, day: date) -> bool:
    return begins <= day and (ends is None or day <= ends)


# -- preregistrations (the tenant's state) ----------------------------------------------------------
async def preregistrations(ctx: RequestContext, inst: Institute) -> list[dict]:
    return await ctx.state.list("prereg", inst.number)


def pushed_student_id(tenant: str, inst: str, prereg_id: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"informat:{tenant}:{inst}:{prereg_id}"))


def religion_code(body: dict) -> str | None:
    """The pushed `religion` (an integer in the public client) as the 4-digit levensbeschouwingCode."""
    value = body.get("religion")
    return None if value is None else f"{int(value):04d}"


def pushed_registration(record: dict, inst: Institute) -> dict:
    """An accepted preregistration as the registration the school made of it."""
    body, student_id = record["body"], record["studentId"]
    leerjaar = int(body["admgrpId"][3:])
    return {
        "inschrijvingsId": guid("inschrijving", student_id),
        "pInschr": p_number("inschr:" + student_id),
        "pPersoon": p_number("persoon:" + student_id),
        "persoonId": student_id,
        "instelnr": inst.number,
        "hfdstructuur": inst.structure,
        "school": inst.name,
        "stamnr": None,
        "vestCode": inst.location_code,
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
        "levensbeschouwingCode": religion_code(body),
        "isOkan": False,
        "preRegistrationId": body["preRegistrationId"],
        "inschrKlassen": [],  # the school has not put the new student in a class yet
    }


def pushed_relation(student_id: str, nth: int, rel: dict) -> dict:
    key = f"{student_id}:{nth}"
    kind, sex = RELATION_TYPES[rel["type"]]
    if rel.get("insz"):
        sex = "M" if nn.get_gender(rel["insz"]) == "M" else "V"
    where = rel.get("Address")
    phones = [
        phone_view("pushed", f"{key}:{field}", rel[field], field == "mobilePhone")
        for field in ("mobilePhone", "phone")
        if rel.get(field)
    ]
    return {
        "pRelatie": p_number("relatie:" + key),
        "relatieId": guid("relatie", key),
        "type": kind,
        "naam": rel["lastName"],
        "voornaam": rel["firstName"],
        "insz": rel.get("insz"),
        "geboortedatum": nn.get_birth_date(rel["insz"]).isoformat() if rel.get("insz") else None,
        "geslacht": sex or "M",  # a guardian without a national number: the field may not be null
        "nationaliteitCode": None,
        "beroep": None,
        "burgerlijkeStand": None,
        "lpv": nth + 1,
        "ophalen": False,
        "isOverleden": False,
        "adressen": [
            address_view(
                "pushed",
                key,
                Address(
                    where["streetName"],
                    where["houseNo"],
                    where.get("houseBusNo"),
                    where["postalCode"],
                    where["city"],
                ),
                "",
                f"{rel['firstName']} {rel['lastName']}",
            )
        ]
        if where
        else [],
        "comnrs": phones,
        "emails": [email_view("pushed", key, rel["email"], "Privé", nth == 0)] if rel.get("email") else [],
    }


def pushed_student(record: dict, registration_id: str | None) -> dict:
    body, student_id = record["body"], record["studentId"]
    return {
        "pPersoon": p_number("persoon:" + student_id),
        "persoonId": student_id,
        "naam": body["lastName"],
        "voornaam": body["firstName"],
        "geboortedatum": body["dateOfBirth"],
        "nickname": body["firstName"],
        "voornaam2": body.get("additionalNames"),
        "initialen": body["firstName"][0],
        "geboorteland": None,
        "geboorteplaats": body.get("placeOfBirth"),
        "nationaliteitCode": body["nationalityCode"],
        "rijksregisternr": body.get("insz"),
        "bisnr": None,
        "geslacht": sex_letter(body["sex"]),
        "huisdokter": body.get("nameOfDoctor"),
        "telefoonHuisdokter": body.get("phoneOfDoctor"),
        "llOpSchool": None,
        "inschrijvingsId": registration_id,
        "adressen": [],
        "relaties": [
            pushed_relation(student_id, nth, rel) for nth, rel in enumerate(body.get("Relationships") or [])
        ],
        "comnrs": [phone_view("pushed", f"{student_id}:gsm", body["mobilePhone"], True)]
        if body.get("mobilePhone")
        else [],
        "emails": [email_view("pushed", student_id, body["email"], "Privé", False)]
        if body.get("email")
        else [],
    }


async def accepted_in_year(ctx: RequestContext, inst: Institute, year: int) -> list[dict]:
    return [
        r
        for r in await preregistrations(ctx, inst)
        if r["status"] == ACCEPTED and parse_school_year(r["body"]["schoolyear"], SCHOOL_YEAR_INVALID) == year
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
    return {"student": view}


@package.handler("getStudentPhoto")
async def get_student_photo(ctx: RequestContext) -> dict:
    """A student the school enrolled through a preregistration has no photo yet: `photo` is null."""
    _, student, _ = await find_student(ctx, institute(ctx))
    if student is None:
        return {"photo": None}
    w = world(ctx)
    return {
        "photo": {
            "id": guid(w.secret, "foto", student.persoon_id),
            "persoonId": student.persoon_id,
            "foto": photo_base64(f"{w.secret}:foto:{student.persoon_id}"),
        }
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


def preregistration_day(text: str | None) -> date | None:
    """`preRegistrationDate` as a day: the public client sends `2026-11-17T10:15` (`Y-m-d\\TH:i`),
    others a bare date; null or anything else is no date."""
    if not text:
        return None
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        return None


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
    year = parse_school_year(body["schoolyear"], SCHOOL_YEAR_INVALID, "schoolyear")
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
        broken("dateOfBirth", BIRTH_DATE, "Ongeldige geboortedatum: ze moet in het verleden liggen.")
    if body.get("insz"):
        if nn.get_birth_date(body["insz"]) not in (born, None):
            broken("insz", INSZ, "Ongeldig rijksregisternummer: het past niet bij de geboortedatum.")
        if nn.get_gender(body["insz"]) != ("M" if body["sex"] == 1 else "F"):
            broken("insz", INSZ, "Ongeldig rijksregisternummer: het past niet bij het geslacht.")
    starts = date.fromisoformat(body["startDate"])
    first, last = school_year_bounds(year)
    if not first <= starts <= last:
        broken(
            "startDate",
            START_DATE_OUTSIDE_YEAR,
            f"De startdatum {starts} ligt buiten het schooljaar {school_year_label(year)}.",
        )
    preregistered = preregistration_day(body.get("preRegistrationDate"))
    if preregistered is None:
        broken(
            "preRegistrationDate",
            PREREGISTRATION_DATE_REQUIRED,
            "Datum voorinschrijving is verplicht (als 2026-11-17 of 2026-11-17T10:15).",
        )
    elif preregistered >= starts:
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
