"""Offices, clients and mandates as CodaBox's wire shows them (fields from public client fixtures)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sandbox.apis.codabox import mandates
from sandbox.apis.codabox.world import Address, Client, CodaboxWorld, Mandate, Office
from sandbox.runtime.context import RequestContext


def _stamp(moment: datetime | None) -> str | None:
    """CodaBox's timestamps carry microseconds and no zone (`2014-12-27T15:39:48.081659`)."""
    return moment.replace(tzinfo=None).isoformat(timespec="microseconds") if moment else None


def _legal_entity(name: str, number: str | None, representative: str | None, address: Address) -> dict:
    return {
        "name": name,
        "enterprise_num": f"BE{number}" if number else None,
        "is_enterprise_num_validated": number is not None,
        "representative_name": representative,
        "representative_function": "Zaakvoerder" if representative and number else None,
        "address": address.street,
        "address2": "",
        "zip": address.zip,
        "city": address.city,
    }


def office_view(office: Office) -> dict[str, Any]:
    services = [("purchase-invoice-delivery", "subscribed")]
    if office.allows_social_mandates:
        services.append(("soda-delivery", "subscribed"))
    return {
        "id": office.id,
        "name": office.name,
        "legal_entity": _legal_entity(
            office.name, office.enterprise_number, office.contact_name, office.address
        ),
        "contact_name": office.contact_name,
        "contact_email": office.contact_email,
        "language": office.language,
        "website_url": None,
        "allows_social_mandates": office.allows_social_mandates,
        "allows_doccle_delivery": False,
        "allows_client_delivery": False,
        "delegates_mandate_delivery": False,
        "services": [
            {"id": f"{office.id}-{kind}", "type": kind, "fiduciary_id": office.id, "state": state}
            for kind, state in services
        ],
        "software": {"name": "API sandbox", "slug": "api-sandbox", "supported_services": ["coda", "soda"]},
    }


def mandate_view(ctx: RequestContext, mandate: Mandate) -> dict[str, Any]:
    now = ctx.now()
    view = {
        "id": mandate.id,
        "type": mandate.kind,
        "client_id": mandate.client_id,
        "fiduciary_id": mandate.office_id,
        "validity_start": mandate.validity_start.isoformat() if mandate.validity_start else None,
        "state": mandate.state_at(now) or mandate.history[0][1],
        "state_modified_at": _stamp(mandate.state_modified_at(now) or mandate.history[0][0]),
        "pdf": f"{ctx.base_url}/mandates/{mandate.id}/pdf/",
    }
    if mandate.kind == "coda":
        state = view["state"]
        view.update(
            bank_id=mandate.bank_id,
            ibans=list(mandate.ibans),
            reason=mandate.reason if state in ("problem", "archived") else None,
            reason_code=mandate.reason_code if state == "problem" else "R-0",
            twikey_url=mandate.twikey_url if state in mandates.PENDING[:3] else None,
        )
    else:
        view["social_welfare_id"] = "group_s"
        view["reason"] = mandate.reason if view["state"] == "archived" else None
    return view


def client_view(ctx: RequestContext, client: Client, overlay: dict) -> dict[str, Any]:
    world: CodaboxWorld = ctx.world
    now = ctx.now()
    held = mandates.client_mandates(world, overlay, client.id)
    codas = [m for m in held if m.kind == "coda" and m.state_at(now)]
    accounts = []
    # the client's accounts, then those it ordered a mandate for that the world does not hold
    ibans = dict.fromkeys([a.iban for a in client.accounts] + [i for m in codas for i in m.ibans])
    for account in (world.bank_account(client, iban) for iban in ibans):
        linked = [m for m in codas if account.iban in m.ibans]
        latest = linked[-1] if linked else None
        accounts.append(
            {
                "iban": account.iban,
                "subaccounts": [{"currency": account.currency, "extension": account.extension}],
                "type": "current",
                "coda_mandate_ids": [m.id for m in linked],
                "bank_id": account.bank.bic,
                "client_id": client.id,
                "state": latest.state_at(now) if latest else "no_mandate",
                "state_modified_at": _stamp(latest.state_modified_at(now)) if latest else None,
            }
        )
    return {
        "id": client.id,
        "fiduciary_id": client.office_id,
        "legal_entity": _legal_entity(
            client.name, client.enterprise_number, client.representative_name, client.address
        ),
        "client_code": client.code,
        "contact_name": client.contact_name,
        "contact_email": client.contact_email,
        "language": client.language,
        "exact_email": None,
        "coda_mandates": [mandate_view(ctx, m) for m in codas],
        "bank_accounts": accounts,
        "social_mandates": [mandate_view(ctx, m) for m in held if m.kind == "soda" and m.state_at(now)],
        "purchase_invoice_mandates": [],
        "purchase_invoice_transmission_mandates": [],
        "state": "active",
        "delivery_mode": "email",
        "mycodabox_access_state": "not-invited",
        "services": [],
        "zoomit_ibans": [],
    }
