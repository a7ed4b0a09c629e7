"""Informat's Rekeningen API (school bills), bound by operationId to specs/informat-bills.yaml.

The wire shape is the sandbox's own design; the rules are from Informat's intake form: access
groups activated per school year, PDFs made asynchronously and kept one year, and payments only
with an active user and an "Extern"/"Extern_Dubieus" journal.
"""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime, time

from sandbox.apis.informat.common import (
    changed_since,
    parse_school_year,
    school_year,
    today,
    world,
)
from sandbox.apis.informat.errors import (
    ACCESS_GROUP_INACTIVE,
    ACCESS_GROUP_NOT_FOUND,
    AMOUNT_OVER_BALANCE,
    BILL_NOT_FOUND,
    DUPLICATE_PAYMENT,
    JOURNAL_NOT_USABLE,
    NO_ACTIVE_USER,
    NO_EXTERN_JOURNAL,
    PAYMENT_DATE_NOT_PAST,
    PDF_EXPIRED,
    PDF_JOB_NOT_FOUND,
    PDF_NOT_READY,
    informat_error,
    render_error,
)
from sandbox.apis.informat.world import AccessGroup, Bill, InformatWorld
from sandbox.documents import pdf
from sandbox.errors import ApiError
from sandbox.runtime.context import Reply, RequestContext
from sandbox.runtime.jobs import EXPIRED, PENDING, Job
from sandbox.runtime.package import ActionCall, ApiPackage
from sandbox.runtime.state import TenantState
from sandbox.runtime.tokens import require_scopes
from sandbox.worlds.calendar import local_day, school_year_label, school_year_of

package = ApiPackage(render_error=render_error, create_world=InformatWorld)

PAYMENT_JOURNALS = ("Extern", "Extern_Dubieus")
PDF_JOB = "bill-pdf"


def scope_of(group: AccessGroup) -> str:
    return f"api_informat_rekeningen.{group.name}"


def euros(cents: int) -> float:
    return round(cents / 100, 2)


# -- the tenant's state -----------------------------------------------------------------------------
class GroupState:
    """What a tenant changed about an access group: logins per school year, users, journals."""

    def __init__(self, state: TenantState, w: InformatWorld) -> None:
        self.state, self.world = state, w

    async def baseline(self, now: datetime) -> int:
        """The school year in which the tenant first used the API: its groups were logged in then."""
        await self.state.add("baseline-year", value=school_year_of(local_day(now)))
        return int(await self.state.get("baseline-year"))

    async def active_in(self, group: AccessGroup, year: int, now: datetime) -> bool:
        logins = await self.state.get("logins", group.name, default=[])
        if year in logins:
            return True
        baseline = await self.baseline(now)
        return year <= baseline if group.logged_in else year < baseline

    async def users(self, group: AccessGroup) -> list[dict]:
        changed = await self.state.get("users", group.name)
        return (
            changed
            if changed is not None
            else [{"username": u.username, "active": u.active} for u in group.users]
        )

    async def journals(self, group: AccessGroup) -> list[str]:
        changed = await self.state.get("journals", group.name)
        return changed if changed is not None else list(group.journals)

    async def payment_user(self, group: AccessGroup) -> str | None:
        return next((u["username"] for u in await self.users(group) if u["active"]), None)


def group_state(ctx: RequestContext) -> GroupState:
    return GroupState(ctx.state, world(ctx))


def known_group(ctx: RequestContext, name: str) -> AccessGroup:
    group = world(ctx).groups.get(name)
    if group is None:
        raise informat_error(
            ACCESS_GROUP_NOT_FOUND, f"Geen toegangsgroep gevonden met naam {name}.", field="accessGroup"
        )
    return group


async def readable(ctx: RequestContext, group: AccessGroup, year: int) -> None:
    """403 unless the token has the group's scope and the group is active for the school year."""
    require_scopes(ctx.claims, [scope_of(group)])
    if not await group_state(ctx).active_in(group, year, ctx.now()):
        raise informat_error(
            ACCESS_GROUP_INACTIVE,
            f"Toegangsgroep {group.name} is niet actief voor schooljaar {school_year_label(year)}: "
            "log aan het begin van het schooljaar in op deze toegangsgroep via iRekeningen.",
        )


# -- bills ------------------------------------------------------------------------------------------
def coda_payments(ctx: RequestContext, bill: Bill) -> list[dict]:
    """The payments the world's bank statements booked on the bill, up to today."""
    return [
        {
            "paymentId": f"coda-{bill.number}-{n}",
            "amount": euros(p.cents),
            "date": p.on.isoformat(),
            "reference": p.reference,
            "journal": p.journal,
            "registeredBy": "coda",
            "registeredAt": datetime.combine(p.on, time(6), tzinfo=UTC).isoformat(),
        }
        for n, p in enumerate(bill.payments, 1)
        if p.on <= today(ctx)
    ]


