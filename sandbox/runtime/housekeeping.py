"""What keeps a long-running sandbox within one memory budget (`Settings.max_memory`), run in the
background every few seconds while the app is served.

- Journals: the memory store holds a quarter of the budget of journal entries, over all tenants
  (the oldest entries of the least recently journaled tenant go first; see `MemoryStore`).
- Worlds: a tenant's generated worlds can always be rebuilt, so when the process's resident memory
  passes the budget the least recently used are dropped, a quarter of the cache at a time, until it
  is under 90% of the budget again or no world is left.
- Tenants made through the control plane (for a CI job) are deleted after `Settings.tenant_idle`
  seconds without an exchange, counted in any replica sharing the store; never the demo tenant.
- Expired values (rate-limit window counters) are purged by the stores themselves.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import ctypes.util
import gc
import logging
import os
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sandbox.runtime.journal import UNATTRIBUTED

if TYPE_CHECKING:
    from sandbox.runtime.services import Services

JOURNAL_SHARE = 4  # the memory store's journals may take 1/JOURNAL_SHARE of the budget
LOW_WATER = 0.9  # eviction stops under this fraction of the budget
EVERY = 5.0  # seconds between two rounds
IDLE_SWEEP_EVERY = 60.0  # seconds between two looks for idle tenants

log = logging.getLogger("sandbox.housekeeping")


def resident_bytes() -> int | None:
    """The process's resident memory now (Linux); None where /proc is not there to say."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            pages = int(statm.read().split()[1])
    except (OSError, IndexError, ValueError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE")


def _libc_trim():
    """glibc keeps freed memory for reuse unless asked to give it back; other C libraries: None."""
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):
        return None


_MALLOC_TRIM = _libc_trim()


def release_freed_memory() -> None:
    gc.collect()
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)


@dataclass
class Round:
    """What one round did."""

    resident: int | None = None
    worlds_evicted: int = 0
    tenants_expired: int = 0


class Housekeeping:
    def __init__(self, services: Services) -> None:
        self.services = services
        self._next_idle_sweep = 0.0

    async def run_once(self, *, now: datetime | None = None) -> Round:
        done = Round()
        await self._note_activity()
        if self.services.settings.tenant_idle and time.monotonic() >= self._next_idle_sweep:
            done.tenants_expired = await self.expire_idle_tenants(now or datetime.now(UTC))
            self._next_idle_sweep = time.monotonic() + IDLE_SWEEP_EVERY
        done.worlds_evicted = self.keep_within_budget()
        done.resident = resident_bytes()
        return done

    async def run_forever(self) -> None:
        while True:
            await asyncio.sleep(EVERY)
            try:
                await self.run_once()
            except Exception:  # a store that is briefly down must not end housekeeping for good
                log.exception("housekeeping round failed; trying again in %s s", EVERY)

    async def _note_activity(self) -> None:
        journal, idle = self.services.journal, self.services.settings.tenant_idle
        active, journal.recently_active = journal.recently_active - {UNATTRIBUTED}, set()
        if idle:
            await self.services.tenants.mark_active(active, idle)

    async def expire_idle_tenants(self, now: datetime) -> int:
        idle = await self.services.tenants.idle(self.services.settings.tenant_idle, now)
        for tenant in idle:
            await self.services.delete_tenant(tenant.id)
        if idle:
            log.info("deleted %d tenants idle for %d s", len(idle), self.services.settings.tenant_idle)
        return len(idle)

    def keep_within_budget(self) -> int:
        """Drop least recently used worlds while the process is over budget; how many went."""
        budget, worlds = self.services.settings.max_memory, self.services.worlds
        resident = resident_bytes()
        if resident is None or resident <= budget:
            return 0
        evicted = 0
        while resident is not None and resident > budget * LOW_WATER and len(worlds):
            evicted += worlds.evict_oldest(max(1, len(worlds) // 4))
            release_freed_memory()
            resident = resident_bytes()
        if evicted:
            log.warning("over the memory budget: dropped %d worlds, %s bytes resident now", evicted, resident)
        return evicted


@contextlib.asynccontextmanager
async def running(services: Services):
    """Housekeeping in the background for as long as the app is served (its lifespan)."""
    task = asyncio.create_task(Housekeeping(services).run_forever())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
