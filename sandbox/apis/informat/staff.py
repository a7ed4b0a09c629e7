"""Informat's staff administration API (Personeelsadministratie): employees, their assignments,
diplomas, photos, own fields and Edison documents, bound by operationId to specs/informat-staff.yaml.
Who works where and when is decided in `staff_roster.py`."""

from __future__ import annotations

import base64
import binascii
import hashlib
from datetime import date, datetime

from sandbox.apis.informat.common import institute, parse_school_year, school_year, sex_letter, today, world
from sandbox.apis.informat.errors import (
    ATTACHMENT_EXTENSION,
    ATTACHMENT_NOT_LINKED,
    ATTACHMENT_OF_OTHER_EMPLOYEE,
    ATTACHMENT_TOO_LARGE,
    CHANGED_INTERRUPTION_OVERLAPS,
    DOCUMENT_NOT_FOUND,
    EMPLOYEE_NOT_FOUND,
    EMPLOYEE_PHOTO_NOT_FOUND,
    INTERRUPTION_CODE,
    INTERRUPTION_EMPLOYEE,
    INTERRUPTION_END_BEFORE_BEGIN,
    INTERRUPTION_INSTITUTE,
    INTERRUPTION_NOT_FOUND,
    INTERRUPTION_OF_OTHER_EMPLOYEE,
    INTERRUPTION_OF_OTHER_SCHOOL,
    INTERRUPTION_OVERLAPS,
    INVALID_FIELD,
    SIGNED_AT,
    SIGNED_FILE_NOT_PDF,
    SIGNED_FILE_REQUIRED,
    STAFF_YEAR_FORM,
    STRUCTURE_FORM,
    STRUCTURE_NOT_SUPPORTED,
    informat_error,
    render_staff_error,
    violation,
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
from sandbox.errors import ApiError, Violation
from sandbox.runtime.context import Reply, RequestContext, Upload
from sandbox.runtime.package import ApiPackage
from sandbox.worlds.calendar import school_year_bounds, school_year_label

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


def document_view(d: StaffDocument, now: datetime, submitted: dict | None) -> dict:
    """`submitted` is the outcome a client sent of its own signing procedure, which outranks the
    world's."""
    sent = d.sent is not None and d.sent <= now
    view = {
        "documentId": d.document_id,
        "personId": d.employee.person_id,
        "rlType": d.rl_type,
        "tekenStatus": submitted["tekenStatus"] if submitted else d.signing_status(now),
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
    checked_structure(ctx, institute(ctx))
    school_year(ctx)  # a diploma belongs to the person whatever the year; still it must be a school year
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
async def list_documents(ctx: RequestContext) -> list[dict]:
    inst, year, employees = year_employees(ctx)
    submitted = {o["documentId"]: o for o in await ctx.state.list("signed-document", inst.number)}
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
            found.append(document_view(d, now, submitted.get(d.document_id)))
    return found


def known_document(ctx: RequestContext):
    """The employee and their document named in the path, or DOCUMENT_NOT_FOUND."""
    e = known_employee(ctx)
    document_id = ctx.params["documentId"]
    d = staff(ctx).document(e, document_id, ctx.now())
    if d is None:
        raise informat_error(
            DOCUMENT_NOT_FOUND,
            f"Geen document {document_id} gevonden voor personeelslid {e.person_id}.",
            field="documentId",
        )
    return e, d


@package.handler("getDocumentPdf")
def get_document_pdf(ctx: RequestContext) -> Reply:
    _, d = known_document(ctx)
    return Reply(document_pdf(staff(ctx), d, ctx.now()), media_type="application/pdf")


# -- interruptions (dienstonderbrekingen): the tenant's state ------------------------------------
# The employee's own declarations (a sick note, say) that a client adds through the API; the world
# holds none of its own, so every interruption listed is one the tenant's clients added.
INTERRUPTION_CODES = {"1": "Ziekte"}  # the codes of the public client's `InterruptionCode`
ATTACHMENT_EXTENSIONS = (".pdf", ".jpg", ".jpeg", ".png", ".tif", ".tiff", ".doc", ".docx")
ATTACHMENT_LIMIT = 10 * 2**20  # bytes, as the API states (BR017B)


def interruption_view(record: dict) -> dict:
    return {
        "doId": record["doId"],
        "personId": record["personId"],
        "hfd": record["hfd"],
        "begindatum": record["begindatum"],
        "einddatum": record["einddatum"],
        "code": record["code"],
        "omschrijving": INTERRUPTION_CODES[record["code"]],
        "soort": "Dienstonderbreking",
        "verstuurdAgODi": False,  # only the secretariat sends them to AgODi, never the API
    }


def within_year(record: dict, year: int) -> bool:
    """Informat's filter: the interruption ends on or after the first day of the school year and
    begins on or before its last."""
    first, last = school_year_bounds(year)
    return record["einddatum"] >= first.isoformat() and record["begindatum"] <= last.isoformat()


async def interruptions_of(ctx: RequestContext, inst: Institute, person_id: str | None = None) -> list[dict]:
    year = school_year(ctx)
    structure = ctx.params.get("structure")
    return [
        interruption_view(r)
        for r in await ctx.state.list("interruption")
        if r["instelnr"] == inst.number
        and (person_id is None or r["personId"] == person_id)
        and (structure is None or r["hfd"] == structure)
        and within_year(r, year)
    ]


async def stored_interruption(ctx: RequestContext, inst: Institute) -> dict:
    interruption_id = ctx.params["interruptionId"]
    record = await ctx.state.get("interruption", interruption_id)
    if record is None or record["instelnr"] != inst.number:
        raise informat_error(
            INTERRUPTION_NOT_FOUND,
            f"Geen dienstonderbreking gevonden voor ID {interruption_id}.",
            field="interruptionId",
        )
    return record


def checked_interruption(ctx: RequestContext, inst: Institute, body: dict) -> None:
    """The rules on an interruption's fields that its schema cannot say; every broken one is told."""
    found: list[Violation] = []
    if body["instelnr"] != inst.number:
        message = f"Het instellingsnummer {body['instelnr']} verschilt van de header InstituteNo."
        found.append(violation("instelnr", INTERRUPTION_INSTITUTE, message))
    if body["hfd"] != inst.structure:
        message = f"{INVALID_COMBINATION} Instelling {inst.number} heeft geen structuur {body['hfd']}."
        found.append(violation("hfd", STRUCTURE_NOT_SUPPORTED, message))
    if body["code"] not in INTERRUPTION_CODES:
        message = f"Ongeldige code {body['code']}: enkel {', '.join(INTERRUPTION_CODES)}."
        found.append(violation("code", INTERRUPTION_CODE, message))
    if body["einddatum"] < body["begindatum"]:
        found.append(
            violation(
                "einddatum", INTERRUPTION_END_BEFORE_BEGIN, "Einddatum kan niet voor de begindatum vallen."
            )
        )
    parse_school_year(body["schooljaar"], STAFF_YEAR_FORM, "schooljaar")
    if found:
        raise ApiError(400, detail="De dienstonderbreking is ongeldig.", violations=found)


def overlaps(a: dict, b: dict) -> bool:
    return a["begindatum"] <= b["einddatum"] and b["begindatum"] <= a["einddatum"]


@package.handler("listInterruptions")
async def list_interruptions(ctx: RequestContext) -> list[dict]:
    inst = institute(ctx)
    checked_structure(ctx, inst)
    return await interruptions_of(ctx, inst)


@package.handler("listEmployeeInterruptions")
async def list_employee_interruptions(ctx: RequestContext) -> list[dict]:
    inst = institute(ctx)
    checked_structure(ctx, inst)
    return await interruptions_of(ctx, inst, known_employee(ctx).person_id)


@package.handler("saveInterruption")
async def save_interruption(ctx: RequestContext) -> dict:
    """Adds the interruption, or changes it when its id is known (Informat decides by the id)."""
    inst, body = institute(ctx), ctx.body
    person_id, interruption_id = ctx.params["personId"], ctx.params["interruptionId"]
    if staff(ctx).employee(person_id, inst, today(ctx)) is None:
        raise informat_error(
            INTERRUPTION_EMPLOYEE, "Geen personeelslid gevonden voor de PersonId.", field="personId"
        )
    checked_interruption(ctx, inst, body)
    record = {
        "doId": interruption_id,
        "personId": person_id,
        "instelnr": inst.number,
        **{k: body[k] for k in ("hfd", "schooljaar", "code", "begindatum", "einddatum", "afzender")},
        **{k: body.get(k) for k in ("opmerking", "naamGeneesheer", "telefoonGeneesheer")},
        "magWoonstVerlaten": body.get("magWoonstVerlaten", True),  # Informat's default
        "saved": ctx.now().isoformat(),
    }
    earlier = await ctx.state.get("interruption", interruption_id)
    if earlier is not None and earlier["instelnr"] != inst.number:
        raise informat_error(
            INTERRUPTION_OF_OTHER_SCHOOL, "De dienstonderbreking is reeds gekoppeld aan een andere school."
        )
    if earlier is not None and earlier["personId"] != person_id:
        raise informat_error(
            INTERRUPTION_OF_OTHER_EMPLOYEE,
            "De dienstonderbreking is reeds gekoppeld aan een ander personeelslid.",
        )
    others = [
        r
        for r in await ctx.state.list("interruption")
        if r["personId"] == person_id and r["doId"] != interruption_id and overlaps(r, record)
    ]
    if others:
        code, verb = (
            (CHANGED_INTERRUPTION_OVERLAPS, "gewijzigd") if earlier else (INTERRUPTION_OVERLAPS, "toegevoegd")
        )
        raise informat_error(
            code,
            f"De dienstonderbreking kon niet {verb} worden omdat er reeds een overlappende "
            f"dienstonderbreking bestaat ({others[0]['doId']}).",
        )
    await ctx.state.put("interruption", interruption_id, value=record)
    return interruption_view(record)


async def links_of(ctx: RequestContext, attachment_id: str) -> list[dict]:
    return [link for link in await ctx.state.list("attachment-link") if link["attachmentId"] == attachment_id]


async def unlink(ctx: RequestContext, interruption_id: str, attachment_id: str) -> None:
    """Removes the link; an attachment that no interruption links to any more is removed too."""
    await ctx.state.delete("attachment-link", interruption_id, attachment_id)
    if not await links_of(ctx, attachment_id):
        await ctx.state.delete("attachment", attachment_id)


@package.handler("deleteInterruption")
async def delete_interruption(ctx: RequestContext) -> dict:
    record = await stored_interruption(ctx, institute(ctx))
    for link in await ctx.state.list("attachment-link", record["doId"]):
        await unlink(ctx, record["doId"], link["attachmentId"])
    await ctx.state.delete("interruption", record["doId"])
    return {"doId": record["doId"], "deleted": True}


@package.handler("saveInterruptionAttachment")
async def save_interruption_attachment(ctx: RequestContext) -> dict:
    """Adds the attachment to the interruption, or replaces it when its id is known; one attachment
    may serve several interruptions of the same employee."""
    record = await stored_interruption(ctx, institute(ctx))
    attachment_id, body = ctx.params["attachmentId"], ctx.body
    filename = body["filename"]
    if not filename.lower().endswith(ATTACHMENT_EXTENSIONS):
        raise informat_error(
            ATTACHMENT_EXTENSION,
            f"Ongeldige extensie: enkel {', '.join(ATTACHMENT_EXTENSIONS)}.",
            field="filename",
        )
    try:
        content = base64.b64decode(body["file"], validate=True)
    except binascii.Error:
        raise informat_error(INVALID_FIELD, "file is geen base64.", field="file") from None
    if len(content) > ATTACHMENT_LIMIT:
        raise informat_error(ATTACHMENT_TOO_LARGE, "Bestand mag maximum 10MB groot zijn.", field="file")
    earlier = await ctx.state.get("attachment", attachment_id)
    if earlier is not None and earlier["personId"] != record["personId"]:
        raise informat_error(
            ATTACHMENT_OF_OTHER_EMPLOYEE, "Het attachment is reeds gekoppeld aan een ander personeelslid."
        )
    attachment = {
        "attachmentId": attachment_id,
        "personId": record["personId"],
        "filename": filename,
        "size": len(content),
        "sha256": hashlib.sha256(content).hexdigest(),
        "saved": ctx.now().isoformat(),
    }
    await ctx.state.put("attachment", attachment_id, value=attachment)
    link = {"interruptionId": record["doId"], "attachmentId": attachment_id}
    await ctx.state.add("attachment-link", record["doId"], attachment_id, value=link)
    return {**link, "filename": filename, "size": len(content)}


@package.handler("deleteInterruptionAttachment")
async def delete_interruption_attachment(ctx: RequestContext) -> dict:
    record = await stored_interruption(ctx, institute(ctx))
    attachment_id = ctx.params["attachmentId"]
    if await ctx.state.get("attachment-link", record["doId"], attachment_id) is None:
        raise informat_error(
            ATTACHMENT_NOT_LINKED,
            "Geen geldige combinatie van dienstonderbreking en attachment gevonden.",
            field="attachmentId",
        )
    await unlink(ctx, record["doId"], attachment_id)
    return {"interruptionId": record["doId"], "attachmentId": attachment_id, "deleted": True}


# -- signed documents: the outcome of the client's own signing procedure --------------------------
@package.handler("submitSignedDocument")
async def submit_signed_document(ctx: RequestContext) -> dict:
    e, _ = known_document(ctx)
    document_id, body, now = ctx.params["documentId"], ctx.body, ctx.now()
    try:
        signed_at = datetime.fromisoformat(body["tijdstip"].replace("Z", "+00:00"))
    except ValueError:
        signed_at = None
    # the moment comes from the client's own clock, which need not be the tenant's sandbox clock
    if signed_at is None or signed_at.tzinfo is None:
        raise informat_error(
            SIGNED_AT,
            f"Ongeldig tijdstip {body['tijdstip']}: een UTC-tijdstip zoals 2026-11-17T10:15:00Z.",
            field="tijdstip",
        )
    upload = body.get("bestand")
    if body["status"] == "Ondertekend" and not isinstance(upload, Upload):
        raise informat_error(
            SIGNED_FILE_REQUIRED, "Het ondertekende PDF-bestand (bestand) is verplicht.", field="bestand"
        )
    if isinstance(upload, Upload) and not upload.data.startswith(b"%PDF-"):
        raise informat_error(SIGNED_FILE_NOT_PDF, "Het bestand is geen PDF.", field="bestand")
    outcome = {
        "documentId": document_id,
        "personId": e.person_id,
        "tekenStatus": body["status"],
        "tijdstip": instant(signed_at),
        "bestand": None
        if not isinstance(upload, Upload)
        else {
            "filename": upload.filename,
            "size": len(upload.data),
            "sha256": hashlib.sha256(upload.data).hexdigest(),
        },
        "ontvangen": instant(now),
    }
    await ctx.state.put("signed-document", e.institute.number, str(document_id), value=outcome)
    return outcome
