"""Asynchronous jobs (202 + `Location` + `Retry-After`, then 200 when ready).

A job's readiness is computed from the tenant clock: it is stored once with the instant it becomes
ready, and every poll compares that instant with the clock. No background task runs, so a job
started on one replica is ready on every replica sharing the store, and a test that moves the
clock makes it ready at once.
"""

from __future__ import annotations

import math
import secrets
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sandbox.runtime import keys
from sandbox.runtime.faults import Faults
from sandbox.runtime.store import Store

PENDING, READY, EXPIRED = "pending", "ready", "expired"


@dataclass
class Job:
    id: str
    kind: str  # what the job makes, e.g. "bill-pdf"
    subject: str  # what it makes it of, e.g. the bill's id
    created: str  # ISO instants on the tenant clock
    ready_at: str
    expires_at: str | None = None  # when the result is gone again (None: kept for ever)
    data: dict[str, Any] = field(default_factory=dict)

    def state(self, now: datetime) -> str:
        if self.expires_at is not None and now >= datetime.fromisoformat(self.expires_at):
            return EXPIRED
        return READY if now >= datetime.fromisoformat(self.ready_at) else PENDING

    def retry_after(self, now: datetime) -> int:
        """Whole seconds until the job is ready: what `Retry-After` says (at least 1)."""
        return max(1, math.ceil((datetime.fromisoformat(self.ready_at) - now).total_seconds()))


class Jobs:
    def __init__(self, store: Store, faults: Faults) -> None:
        self.store = store
        self.faults = faults

    async def start(
        self,
        tenant: str,
        *,
        api: str,
        operation_id: str,
        kind: str,
        subject: str,
        now: datetime,
        seconds: float,
        keep: timedelta | None = None,
        data: dict[str, Any] | None = None,
    ) -> Job:
        """A job that is ready `seconds` from `now` (times the `slow_job` faults switched on for
        the operation), and whose result is kept for `keep` after it is ready."""
        seconds *= await self.faults.job_factor(tenant, api, operation_id)
        ready = now + timedelta(seconds=seconds)
        job = Job(
            id=secrets.token_hex(12),
            kind=kind,
            subject=subject,
            created=now.isoformat(),
            ready_at=ready.isoformat(),
            expires_at=(ready + keep).isoformat() if keep is not None else None,
            data=dict(data or {}),
        )
        await self.store.set(keys.job(tenant, job.id), asdict(job))
        return job

    async def get(self, tenant: str, job_id: str) -> Job | None:
        raw = await self.store.get(keys.job(tenant, job_id))
        return Job(**raw) if raw else None
