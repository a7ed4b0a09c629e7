"""How lists go out: one page of `per_page` records, with an RFC 8288 `Link` header to the first,
previous, next and last pages (Moneybird's paging)."""

from __future__ import annotations

from collections.abc import Sequence

from sandbox.runtime.context import Reply, RequestContext


def page_link(ctx: RequestContext, page: int) -> str:
    return str(ctx.request.url.include_query_params(page=page))


def paged(ctx: RequestContext, records: Sequence[dict]) -> Reply:
    page, per_page = ctx.params.get("page", 1), ctx.params.get("per_page", 25)
    last = max(1, -(-len(records) // per_page))
    start = (page - 1) * per_page
    links = {"first": 1, "last": last}
    if page > 1:
        links["prev"] = min(page - 1, last)
    if page < last:
        links["next"] = page + 1
    header = ", ".join(f'<{page_link(ctx, n)}>; rel="{rel}"' for rel, n in links.items())
    return Reply(list(records[start : start + per_page]), headers={"Link": header})
