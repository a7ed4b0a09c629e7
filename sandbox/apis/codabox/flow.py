"""What flows to an accounting office: the documents of its clients while their mandates, as the
tenant's overlay has them, are active.

The tenant's overlay holds the mandates it ordered and the world's mandates it changed (signed,
activated, refused, archived: see `mandates`). Every API of the CodaBox family reads documents
through here (V2's feed, Connect's document searches), so a bank's decision or a sandbox action
changes them all alike; without an overlay the answer is the world's own.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sandbox.apis.codabox.mandates import client_mandates, with_mandate
from sandbox.apis.codabox.world import Client, CodaboxWorld, DocumentRef, Mandate
from sandbox.runtime.state import TenantState

OVERLAY = "mandate-overlay"


async def overlay_of(state: TenantState) -> dict[str, Any]:
    """The tenant's mandate overlay (a plain dict, the input of `mandates`' pure functions)."""
    return await state.get(OVERLAY, default={})


async def change_mandate(state: TenantState, make: Callable[[dict[str, Any]], Mandate]) -> Mandate:
    """Store the mandate `make` derives from the overlay as it is at that moment, in one atomic step,
    so that two requests at once cannot both pass a rule only one may (an IBAN ordered twice, a
    decision taken twice). `make` raises the API's refusal to leave the overlay as it was; it may
    run more than once (see `Store.update`)."""
    made: list[Mandate] = []

    def changed(overlay: dict[str, Any] | None) -> dict[str, Any]:
        made[:] = [make(overlay or {})]
        return with_mandate(overlay or {}, made[0])

    await state.update(OVERLAY, change=changed)
    return made[0]


def client_documents(
    world: CodaboxWorld, overlay: dict[str, Any], client: Client, start: date, end: date
) -> list[DocumentRef]:
    """The client's documents dated from `start` to `end`, given its effective mandates."""
    return list(world.client_documents(client, start, end, client_mandates(world, overlay, client.id)))


def office_documents(
    world: CodaboxWorld, overlay: dict[str, Any], office_id: str, start: date, end: date
) -> list[DocumentRef]:
    """Every document of the office's clients dated from `start` to `end`, oldest first, given
    their effective mandates."""
    return world.documents(office_id, start, end, lambda client: client_mandates(world, overlay, client))
