"""The sandbox clock: every time rule reads it, tests move or freeze it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sandbox.runtime import keys


def parse_instant(text: str) -> datetime:
    """An ISO 8601 instant; a value without offset is taken as UTC."""
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=UTC)


EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2999, 12, 31, tzinfo=UTC)


class ClockRangeError(ValueError):
    """An instant outside the years every time rule can compute with."""


def within_range(instant: datetime) -> datetime:
    if not EARLIEST <= instant <= LATEST:
        raise ClockRangeError(f"the clock runs from {EARLIEST.date()} to {LATEST.date()}")
    return instant.astimezone(UTC)


class Clock:
    """Real time shifted by an offset, or frozen at one instant."""

    def __init__(self, now: datetime | None = None, frozen: bool = False) -> None:
        self._offset = timedelta(0)
        self._frozen_at: datetime | None = None
        if now is not None:
            self.set(now, frozen=frozen)
        elif frozen:
            self._frozen_at = datetime.now(UTC)

    @property
    def frozen(self) -> bool:
        return self._frozen_at is not None

    def now(self) -> datetime:
        if self._frozen_at is not None:
            return self._frozen_at
        return datetime.now(UTC) + self._offset

    def set(self, now: datetime, frozen: bool | None = None) -> None:
        now = within_range(now)
        freeze = self.frozen if frozen is None else frozen
        if freeze:
            self._frozen_at = now
            self._offset = timedelta(0)
        else:
            self._frozen_at = None
            self._offset = now - datetime.now(UTC)

    def advance(self, delta: timedelta) -> None:
        try:
            moved = self.now() + delta
        except OverflowError as exc:
            raise ClockRangeError(f"the clock runs from {EARLIEST.date()} to {LATEST.date()}") from exc
        self.set(moved)

    def reset(self) -> None:
        self._offset = timedelta(0)
        self._frozen_at = None

    def state(self) -> dict:
        """What the store keeps: an offset from real time, or the instant it stands still at."""
        frozen_at = self._frozen_at.isoformat() if self._frozen_at else None
        return {"offset": self._offset.total_seconds(), "frozen_at": frozen_at}

    @classmethod
    def from_state(cls, state: dict) -> Clock:
        clock = cls()
        clock._offset = timedelta(seconds=state.get("offset", 0))
        if state.get("frozen_at"):
            clock._frozen_at = parse_instant(state["frozen_at"])
        return clock


class Clocks:
    """Each tenant's clock, kept in the store so every replica reads the same time. A tenant that
    never set its own follows the sandbox's default clock."""

    def __init__(self, store) -> None:
        self.store = store

    async def get(self, tenant: str | None) -> Clock:
        state = None
        if tenant is not None:
            state = await self.store.cache.get(keys.clock(tenant))
        if state is None:
            state = await self.store.cache.get(keys.DEFAULT_CLOCK)
        return Clock.from_state(state) if state else Clock()

    async def save(self, tenant: str | None, clock: Clock) -> None:
        await self.store.set(keys.clock(tenant) if tenant else keys.DEFAULT_CLOCK, clock.state())
        await self.store.cache.changed()

    async def reset(self, tenant: str | None) -> None:
        await self.store.delete(keys.clock(tenant) if tenant else keys.DEFAULT_CLOCK)
        await self.store.cache.changed()