async def payments_of(ctx: RequestContext, bill: Bill) -> list[dict]:
    return coda_payments(ctx, bill) + await ctx.state.get("payments", bill.id, default=[])


def paid_cents(payments: list[dict]) -> int:
    return sum(round(p["amount"] * 100) for p in payments)


def bill_view(bill: Bill, payments: list[dict]) -> dict:
    total, paid = bill.total_cents, paid_cents(payments)
    return {
        "billId": bill.id,
        "billNumber": bill.number,
        "accessGroup": bill.group.name,
        "schoolYear": school_year_label(bill.year),
        "student": {
            "persoonId": bill.student.persoon_id,
            "naam": bill.student.naam,
            "voornaam": bill.student.voornaam,
            "klasCode": bill.student.class_code(bill.year),
            "instituteNo": bill.student.institute.number,
        },
        "billDate": bill.issued.isoformat(),
        "dueDate": bill.due.isoformat(),
        "lines": [
            {
                "description": line.description,
                "quantity": line.quantity,
                "unitPrice": euros(line.unit_cents),
                "amount": euros(line.cents),
            }
            for line in bill.lines
        ],
        "totalAmount": euros(total),
        "paidAmount": euros(paid),
        "openAmount": euros(total - paid),
        "status": "paid" if paid >= total else "partiallyPaid" if paid else "open",
        "payments": payments,
    }


async def readable_bill(ctx: RequestContext) -> Bill:
    bill = world(ctx).bill(ctx.params["billId"])
    if bill is None or bill.issued > today(ctx):
        raise informat_error(
            BILL_NOT_FOUND, f"Geen rekening gevonden voor ID {ctx.params['billId']}.", field="billId"
        )
    await readable(ctx, bill.group, bill.year)
    return bill


@package.handler("listAccessGroups")
async def list_access_groups(ctx: RequestContext) -> dict:
    year = school_year(ctx)
    granted = set(ctx.claims.scopes)
    state, w = group_state(ctx), world(ctx)
    found = []
    for group in w.groups.values():
        if scope_of(group) not in granted:
            continue
        user, journals = await state.payment_user(group), await state.journals(group)
        found.append(
            {
                "name": group.name,
                "instituteNo": group.institute,
                "school": w.institutes[group.institute].name,
                "activeForSchoolYear": await state.active_in(group, year, ctx.now()),
                "activeUser": user,
                "journals": journals,
                "paymentsPossible": user is not None and any(j in PAYMENT_JOURNALS for j in journals),
            }
        )
    return {"schoolYear": school_year_label(year), "accessGroups": found}


@package.handler("listBills")
async def list_bills(ctx: RequestContext) -> dict:
    group = known_group(ctx, ctx.params["accessGroup"])
    year = school_year(ctx)
    await readable(ctx, group, year)
    since = changed_since(ctx)
    day, found = today(ctx), []
    for bill in world(ctx).bills(group, year):
        if bill.issued > day:
            continue
        payments = await payments_of(ctx, bill)
        changed = max([bill.changed, *(datetime.fromisoformat(p["registeredAt"]) for p in payments)])
        if since is None or changed >= since:
            found.append(bill_view(bill, payments))
    return {"accessGroup": group.name, "schoolYear": school_year_label(year), "bills": found}


@package.handler("getBill")
async def get_bill(ctx: RequestContext) -> dict:
    bill = await readable_bill(ctx)
    return bill_view(bill, await payments_of(ctx, bill))


# -- PDFs -------------------------------------------------------------------------------------------
async def pdf_seconds(ctx: RequestContext, bill: Bill) -> float:
    w = world(ctx)
    if w.is_slow_bill(bill):
        return w.slow_pdf_seconds
    chosen = await ctx.state.get("pdf-seconds")
    return float(chosen) if chosen is not None else w.pdf_seconds


def job_view(ctx: RequestContext, job: Job, now: datetime) -> dict:
    view = {"jobId": job.id, "billId": job.subject, "status": job.state(now), "requestedAt": job.created}
    if view["status"] != PENDING:
        view["readyAt"] = job.ready_at
        view["expiresAt"] = job.expires_at
        view["pdfUrl"] = f"{ctx.base_url}/1/pdf-jobs/{job.id}/pdf"
    return view


@package.handler("requestBillPdf")
async def request_bill_pdf(ctx: RequestContext) -> Reply:
    bill = await readable_bill(ctx)
    now = ctx.now()
    job = await ctx.jobs.start(
        ctx.tenant,
        api=ctx.api.name,
        operation_id=ctx.operation.operation_id,
        kind=PDF_JOB,
        subject=bill.id,
        now=now,
        seconds=await pdf_seconds(ctx, bill),
        keep=world(ctx).pdf_keep,
        data={"paidCents": paid_cents(await payments_of(ctx, bill))},
    )
    return Reply(
        job_view(ctx, job, now),
        status=202,
        headers={"Location": f"{ctx.base_url}/1/pdf-jobs/{job.id}", "Retry-After": str(job.retry_after(now))},
    )


