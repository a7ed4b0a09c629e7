"""The faults a tenant switched on for this operation: latency, an error status, a connection
dropped half-way (before the handler), a body cut in half (after it)."""

from __future__ import annotations

from sandbox.errors import ApiError
from sandbox.runtime.api import ApiRuntime
from sandbox.runtime.exchange import Exchange
from sandbox.runtime.faults import Fault, delay, retry_after
from sandbox.runtime.services import Services

Fired = list[tuple[Fault, int]]  # each fault with how many times it has fired, this time included


async def triggered(
    services: Services, tenant: str, api: ApiRuntime, operation_id: str, exchange: Exchange
) -> Fired:
    fired = await services.faults.triggered(tenant, api.name, operation_id)
    exchange.fault = ",".join(f.kind for f, _ in fired) or None
    return fired


async def before_handler(fired: Fired) -> bool:
    """Wait and raise as the faults say; True when the connection is to be dropped."""
    for fault, nth_use in fired:
        if fault.kind == "latency":
            await delay(fault, nth_use)
        elif fault.kind == "status":
            detail = "A fault switched on for this tenant answered this call"
            raise ApiError(fault.status, "fault", detail, headers=retry_after(fault.status))
        elif fault.kind == "drop":
            return True
    return False


def malforms(fired: Fired) -> bool:
    return any(fault.kind == "malformed" for fault, _ in fired)
