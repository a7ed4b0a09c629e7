"""What every handler of the API needs: the administration named in the path."""

from __future__ import annotations

from sandbox.apis.accounting.errors import not_found
from sandbox.apis.accounting.world import AccountingWorld, Administration
from sandbox.runtime.context import RequestContext


def administration(ctx: RequestContext) -> Administration:
    world: AccountingWorld = ctx.world
    found = world.administrations.get(ctx.params["administration_id"])
    if found is None:
        raise not_found("administration", ctx.params["administration_id"])
    return found


async def created(ctx: RequestContext, admin: Administration, kind: str) -> list[dict]:
    """The records of `kind` the tenant's clients added to the administration, oldest first."""
    return await ctx.state.list(admin.id, kind)


async def next_number(ctx: RequestContext, *parts: str, after: int) -> int:
    """The next number of a sequence (ids, invoice numbers) that continues the world's `after`,
    counted atomically in the store so that two replicas never hand out the same one."""
    return after + await ctx.store.incr(ctx.state.key(*parts, "sequence"))