async def known_job(ctx: RequestContext) -> tuple[Job, Bill]:
    job = await ctx.jobs.get(ctx.tenant, ctx.params["jobId"])
    bill = world(ctx).bill(job.subject) if job is not None and job.kind == PDF_JOB else None
    if job is None or bill is None:
        raise informat_error(PDF_JOB_NOT_FOUND, f"Geen PDF-opdracht gevonden voor ID {ctx.params['jobId']}.")
    require_scopes(ctx.claims, [scope_of(bill.group)])
    if job.state(ctx.now()) == EXPIRED:
        raise informat_error(
            PDF_EXPIRED,
            f"De PDF van rekening {bill.number} is niet meer beschikbaar: Informat bewaart PDF's "
            f"maximaal een jaar (tot {job.expires_at}). Vraag een nieuwe PDF aan.",
        )
    return job, bill


@package.handler("getPdfJob")
async def get_pdf_job(ctx: RequestContext) -> Reply:
    job, _ = await known_job(ctx)
    now = ctx.now()
    if job.state(now) == PENDING:
        return Reply(job_view(ctx, job, now), status=202, headers={"Retry-After": str(job.retry_after(now))})
    return Reply(job_view(ctx, job, now))


@package.handler("downloadBillPdf")
async def download_bill_pdf(ctx: RequestContext) -> Reply:
    job, bill = await known_job(ctx)
    now = ctx.now()
    if job.state(now) == PENDING:
        raise informat_error(
            PDF_NOT_READY,
            "De PDF is nog niet klaar; vraag de opdracht opnieuw op na Retry-After seconden.",
            headers={"Retry-After": str(job.retry_after(now))},
        )
    return Reply(render_bill(ctx, bill, job), media_type="application/pdf")


def money(cents: int) -> str:
    return f"EUR {cents / 100:,.2f}".replace(",", " ").replace(".", ",")


def render_bill(ctx: RequestContext, bill: Bill, job: Job) -> bytes:
    w = world(ctx)
    school = w.institutes[bill.group.institute]
    paid = job.data.get("paidCents", 0)
    table = pdf.Table(
        header=("Omschrijving", "Aantal", "Eenheidsprijs", "Bedrag"),
        rows=[
            (line.description, str(line.quantity), money(line.unit_cents), money(line.cents))
            for line in bill.lines
        ],
        widths=(100, 20, 35, 35),
        align="LRRR",
    )
    document = pdf.Document(
        title=f"Schoolrekening {bill.number}",
        subtitle=f"{school.name} ({school.number}), {school.postal_code} {school.city}",
        author=f"Rekeningen2.0, toegangsgroep {bill.group.name}",
        created=datetime.combine(bill.issued, time(8), tzinfo=UTC),
        fields=(
            ("Leerling", f"{bill.student.voornaam} {bill.student.naam}"),
            ("Klas", bill.student.class_code(bill.year)),
            ("Schooljaar", school_year_label(bill.year)),
            ("Datum", bill.issued.isoformat()),
            ("Vervaldatum", bill.due.isoformat()),
            ("Totaal", money(bill.total_cents)),
            ("Reeds betaald", money(paid)),
            ("Te betalen", money(bill.total_cents - paid)),
        ),
        table=table,
        footnote=f"Opgemaakt op {job.created[:10]}. Informat bewaart deze PDF maximaal een jaar.",
        keywords=("schoolrekening", bill.number),
    )
    return pdf.render(document)


# -- payments ---------------------------------------------------------------------------------------
@package.handler("listPayments")
async def list_payments(ctx: RequestContext) -> dict:
    bill = await readable_bill(ctx)
    return {"payments": await payments_of(ctx, bill)}


