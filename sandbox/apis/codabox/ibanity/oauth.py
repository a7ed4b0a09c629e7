"""A product's own token endpoint (`/<product>/oauth2/token`): OAuth2 client credentials with HTTP
Basic `client_id:client_secret`, as Ibanity's SDKs and collections call it (`scope=offline_access`
for CodaBox Connect). The sandbox's authorization server issues the token, so every Ibanity product
and the engine's bearer scheme verify it alike; refusals keep OAuth2's own body."""

from __future__ import annotations

from starlette.responses import Response

from sandbox.errors import ApiError
from sandbox.identity import endpoints
from sandbox.identity.errors import UNSUPPORTED_GRANT_TYPE, invalid_request, oauth_error, render_error
from sandbox.runtime.context import Reply, RequestContext

GRANT_TYPE = "client_credentials"


async def client_credentials_token(ctx: RequestContext) -> Reply | Response:
    """The token answer (`access_token`, `token_type`, `expires_in`, `scope`), or an RFC 6749 error."""
    form = ctx.body if isinstance(ctx.body, dict) else {}
    try:
        if not form.get("grant_type"):
            raise invalid_request("grant_type is required: send grant_type=client_credentials")
        if form["grant_type"] != GRANT_TYPE:
            refusal = f"grant_type {form['grant_type']!r}: this endpoint gives client_credentials tokens only"
            raise oauth_error(400, UNSUPPORTED_GRANT_TYPE, refusal)
        return await endpoints.token(ctx)
    except ApiError as exc:
        return render_error(exc.problem)
