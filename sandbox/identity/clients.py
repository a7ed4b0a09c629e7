"""Client authentication at the token and revocation endpoints (RFC 6749 §2.3.1): HTTP Basic or
`client_id` + `client_secret` in the form, never both."""

from __future__ import annotations

import base64
import binascii
import hmac
from urllib.parse import unquote_plus

from sandbox.errors import ApiError
from sandbox.identity.errors import INVALID_CLIENT, invalid_request, oauth_error
from sandbox.runtime.context import RequestContext
from sandbox.runtime.tenants import OAuthClient

# RFC 7235: a 401 names the scheme the client may use.
CHALLENGE = {"WWW-Authenticate": 'Basic realm="sandbox"'}


def _invalid_client(description: str) -> ApiError:
    return oauth_error(401, INVALID_CLIENT, description, CHALLENGE)


def _basic_credentials(header: str) -> tuple[str, str]:
    """Basic credentials, each half form-decoded as RFC 6749 §2.3.1 asks."""
    try:
        decoded = base64.b64decode(header, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise _invalid_client("The Basic credentials are not base64 of client_id:client_secret") from exc
    client_id, colon, secret = decoded.partition(":")
    if not colon:
        raise _invalid_client("The Basic credentials are not client_id:client_secret")
    return unquote_plus(client_id), unquote_plus(secret)


async def authenticate_client(ctx: RequestContext) -> OAuthClient:
    form: dict[str, str] = ctx.body
    scheme, _, encoded = ctx.request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "basic":
        if "client_secret" in form:
            raise invalid_request("Authenticate the client once: HTTP Basic or client_secret, not both")
        client_id, secret = _basic_credentials(encoded.strip())
        if form.get("client_id", client_id) != client_id:
            raise invalid_request("client_id in the form differs from the one in the Basic credentials")
    else:
        client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        if not client_id or not secret:
            raise _invalid_client(
                "No client authentication: send HTTP Basic credentials, or client_id and client_secret"
            )
    client = await ctx.services.tenants.client(client_id)
    # A client whose tenant is gone (a deletion that stopped half-way) authenticates as nobody.
    if client is None or await ctx.services.tenants.get(client.tenant) is None:
        raise _invalid_client(f"No client {client_id!r}")
    ctx.attribute(client.tenant)  # its tenant's journal shows the client's token requests, failed ones too
    if not hmac.compare_digest(client.client_secret.encode(), secret.encode()):
        raise _invalid_client(f"The secret of client {client_id!r} is wrong")
    return client
