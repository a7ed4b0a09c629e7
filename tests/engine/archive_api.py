"""A second test API that shares the ledger's host under a base path of its own."""

from sandbox.runtime.package import ApiPackage

package = ApiPackage()


@package.handler("whereAmI")
def where_am_i(ctx):
    return {"api": ctx.api.name, "baseUrl": ctx.base_url}