@package.handler("registerPayment")
async def register_payment(ctx: RequestContext) -> dict:
    bill = await readable_bill(ctx)
    body, state = ctx.body, group_state(ctx)
    user = await state.payment_user(bill.group)
    if user is None:
        raise informat_error(
            NO_ACTIVE_USER,
            f"Toegangsgroep {bill.group.name} heeft geen actieve gebruiker: koppel minstens een actieve, "
            "geldige gebruiker aan de toegangsgroep; de eerste actieve gebruiker registreert de betalingen.",
        )
    journals = await state.journals(bill.group)
    if not any(j in PAYMENT_JOURNALS for j in journals):
        raise informat_error(
            NO_EXTERN_JOURNAL,
            'Er bestaat geen financieel dagboek "Extern" of "Extern_Dubieus" in het deelboek van de '
            "boekhouding; de helpdesk van Informat voorziet het.",
        )
    if body["journal"] not in PAYMENT_JOURNALS or body["journal"] not in journals:
        usable = ", ".join(j for j in journals if j in PAYMENT_JOURNALS)
        raise informat_error(
            JOURNAL_NOT_USABLE,
            f"Dagboek {body['journal']} kan niet gebruikt worden; wel: {usable}.",
            field="journal",
        )
    cents = round(body["amount"] * 100)
    coda = coda_payments(ctx, bill)

    def over_balance(registered: list[dict]) -> None:
        open_cents = bill.total_cents - paid_cents(coda) - paid_cents(registered)
        if cents > open_cents:
            raise informat_error(
                AMOUNT_OVER_BALANCE,
                f"Het bedrag {money(cents)} is meer dan het openstaande saldo {money(open_cents)}.",
                field="amount",
            )

    over_balance(await ctx.state.get("payments", bill.id, default=[]))
    if date.fromisoformat(body["date"]) > today(ctx):
        raise informat_error(
            PAYMENT_DATE_NOT_PAST, "De betaaldatum mag niet in de toekomst liggen.", field="date"
        )
    payment = {
        "paymentId": secrets.token_hex(8),
        "amount": euros(cents),
        "date": body["date"],
        "reference": body["reference"],
        "journal": body["journal"],
        "registeredBy": user,
        "registeredAt": ctx.now().isoformat(),
    }

    def register(recorded: list[dict] | None) -> list[dict]:
        # judged again inside the atomic step: two payments sent at once cannot together pass the
        # open balance, nor one reference be registered twice
        registered = recorded or []
        over_balance(registered)
        if any(p["reference"] == body["reference"] for p in registered):
            raise informat_error(
                DUPLICATE_PAYMENT,
                f"Er is al een betaling met referentie {body['reference']} geregistreerd op deze rekening.",
                field="reference",
            )
        return [*registered, payment]

    registered = await ctx.state.update("payments", bill.id, change=register)
    return {"payment": payment, "bill": bill_view(bill, coda + registered)}


# -- sandbox actions --------------------------------------------------------------------------------
GROUP = {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,50}$"}


def action_group(call: ActionCall) -> AccessGroup:
    group = call.world.groups.get(call.body["accessGroup"])
    if group is None:
        raise ApiError(404, detail=f"No access group {call.body['accessGroup']!r}")
    return group


@package.action(
    "login-access-group",
    {
        "type": "object",
        "additionalProperties": False,
        "required": ["accessGroup"],
        "properties": {
            "accessGroup": GROUP,
            "schoolYear": {"type": "string", "pattern": "^[0-9]{4}(-[0-9]{2})?$"},
        },
    },
)
async def login_access_group(call: ActionCall) -> dict:
    """Someone logs in to an access group in iRekeningen, activating it for a school year."""
    group = action_group(call)
    text = call.body.get("schoolYear")
    year = parse_school_year(text) if text else school_year_of(local_day(call.clock.now()))
    await call.state.update("logins", group.name, change=lambda logins: sorted({*(logins or []), year}))
    return {"accessGroup": group.name, "activeForSchoolYear": school_year_label(year)}


@package.action(
    "set-access-group",
    {
        "type": "object",
        "additionalProperties": False,
        "required": ["accessGroup"],
        "minProperties": 2,
        "properties": {
            "accessGroup": GROUP,
            "users": {
                "type": "array",
                "maxItems": 20,
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["username", "active"],
                    "properties": {
                        "username": {"type": "string", "minLength": 1},
                        "active": {"type": "boolean"},
                    },
                },
            },
            "journals": {"type": "array", "maxItems": 20, "items": {"type": "string", "minLength": 1}},
        },
    },
)
async def set_access_group(call: ActionCall) -> dict:
    """Change the users linked to an access group, or the journals of its accounting sub-ledger."""
    group = action_group(call)
    for part in ("users", "journals"):
        if part in call.body:
            await call.state.put(part, group.name, value=call.body[part])
    state = GroupState(call.state, call.world)
    return {
        "accessGroup": group.name,
        "users": await state.users(group),
        "journals": await state.journals(group),
    }


@package.action(
    "set-pdf-delay",
    {
        "type": "object",
        "additionalProperties": False,
        "required": ["seconds"],
        "properties": {"seconds": {"type": "number", "minimum": 0, "maximum": 86400}},
    },
)
async def set_pdf_delay(call: ActionCall) -> dict:
    """How many seconds (on the tenant clock) a PDF takes from request to ready."""
    await call.state.put("pdf-seconds", value=call.body["seconds"])
    return {"pdfSeconds": call.body["seconds"]}
