"""The contract checks of what a tenant's clients did, judged from its journal."""

from __future__ import annotations

from sandbox.control import package
from sandbox.control.tenants import known_tenant
from sandbox.errors import ApiError, Violation
from sandbox.runtime.context import RequestContext


@package.handler("verifyContracts")
async def verify_contracts(ctx: RequestContext) -> dict:
    # the registry imports every API's checks: paid by the first report, not by every start
    from sandbox import contracts

    tenant = await known_tenant(ctx)
    services = ctx.services
    entries = await services.journal.read(tenant.id, limit=services.journal.size)
    operations = [op for api in services.apis for op in api.operations]
    try:
        report = contracts.verify(
            entries, tenant=tenant.id, checks=ctx.params.get("check"), operations=operations
        )
    except contracts.UnknownCheck as exc:
        raise ApiError(400, detail=str(exc), violations=[Violation("check", "enum", str(exc))]) from exc
    return report.to_json()
