"""Intervat phase 1: the periodic VAT return. A `VATConsignment` is received, then validated or
rejected, then signed and submitted as the tenant clock moves; every state is computed from the
instants stored at submission, so a poll on any replica agrees."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sandbox.apis.fod import package
from sandbox.apis.fod.errors import MALFORMED, NOT_FOUND, NOT_IN_PHASE_1, NOT_SUBMITTED, TOO_LARGE, TOO_MANY
from sandbox.apis.fod.onboarding import VAT, EndUser, end_user, may_act_for
from sandbox.apis.fod.rules import (
    COMMON_NS,
    MAX_DECLARATIONS,
    PHASE_2_ROOTS,
    VAT_NS,
    Consignment,
    NotWellFormed,
    Rejection,
    parse,
    read_consignment,
)
from sandbox.documents import pdf
from sandbox.errors import ApiError
from sandbox.runtime.context import Reply, RequestContext, Upload, XmlBody
from sandbox.worlds.calendar import BRUSSELS
from sandbox.worlds.rng import derive_int

MAX_BYTES = 20 * 1024 * 1024
VALIDATION_SECONDS = 30
SIGNING_SECONDS = 60
CORRECTION_MONTHS = 18
RECEIVED, VALIDATED, REJECTED, SUBMITTED = "received", "validated", "rejected", "submitted"


def _file(ctx: RequestContext) -> bytes:
    body = ctx.body
    if isinstance(body, XmlBody):
        return body.raw
    if isinstance(body, dict) and isinstance(body.get("file"), Upload):
        return body["file"].data
    return body if isinstance(body, bytes) else b""


def status(record: dict, now: datetime) -> str:
    if now < datetime.fromisoformat(record["validatedAt"]):
        return RECEIVED
    if record["rejections"]:
        return REJECTED
    return SUBMITTED if now >= datetime.fromisoformat(record["submittedAt"]) else VALIDATED


def _months_between(earlier: datetime, later: datetime) -> int:
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    return months - (later.day < earlier.day)


async def _portal_rules(
    ctx: RequestContext, user: EndUser, file: Consignment, now: datetime
) -> list[Rejection]:
    """The rules that need more than the file: who files, mandates, corrections, repeats."""
    found: list[Rejection] = []
    declarants = {d.declarant for d in file.declarations}
    if declarants - {user.number} and file.representative is None:
        found.append(
            Rejection("REPRESENTATIVE_MISSING", f"{user.number} files for others: add Representative")
        )
    if file.representative is not None and file.representative != user.number:
        found.append(
            Rejection(
                "REPRESENTATIVE_NOT_FILER",
                f"RepresentativeID {file.representative} is not the end user filing ({user.number})",
            )
        )
    for decl in file.declarations:
        if decl.declarant != user.number and not await may_act_for(ctx, user, decl.declarant, VAT):
            found.append(
                Rejection(
                    "NO_VAT_MANDATE",
                    f"{user.number} holds no electronic VAT mandate for {decl.declarant}: "
                    "the whole file is rejected",
                    decl.sequence,
                )
            )
    earlier = [r for r in await ctx.state.list("submission")]
    for decl in file.declarations:
        if decl.replaces is not None:
            original = _accepted(earlier, decl.replaces, now)
            if original is None:
                found.append(
                    Rejection(
                        "REPLACED_NOT_FOUND",
                        f"ReplacedVATDeclaration {decl.replaces} names no accepted declaration",
                        decl.sequence,
                    )
                )
            elif original["declarant"] != decl.declarant or original["period"] != decl.period:
                found.append(
                    Rejection(
                        "REPLACED_MISMATCH",
                        f"{decl.replaces} is the return of {original['declarant']} for {original['period']}",
                        decl.sequence,
                    )
                )
            elif _months_between(datetime.fromisoformat(original["filed"]), now) >= CORRECTION_MONTHS:
                found.append(
                    Rejection(
                        "CORRECTION_TOO_LATE",
                        f"{decl.replaces} was filed on {original['filed'][:10]}: corrections are accepted "
                        f"for {CORRECTION_MONTHS} months",
                        decl.sequence,
                    )
                )
        today = now.astimezone(BRUSSELS).date()
        same = [
            r
            for r in earlier
            if datetime.fromisoformat(r["created"]).astimezone(BRUSSELS).date() == today
            and any(
                d["declarant"] == decl.declarant and d["period"] == decl.period for d in r["declarations"]
            )
        ]
        if len(same) >= 2:
            found.append(
                Rejection(
                    "E_TRIPLE_DECLA_FOUND",
                    f"The declaration of {decl.declarant} for {decl.period} was sent three times today: "
                    "wait 24 hours",
                    decl.sequence,
                )
            )
    return found


def _accepted(records: list[dict], reference: str, now: datetime) -> dict | None:
    for record in records:
        if status(record, now) != SUBMITTED:
            continue
        for decl in record["declarations"]:
            if decl["intervatReference"] == reference:
                return {**decl, "filed": decl.get("firstFiled") or record["created"]}
    return None


def _namespace_rejections(root) -> list[Rejection]:
    if root.tag != f"{{{VAT_NS}}}VATConsignment":
        return [Rejection("NAMESPACE", f"The root is {root.tag}, not VATConsignment in {VAT_NS}")]
    stray = sorted(
        {
            e.tag
            for e in root.iter()
            if isinstance(e.tag, str) and not e.tag.startswith((f"{{{VAT_NS}}}", f"{{{COMMON_NS}}}"))
        }
    )
    if stray:
        return [Rejection("NAMESPACE", f"Elements outside the two FOD namespaces: {', '.join(stray)}")]
    return []


@package.handler("submitVatReturn")
async def submit_vat_return(ctx: RequestContext) -> Reply:
    user = await end_user(ctx)
    data = _file(ctx)
    if len(data) > MAX_BYTES:
        raise ApiError(413, TOO_LARGE.code, f"The file has {len(data)} bytes; Intervat takes at most 20 MB")
    try:
        root = parse(data)
    except NotWellFormed as exc:
        raise ApiError(400, MALFORMED.code, f"technical code_99 REF:{uuid.uuid4()} ({exc})") from exc
    local = root.tag.rsplit("}", 1)[-1] if isinstance(root.tag, str) else ""
    if local in PHASE_2_ROOTS:
        raise ApiError(
            422,
            NOT_IN_PHASE_1.code,
            f"{PHASE_2_ROOTS[local]} are not in phase 1: only the periodic VAT return",
        )
    now = ctx.now()
    rejections = _namespace_rejections(root)
    file = read_consignment(root) if not rejections else Consignment([], None, None, [])
    if len(file.declarations) > MAX_DECLARATIONS:
        raise ApiError(
            413,
            TOO_MANY.code,
            f"{len(file.declarations)} declarations; a file holds at most {MAX_DECLARATIONS}",
        )
    rejections += file.rejections
    if not rejections:
        rejections += await _portal_rules(ctx, user, file, now)
    prefix = derive_int(ctx.tenant, "intervat", bits=32) % 1_000_000
    earlier = await ctx.state.list("submission")
    counter = sum(len(r["declarations"]) for r in earlier)
    submission_id = uuid.uuid4().hex
    declarations = []
    for number, decl in enumerate(file.declarations, start=counter + 1):
        declarations.append(
            {
                "sequence": decl.sequence,
                "declarant": decl.declarant,
                "period": decl.period,
                "intervatReference": f"{prefix:06d}-{decl.declarant}-{number:06d}",
                "declarantReference": decl.reference,
                "replaces": decl.replaces,
                "amounts": {grid: f"{value:.2f}" for grid, value in sorted(decl.amounts.items())},
            }
        )
    record = {
        "submissionId": submission_id,
        "filer": user.number,
        "representative": file.representative,
        "created": now.isoformat(),
        "validatedAt": (now + timedelta(seconds=VALIDATION_SECONDS)).isoformat(),
        "submittedAt": (now + timedelta(seconds=VALIDATION_SECONDS + SIGNING_SECONDS)).isoformat(),
        "declarations": declarations,
        "rejections": [r.to_json() for r in rejections],
    }
    await ctx.state.put("submission", submission_id, value=record)
    location = f"{ctx.base_url}/vat-returns/{submission_id}"
    headers = {"Location": location, "Retry-After": str(VALIDATION_SECONDS)}
    return Reply({"submissionId": submission_id, "status": RECEIVED}, status=202, headers=headers)


def _view(record: dict, now: datetime) -> dict:
    state = status(record, now)
    shown = state in (VALIDATED, SUBMITTED)
    return {
        "submissionId": record["submissionId"],
        "status": state,
        "receivedAt": record["created"],
        "representative": record["representative"],
        "declarations": [
            {
                **{k: v for k, v in d.items() if k != "intervatReference"},
                "intervatReference": d["intervatReference"] if shown else None,
            }
            for d in record["declarations"]
        ],
        "errors": record["rejections"] if state == REJECTED else [],
    }


async def _own(ctx: RequestContext, user: EndUser) -> dict:
    record = await ctx.state.get("submission", ctx.params["submissionId"])
    if record is None or record["filer"] != user.number:
        raise ApiError(404, NOT_FOUND.code, f"No submission {ctx.params['submissionId']} of yours")
    return record


@package.handler("getVatReturn")
async def get_vat_return(ctx: RequestContext) -> Reply:
    user = await end_user(ctx)
    record = await _own(ctx, user)
    now = ctx.now()
    view = _view(record, now)
    if view["status"] == RECEIVED:
        wait = max(1, int((datetime.fromisoformat(record["validatedAt"]) - now).total_seconds()))
        return Reply(view, status=202, headers={"Retry-After": str(wait)})
    return Reply(view)


@package.handler("listVatReturns")
async def list_vat_returns(ctx: RequestContext) -> dict:
    user = await end_user(ctx)
    p, now = ctx.params, ctx.now()
    items = []
    for record in await ctx.state.list("submission"):
        if record["filer"] != user.number:
            continue
        view = _view(record, now)
        day = datetime.fromisoformat(record["created"]).astimezone(BRUSSELS).date().isoformat()
        decls = view["declarations"]
        if (
            (p.get("from") and day < p["from"])
            or (p.get("to") and day > p["to"])
            or (p.get("status") and view["status"] != p["status"])
            or (p.get("representative") and record["representative"] != p["representative"])
            or (
                p.get("intervatReference")
                and all(d["intervatReference"] != p["intervatReference"] for d in decls)
            )
            or (
                p.get("representativeReference")
                and all(d["declarantReference"] != p["representativeReference"] for d in decls)
            )
        ):
            continue
        items.append(view)
    items.sort(key=lambda v: v["receivedAt"], reverse=True)
    return {"items": items, "totalItems": len(items)}


@package.handler("getVatReturnAcknowledgement")
async def get_acknowledgement(ctx: RequestContext) -> Reply:
    user = await end_user(ctx)
    record = await _own(ctx, user)
    now = ctx.now()
    if status(record, now) != SUBMITTED:
        raise ApiError(409, NOT_SUBMITTED.code, f"The return is {status(record, now)}, not submitted")
    rows = [
        (d["intervatReference"], d["declarant"], d["period"], d["declarantReference"] or "-")
        for d in record["declarations"]
    ]
    signed = datetime.fromisoformat(record["submittedAt"])
    document = pdf.Document(
        title="Intervat - Accusé de réception / Ontvangstbewijs",
        subtitle="Déclaration périodique à la TVA / Periodieke btw-aangifte",
        created=signed,
        author="SPF Finances - FOD Financiën (sandbox)",
        keywords=[d["intervatReference"] for d in record["declarations"]],
        fields=[
            ("Submission", record["submissionId"]),
            ("Representative", record["representative"] or "-"),
            ("Signed and submitted", signed.isoformat()),
        ],
        table=pdf.Table(
            header=("Intervat reference", "Declarant", "Period", "Representative's reference"),
            rows=rows,
            widths=(60, 35, 30, 65),
        ),
        footnote="Sandbox acknowledgement: signed by the sandbox, not by the FOD; proof of nothing.",
    )
    name = f"intervat-{record['submissionId']}.pdf"
    return Reply(
        pdf.render(document),
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
