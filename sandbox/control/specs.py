"""The specs the sandbox serves: the list of APIs, and each spec as YAML or JSON."""

from __future__ import annotations

from sandbox.control import package
from sandbox.errors import ApiError
from sandbox.runtime.api import describe_apis
from sandbox.runtime.context import Reply, RequestContext


@package.handler("listSpecs")
def list_specs(ctx: RequestContext) -> dict:
    return describe_apis(ctx.services.apis)


@package.handler("getSpec")
def get_spec(ctx: RequestContext) -> Reply:
    name = ctx.params["api"]
    api = ctx.services.api(name)
    if api is None:
        raise ApiError(404, detail=f"No API named {name!r}")
    if ctx.media_type == "application/json":
        return Reply(api.doc.raw)
    import yaml  # only this answer writes YAML: not imported at start-up

    return Reply(
        yaml.safe_dump(api.doc.raw, sort_keys=False, allow_unicode=True), media_type="application/yaml"
    )
