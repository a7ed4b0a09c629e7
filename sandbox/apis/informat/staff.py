"""Informat's staff administration API (Personeelsadministratie): employees, their assignments,
diplomas, photos, own fields and Edison documents, bound by operationId to specs/informat-staff.yaml.
Who works where and when is decided in `staff_roster.py`."""

from __future__ import annotations

from datetime import date, datetime

from sandbox.apis.informat.common import institute, school_year, sex_letter, today, world
from sandbox.apis.informat.errors import (
    DOCUMENT_NOT_FOUND,
    EMPLOYEE_NOT_FOUND,
    EMPLOYEE_PHOTO_NOT_FOUND,
    STRUCTURE_FORM,
    STRUCTURE_NOT_SUPPORTED,
    informat_error,
    render_staff_error,
)
from sandbox.apis.informat.staff_roster import (
    STAFF_GROUPS,
    Assignment,
    Diploma,
    Employee,
    OwnField,
    StaffDocument,
    StaffRoster,
    roster,
)
from sandbox.apis.informat.world import InformatWorld, Institute, photo_base64
from sandbox.documents import pdf
from sandbox.runtime.context import Reply, RequestContext
from sandbox.runtime.package import ApiPackage
from sandbox.worlds.calendar import school_year_label

package = ApiPackage(render_error=render_staff_error, create_world=InformatWorld)

STRUCTURES = ("311", "312")  # the only main structures the staff API takes into account
INVALID_COMBINATION = "Ongeldige combinatie van instellingsnummer, schooljaar en structuur."


# -- the request ---------------------------------------------------------------------------------
def staff(ctx: RequestContext) -> StaffRoster:
    return roster(world(ctx))


def checked_structure(ctx: RequestContext, inst: Institute) -> None:
    """`structure` narrows a request to one main structure: 311 or 312, and the institute's own."""
    value = ctx.params.get("structure")
    if value is None:
        return
    if len(value) != 3:
        raise informat_error(
            STRUCTURE_FORM, "Hoofdstructuur moet bestaan uit 3 karakters.", field="structure"
        )
    if value not in STRUCTURES:
        raise informat_error(
            STRUCTURE_NOT_SUPPORTED,
            f"{INVALID_COMBINATION} Enkel de structuren 311 en 312 worden ondersteund.",
            field="structure",
        )
    if value != inst.structure:
        raise informat_error(
            STRUCTURE_NOT_SUPPORTED,
            f"{INVALID_COMBINATION} Instelling {inst.number} heeft geen structuur {value}.",
            field="structure",
        )


def year_employees(ctx: RequestContext) -> tuple[Institute, int, list[Employee]]:
    """The institute, the school year asked for and that year's employees."""
    inst = institute(ctx)
    checked_structure(ctx, inst)
    year = school_year(ctx)
    return inst, year, staff(ctx).employees(inst, year, today(ctx))


def known_employee(ctx: RequestContext) -> Employee:
    inst = institute(ctx)
    person_id = ctx.params["personId"]
    found = staff(ctx).employee(person_id, inst, today(ctx))
    if found is None:
        raise informat_error(
            EMPLOYEE_NOT_FOUND, f"Geen personeelslid gevonden voor de PersonId {person_id}.", field="personId"
        )
    return found


