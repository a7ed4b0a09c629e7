"""Faults a tenant switches on through the control plane, per operation or for a whole API:
added latency, a given status for the next N calls, a dropped connection, a malformed body, a
slow async job. No header or parameter of a request can trigger them."""

from __future__ import annotations

import asyncio
import random
import uuid
from dataclasses import asdict, dataclass

from sandbox.runtime import keys
from sandbox.runtime.store import Store

KINDS = ("latency", "status", "drop", "malformed", "slow_job")


@dataclass
class Fault:
    id: str
    kind: str
    api: str | None = None  # None: every API
    operationId: str | None = None  # None: every operation of the API  (fields carry their wire names)
    count: int | None = None  # the next N matching calls; None: until removed
    latencyMs: int = 0
    latencyMaxMs: int | None = None  # random latency between latencyMs and this
    seed: int = 0
    status: int = 503
    factor: float = 1.0  # slow_job: an async job takes this many times longer

    def matches(self, api: str, operation_id: str) -> bool:
        return (self.api in (None, api)) and (self.operationId in (None, operation_id))


class Faults:
    def __init__(self, store: Store) -> None:
        self.store = store

    async def list(self, tenant: str) -> list[Fault]:
        return _faults(await self.store.get(keys.faults(tenant)))

    async def add(self, tenant: str, **fields) -> Fault:
        fault = Fault(id=uuid.uuid4().hex[:12], **fields)
        await self.store.update(keys.faults(tenant), lambda current: [*(current or []), asdict(fault)])
        await self.store.cache.changed()
        return fault

    async def remove(self, tenant: str, fault_id: str | None = None) -> bool:
        """One fault, or all of them when `fault_id` is None; False when there was none."""
        removed: list[str] = []

        def without(current: list[dict] | None) -> list[dict] | None:
            kept = [f for f in current or [] if fault_id is not None and f["id"] != fault_id]
            removed[:] = [f["id"] for f in current or [] if f not in kept]
            return kept or None

        await self.store.update(keys.faults(tenant), without)
        await self.store.delete(*[keys.fault_used(tenant, removed_id) for removed_id in removed])
        await self.store.cache.changed()
        return bool(removed)

    async def triggered(self, tenant: str, api: str, operation_id: str) -> list[tuple[Fault, int]]:
        """The faults this call sets off, each with how many times it has now fired (a counted
        fault stops once spent)."""
        fired = []
        for fault in await self.store.cache.get(keys.faults(tenant), _faults):
            if not fault.matches(api, operation_id) or fault.kind == "slow_job":
                continue
            used = await self.store.incr(keys.fault_used(tenant, fault.id))
            if fault.count is None or used <= fault.count:
                fired.append((fault, used))
        return fired

    async def job_factor(self, tenant: str, api: str, operation_id: str) -> float:
        """How many times longer an async job started by this operation takes."""
        factor = 1.0
        for fault in await self.store.cache.get(keys.faults(tenant), _faults):
            if fault.kind == "slow_job" and fault.matches(api, operation_id):
                factor *= fault.factor
        return factor


def _faults(raw: list[dict] | None) -> list[Fault]:
    return [Fault(**fields) for fields in raw or []]


def retry_after(status: int) -> dict[str, str]:
    """An injected 429 or 503 says when to come back, as the real ones do."""
    return {"Retry-After": "1"} if status in (429, 503) else {}


async def delay(fault: Fault, nth_call: int) -> None:
    if fault.latencyMaxMs is None:
        millis = fault.latencyMs
    else:
        millis = random.Random(f"{fault.seed}:{nth_call}").randint(fault.latencyMs, fault.latencyMaxMs)
    await asyncio.sleep(millis / 1000)
