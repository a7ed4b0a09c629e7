"""The tenant state overlay: what a tenant's clients created or changed over an API's generated
world (pushed enrolments, payments, logins), and the one way an API keeps it.

Keys are `keys.overlay(tenant, family, *parts)`, so a family's APIs share their records, deleting
a tenant deletes them, and no handler builds a store key by hand.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sandbox.runtime import keys
from sandbox.runtime.store import Store

T = TypeVar("T")


class TenantState:
    __slots__ = ("namespace", "store", "tenant")

    def __init__(self, store: Store, tenant: str, namespace: str) -> None:
        self.store, self.tenant, self.namespace = store, tenant, namespace

    def key(self, *parts: str) -> str:
        return keys.overlay(self.tenant, self.namespace, *parts)

    async def get(self, *parts: str, default: Any = None) -> Any:
        found = await self.store.get(self.key(*parts))
        return default if found is None else found

    async def put(self, *parts: str, value: Any, ttl: float | None = None) -> None:
        await self.store.set(self.key(*parts), value, ttl=ttl)

    async def add(self, *parts: str, value: Any, ttl: float | None = None) -> bool:
        """Store `value` only if nothing is there yet (atomic in every store): True if this call did."""
        return await self.store.add(self.key(*parts), value, ttl=ttl)

    async def update(self, *parts: str, change: Callable[[Any | None], Any], ttl: float | None = None) -> Any:
        """Read-modify-write of one record, atomic in every store (see `Store.update`): returns
        what `change` made of it, and loses no concurrent writer's change."""
        return await self.store.update(self.key(*parts), change, ttl=ttl)

    async def delete(self, *parts: str) -> None:
        await self.store.delete(self.key(*parts))

    async def list(self, *parts: str) -> list[Any]:
        """Every record one level or more below `parts`, in key order."""
        found = []
        for key in await self.store.keys(self.key(*parts, "")):
            record = await self.store.get(key)
            if record is not None:
                found.append(record)
        return found


# -- paging -----------------------------------------------------------------------------------------
class BadCursor(ValueError):
    """A cursor this sandbox did not hand out."""


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None  # None on the last page
    total: int


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _, offset = text.partition(":")
        if kind != "o" or not offset.isdigit():
            raise ValueError(text)
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise BadCursor(f"{cursor!r} is not a cursor this sandbox handed out") from exc
    return int(offset)


def page(items: Sequence[T], cursor: str | None, size: int) -> Page[T]:
    """One page of `items` from the opaque `cursor` (None: the first page)."""
    start = decode_cursor(cursor) if cursor else 0
    end = start + size
    following = encode_cursor(end) if end < len(items) else None
    return Page(list(items[start:end]), following, len(items))