# -- views ---------------------------------------------------------------------------------------
def iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def instant(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment else None


def employee_view(r: StaffRoster, e: Employee, day: date) -> dict:
    initials = f"{e.voornaam[0]}." + (f"{e.other_names[0]}." if e.other_names else "")
    partner = e.partner
    return {
        "pPersoon": e.p_persoon,
        "personId": e.person_id,
        "personaId": e.persona_id,
        "naam": e.naam,
        "voornaam": e.voornaam,
        "bijkomendeVoornamen": e.other_names,
        "stamnr": e.stamnr,
        "sortName": f"{e.naam} {e.voornaam}",
        "nickName": e.voornaam,
        "geslacht": sex_letter(e.sex),
        "initialen": initials,
        "geboortedatum": e.born.isoformat(),
        "geboorteplaats": e.birthplace,
        "geboortelandCode": e.birth_country,
        "nationaliteitCode": e.nationality,
        "rijksregisternr": e.rijksregisternr,
        "bisnr": None,
        "bank": {"iban": e.iban, "bic": e.bic},
        "hoofdAmbt": {"code": e.function.code, "naam": e.function.name},
        "eersteDienstSchool": e.starts.isoformat(),
        "eersteDienstScholengroep": iso(e.first_in_group),
        "eersteDienstScholengemeenschap": iso(e.first_in_community),
        "isActive": e.works_on(day),
        "pensioendatum": e.pension_date.isoformat(),
        "isMindervalide": e.disabled,
        "isOverleden": False,
        "datumOverleden": None,
        "burgStand": e.civil_status,
        "partner": None
        if partner is None
        else {
            "id": r.guid(partner.key, e),
            "naam": partner.naam,
            "voornaam": partner.voornaam,
            "geboortedatum": partner.born.isoformat(),
            "nationaliteitCode": partner.nationality,
            "isOverleden": partner.died is not None,
            "datumOverleden": iso(partner.died),
            "inkomen": 0 if partner.died else partner.income,
        },
        "adressen": [
            {
                "id": r.guid("address", e),
                "aanspreekTitel": "De heer" if e.sex == 1 else "Mevrouw",
                "aanspreekNaam": f"{e.voornaam} {e.naam}",
                "straat": e.address.straat,
                "nummer": e.address.nr,
                "bus": e.address.bus,
                "postcode": e.address.postcode,
                "gemeente": e.address.gemeente,
                "landCode": "00150",
                "isDomicilie": True,
                "isVerblijf": True,
            }
        ],
        "comnrs": [{"id": r.guid("mobile", e), "type": "Privé nummer", "soort": "Gsm", "nr": e.mobile}],
        "emailadressen": [
            {"id": r.guid("email:private", e), "type": "Privé", "email": e.private_email},
            {"id": r.guid("email:work", e), "type": "Werk", "email": e.work_email},
        ],
        "kinderen": [
            {
                "id": r.guid(child.key, e),
                "naam": child.naam,
                "voornaam": child.voornaam,
                "geslacht": sex_letter(child.sex),
                "geboortedatum": child.born.isoformat(),
                "isOverleden": False,
                "datumOverleden": None,
            }
            for child in e.children
            if child.born <= day
        ],
        "personeelsgroepen": [{"id": str(STAFF_GROUPS.index(g) + 1), "naam": g} for g in e.staff_groups],
    }


def assignment_view(a: Assignment) -> dict:
    e = a.employee
    return {
        "id": a.id,
        "personId": e.person_id,
        "pPersoon": e.p_persoon,
        "instelnr": e.institute.number,
        "hoofdstructuur": e.institute.structure,
        "schooljaar": school_year_label(a.year),
        "ambtCode": a.function.code,
        "ambt": a.function.name,
        "isHoofdambt": a.main,
        "statuut": a.status,
        "opdrachtTeller": a.hours,
        "opdrachtNoemer": a.function.full_time,
        "begindatum": a.begins.isoformat(),
        "einddatum": a.ends.isoformat(),
        "vestCode": e.institute.location_code,
    }


def diploma_view(e: Employee, d: Diploma) -> dict:
    return {
        "id": d.id,
        "personId": e.person_id,
        "omschrijving": d.description,
        "uitgereiktDoor": d.issuer,
        "uitgereiktOp": d.issued.isoformat(),
        "isHoofddiploma": d.main,
        "isBekwaamheidsbewijs": d.qualification,
    }


def photo_view(r: StaffRoster, e: Employee) -> dict:
    return {
        "id": r.guid("photo", e),
        "personId": e.person_id,
        "photo": photo_base64(f"{r.secret}:staff:{e.person_id}"),
    }


def own_field_view(e: Employee, f: OwnField) -> dict:
    return {
        "personId": e.person_id,
        "vvId": f.id,
        "naam": f.name,
        "waarde": f.value,
        "dataType": f.data_type,
        "rubriek": f.section,
    }


def edison_status_changed(d: StaffDocument, now: datetime) -> datetime | None:
    if d.acknowledged and d.acknowledged <= now:
        return d.acknowledged
    return d.sent if d.sent and d.sent <= now else None


def document_view(d: StaffDocument, now: datetime) -> dict:
    sent = d.sent is not None and d.sent <= now
    view = {
        "documentId": d.document_id,
        "personId": d.employee.person_id,
        "rlType": d.rl_type,
        "tekenStatus": d.signing_status(now),
        "zendingnr": d.message_id if sent else None,
        "referentie": d.reference if sent else None,
        "aangemaaktOp": instant(d.made),
        "verstuurdNaarEdisonOp": instant(d.sent) if sent else None,
        "edisonStatusGewijzigdOp": instant(edison_status_changed(d, now)),
    }
    if d.rl_type == "RL1":
        view["rl1Ingangsdatum"] = d.effective.isoformat()
    elif d.rl_type == "RL4":
        view["rl4Ingangsdatum"] = d.effective.isoformat()
    return view


def document_pdf(r: StaffRoster, d: StaffDocument, now: datetime) -> bytes:
    e, inst = d.employee, d.employee.institute
    status = d.signing_status(now) or "nog niet aangeboden"
    return pdf.render(
        pdf.Document(
            title=f"Edison-document {d.rl_type}",
            subtitle=f"{e.voornaam} {e.naam}",
            created=d.made,
            author=f"{inst.name} ({inst.number})",
            fields=(
                ("Document", str(d.document_id)),
                ("Personeelslid", f"{e.naam} {e.voornaam}"),
                ("Stamboeknummer", e.stamnr),
                ("Rijksregisternummer", e.rijksregisternr),
                ("Instelling", f"{inst.name} ({inst.number})"),
                ("Schooljaar", school_year_label(d.year)),
                ("Ingangsdatum", d.effective.isoformat()),
                ("Aangemaakt op", d.made.strftime("%Y-%m-%d %H:%M UTC")),
                ("Tekenstatus", status),
            ),
            table=pdf.Table(
                header=("Ambt", "Statuut", "Opdracht", "Van", "Tot"),
                rows=[
                    (
                        a.function.name,
                        a.status,
                        f"{a.hours}/{a.function.full_time}",
                        a.begins.isoformat(),
                        a.ends.isoformat(),
                    )
                    for a in r.assignments(e, d.year)
                ],
                widths=(64, 30, 26, 35, 35),
                align="LLRLL",
            ),
            footnote="Document of the API sandbox: generated data, no real person.",
            keywords=("Informat", "Edison", d.rl_type),
        )
    )


# -- handlers ------------------------------------------------------------------------------------
@package.handler("listEmployees")
def list_employees(ctx: RequestContext) -> list[dict]:
    _, _, employees = year_employees(ctx)
    r, day = staff(ctx), today(ctx)
    return [employee_view(r, e, day) for e in employees]


@package.handler("getEmployee")
def get_employee(ctx: RequestContext) -> dict:
    checked_structure(ctx, institute(ctx))
    school_year(ctx)  # only names the school group and community; still it must be a school year
    return employee_view(staff(ctx), known_employee(ctx), today(ctx))


@package.handler("listAssignments")
def list_assignments(ctx: RequestContext) -> list[dict]:
    _, year, employees = year_employees(ctx)
    r = staff(ctx)
    return [assignment_view(a) for e in employees for a in r.assignments(e, year)]


@package.handler("listDiplomas")
def list_diplomas(ctx: RequestContext) -> list[dict]:
    _, _, employees = year_employees(ctx)
    r = staff(ctx)
    return [diploma_view(e, d) for e in employees for d in r.diplomas(e)]


@package.handler("listEmployeeDiplomas")
def list_employee_diplomas(ctx: RequestContext) -> list[dict]:
    e = known_employee(ctx)
    return [diploma_view(e, d) for d in staff(ctx).diplomas(e)]


@package.handler("listPhotos")
def list_photos(ctx: RequestContext) -> list[dict]:
    _, _, employees = year_employees(ctx)
    r = staff(ctx)
    return [photo_view(r, e) for e in employees if e.has_photo]


@package.handler("getEmployeePhoto")
def get_employee_photo(ctx: RequestContext) -> dict:
    e = known_employee(ctx)
    if not e.has_photo:
        raise informat_error(
            EMPLOYEE_PHOTO_NOT_FOUND, f"Geen foto gevonden voor personeelslid {e.person_id}."
        )
    return photo_view(staff(ctx), e)


@package.handler("listOwnFields")
def list_own_fields(ctx: RequestContext) -> list[dict]:
    _, _, employees = year_employees(ctx)
    r = staff(ctx)
    return [own_field_view(e, f) for e in employees for f in r.own_fields(e)]


@package.handler("listDocuments")
def list_documents(ctx: RequestContext) -> list[dict]:
    _, year, employees = year_employees(ctx)
    r, now = staff(ctx), ctx.now()
    types = set(ctx.params.get("rlType") or ("RL1", "RL2", "RL4"))
    since_text = ctx.params.get("referencedate")
    since = date.fromisoformat(since_text) if since_text else None
    found = []
    for e in employees:
        for d in r.documents(e, year, now):
            if d.rl_type not in types:
                continue
            changed = edison_status_changed(d, now)
            if since is not None and (changed is None or changed.date() < since):
                continue
            found.append(document_view(d, now))
    return found


@package.handler("getDocumentPdf")
def get_document_pdf(ctx: RequestContext) -> Reply:
    e = known_employee(ctx)
    r, now, document_id = staff(ctx), ctx.now(), ctx.params["documentId"]
    d = r.document(e, document_id, now)
    if d is None:
        raise informat_error(
            DOCUMENT_NOT_FOUND,
            f"Geen document {document_id} gevonden voor personeelslid {e.person_id}.",
            field="documentId",
        )
    return Reply(document_pdf(r, d, now), media_type="application/pdf")
