"""JSON:API documents as Ibanity writes them: resources with `type`, `id`, `attributes`,
`relationships`, `links` and `meta`, and cursor paging (`meta.paging` with `limit`, `before` and
`after`; `links.first`, `links.prev`, `links.next`).

A cursor is the id of a resource: `after` asks for the resources that follow it, as Ibanity's SDKs
send the id of the last resource of the previous page.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar
from urllib.parse import urlencode

from sandbox.apis.codabox.ibanity.errors import VALIDATION_ERROR, refuse

T = TypeVar("T")
DEFAULT_LIMIT = 10
MAX_LIMIT = 100


def instant(moment: datetime) -> str:
    """An instant as Ibanity writes it: UTC with milliseconds, `2021-01-01T00:00:00.000Z`."""
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def identifier(kind: str, resource_id: str) -> dict[str, str]:
    """A resource identifier object, as relationships list them."""
    return {"type": kind, "id": resource_id}


def resource(
    kind: str,
    resource_id: str,
    attributes: dict[str, Any],
    *,
    relationships: dict[str, Any] | None = None,
    links: dict[str, str] | None = None,
    meta: dict[str, Any] | None = None,
) -> dict[str, Any]:
    # meta and links before relationships, which can list a thousand ids: the journal keeps the head
    # of a body, and the contract checks read the paging there
    found: dict[str, Any] = {"type": kind, "id": resource_id, "attributes": attributes}
    if meta:
        found["meta"] = meta
    if links:
        found["links"] = links
    if relationships:
        found["relationships"] = relationships
    return found


def document(data: Any, *, links: dict[str, str] | None = None, meta: dict[str, Any] | None = None) -> dict:
    """A top-level document holding one resource or a list of them."""
    found: dict[str, Any] = {"data": data}
    if links:
        found["links"] = links
    if meta:
        found["meta"] = meta
    return found


@dataclass(frozen=True)
class CursorPage(Generic[T]):
    items: list[T]
    limit: int
    before: str | None  # the cursor of the page before (the id of this page's first item), if any
    after: str | None  # the cursor of the page after (the id of this page's last item), if more follow


def cursor_page(
    items: Sequence[T],
    key: Callable[[T], str],
    limit: int,
    after: str | None = None,
    before: str | None = None,
) -> CursorPage[T]:
    """The page of at most `limit` items that follows `after` (or precedes `before`); a cursor that
    names no item is a validationError of that paging attribute."""
    ids = [key(item) for item in items]
    if after is not None and before is not None:
        raise refuse(VALIDATION_ERROR, "Give at most one of the cursors `before` and `after`", "after")
    if after is not None:
        if after not in ids:
            raise refuse(VALIDATION_ERROR, f"{after} is not a cursor of these results", "after")
        start = ids.index(after) + 1
    elif before is not None:
        if before not in ids:
            raise refuse(VALIDATION_ERROR, f"{before} is not a cursor of these results", "before")
        start = max(ids.index(before) - limit, 0)
    else:
        start = 0
    picked = list(items[start : start + limit])
    more = start + limit < len(items)
    return CursorPage(
        picked,
        limit,
        before=key(picked[0]) if picked and start > 0 else None,
        after=key(picked[-1]) if picked and more else None,
    )


def paging_meta(page: CursorPage) -> dict[str, Any]:
    paging: dict[str, Any] = {"limit": page.limit}
    if page.before:
        paging["before"] = page.before
    if page.after:
        paging["after"] = page.after
    return {"paging": paging}


def paging_links(url: str, page: CursorPage) -> dict[str, str]:
    """`first`, and `prev`/`next` where there is such a page, for a collection read with
    `page[limit]`, `page[before]` and `page[after]` query parameters."""

    def at(**cursor: str) -> str:
        query = {f"page[{name}]": value for name, value in cursor.items()}
        return f"{url}?{urlencode({**query, 'page[limit]': page.limit})}"

    links = {"first": at()}
    if page.before:
        links["prev"] = at(before=page.before)
    if page.after:
        links["next"] = at(after=page.after)
    return links
