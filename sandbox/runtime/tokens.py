"""Access and refresh tokens: RS256 JWTs any replica verifies with the key in the store.

Times come from the tenant's sandbox clock, so a test expires a token by moving the clock.
Refresh tokens are opaque and live under the tenant's state prefix, so deleting a tenant deletes
them; they rotate on use. A revoked access token is remembered by its `jti` until it expires.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sandbox import errors
from sandbox.errors import ApiError
from sandbox.runtime import keys
from sandbox.runtime.clock import Clocks
from sandbox.runtime.store import Store
from sandbox.runtime.tenants import DEFAULT_TOKEN_LIFETIME, OAuthClient, Tenants

if TYPE_CHECKING:
    from joserfc.jwk import RSAKey

# joserfc (and the cryptography it loads) is imported where a token is first signed or read: a
# sandbox serving only API-key or Basic clients starts without it.

ALGORITHM = "RS256"
DEFAULT_ISSUER = "sandbox"
REFRESH_LIFETIME = 30 * 24 * 3600  # seconds on the tenant clock; the store forgets them as long after
REALM = "sandbox"


class TokenError(Exception):
    """A token that cannot be used; `description` says why, in words a client developer can act on."""

    def __init__(self, description: str) -> None:
        super().__init__(description)
        self.description = description


class ScopeNotGranted(TokenError):
    """A refresh request for scopes beyond the original grant."""


@dataclass
class Claims:
    tenant: str
    client_id: str
    scopes: list[str]
    expires: datetime
    jti: str
    subject: str = ""  # the end user a code grant was given for; the client id otherwise


class TokenService:
    def __init__(self, store: Store, tenants: Tenants, clocks: Clocks) -> None:
        self.store = store
        self.tenants = tenants
        self.clocks = clocks
        self._signing_key: RSAKey | None = None

    # -- the key pair --------------------------------------------------------------------
    async def signing_key(self) -> RSAKey:
        """One key pair for every replica sharing the store: whoever adds it first wins."""
        if self._signing_key is None:
            from joserfc.jwk import RSAKey

            raw = await self.store.get(keys.SIGNING_KEY)
            if raw is None:
                parameters = {"use": "sig", "alg": ALGORITHM}
                candidate = RSAKey.generate_key(2048, parameters=parameters, auto_kid=True)
                await self.store.add(keys.SIGNING_KEY, candidate.as_dict(private=True))
                raw = await self.store.get(keys.SIGNING_KEY)
            self._signing_key = RSAKey.import_key(raw)
        return self._signing_key

    async def jwks(self) -> dict:
        key = await self.signing_key()
        return {"keys": [key.as_dict(private=False)]}

    # -- issuing -------------------------------------------------------------------------
    async def issue(
        self,
        client: OAuthClient,
        scopes: list[str],
        *,
        refresh: bool,
        issuer: str = DEFAULT_ISSUER,
        granted: list[str] | None = None,
        family: str | None = None,
        subject: str | None = None,
    ) -> dict:
        """An RFC 6749 §5.1 token response for `client`, with a refresh token when asked; the
        refresh token keeps the `granted` scopes (default: `scopes`). Tokens that come from one
        grant, through every rotation of its refresh token, share a `family`, revoked together."""
        tenant = await self.tenants.get(client.tenant)
        lifetime = tenant.token_lifetime if tenant else DEFAULT_TOKEN_LIFETIME
        issued = int((await self.clocks.get(client.tenant)).now().timestamp())
        jti = uuid.uuid4().hex
        scope = " ".join(scopes)
        claims = {
            "iss": issuer,
            "sub": subject or client.client_id,
            "client_id": client.client_id,
            "tid": client.tenant,
            "scope": scope,
            "iat": issued,
            "exp": issued + lifetime,
            "jti": jti,
        }
        if refresh:
            family = family or uuid.uuid4().hex
            claims["fam"] = family
        from joserfc import jwt

        key = await self.signing_key()
        header = {"alg": ALGORITHM, "kid": key.kid, "typ": "at+jwt"}
        body = {
            "access_token": jwt.encode(header, claims, key, algorithms=[ALGORITHM]),
            "token_type": "Bearer",
            "expires_in": lifetime,
            "scope": scope,
        }
        if refresh:
            token = secrets.token_urlsafe(32)
            record = {
                "client_id": client.client_id,
                "scopes": scopes if granted is None else granted,
                "expires": issued + REFRESH_LIFETIME,
                "access_jti": jti,
                "access_exp": issued + lifetime,
                "family": family,
                "subject": subject,
            }
            await self.store.set(keys.refresh_token(client.tenant, token), record, ttl=REFRESH_LIFETIME)
            body["refresh_token"] = token
        return body

    async def refresh(
        self, client: OAuthClient, token: str, scopes: list[str] | None, *, issuer: str = DEFAULT_ISSUER
    ) -> dict:
        """Trade a refresh token for new tokens; the old refresh token is spent (rotation).
        `scopes` may narrow the access token, never widen the grant (RFC 6749 §6)."""
        key = keys.refresh_token(client.tenant, token)
        record = await self.store.get(key)
        if record is None:
            await self._detect_reuse(client, token)
        if record is None or record["client_id"] != client.client_id:
            raise TokenError("The refresh token is unknown, already used or revoked")
        if await self._family_revoked(client.tenant, record.get("family")):
            raise TokenError("The refresh token was revoked with its grant")
        now = (await self.clocks.get(client.tenant)).now().timestamp()
        if now >= record["expires"]:
            await self.store.delete(key)
            raise TokenError("The refresh token has expired; authorize again")
        granted = record["scopes"]
        if scopes is not None and not set(scopes) <= set(granted):
            extra = " ".join(s for s in scopes if s not in granted)
            raise ScopeNotGranted(f"The refresh token was not granted: {extra}")
        if await self.store.take(key) is None:  # spent by a concurrent request since we read it
            await self._detect_reuse(client, token)
            raise TokenError("The refresh token is unknown, already used or revoked")
        family = record.get("family")
        spent = {"client_id": client.client_id, "family": family}
        await self.store.set(keys.spent_refresh_token(client.tenant, token), spent, ttl=REFRESH_LIFETIME)
        scopes = granted if scopes is None else scopes
        return await self.issue(
            client,
            scopes,
            refresh=True,
            issuer=issuer,
            granted=granted,
            family=family,
            subject=record.get("subject"),
        )

    async def _detect_reuse(self, client: OAuthClient, token: str) -> None:
        """A rotated refresh token presented again means it leaked: revoke its whole family (OAuth
        2.0 Security BCP §4.14.2), the newer refresh tokens and their access tokens with it."""
        spent = await self.store.get(keys.spent_refresh_token(client.tenant, token))
        if spent is None or spent["client_id"] != client.client_id or not spent["family"]:
            return
        revoked = keys.revoked_refresh_family(client.tenant, spent["family"])
        await self.store.set(revoked, True, ttl=REFRESH_LIFETIME)
        raise TokenError("The refresh token was already used; every token of its grant is now revoked")

    async def _family_revoked(self, tenant: str, family: str | None) -> bool:
        return bool(family) and await self.store.get(keys.revoked_refresh_family(tenant, family)) is not None

    # -- verifying and revoking ----------------------------------------------------------
    async def _decode(self, token: str) -> dict:
        """The claims of a token this sandbox signed, whether or not it has expired."""
        from joserfc import jwt
        from joserfc.errors import JoseError

        try:
            claims = jwt.decode(token, await self.signing_key(), algorithms=[ALGORITHM]).claims
        except (JoseError, ValueError) as exc:
            raise TokenError("The access token is malformed or not signed by this sandbox") from exc
        needed = ("tid", "client_id", "scope", "exp", "jti")
        if any(name not in claims for name in needed):
            raise TokenError("The access token lacks claims this sandbox puts in its tokens")
        return claims

    async def verify(self, token: str) -> Claims:
        claims = await self._decode(token)
        tenant = claims["tid"]
        expires = datetime.fromtimestamp(claims["exp"], UTC)
        now = (await self.clocks.get(tenant)).now()
        if now >= expires:
            raise TokenError(f"The access token expired at {expires.isoformat()} (sandbox clock)")
        if await self.store.get(keys.revoked(tenant, claims["jti"])) is not None:
            raise TokenError("The access token has been revoked")
        if await self._family_revoked(tenant, claims.get("fam")):
            raise TokenError("The access token has been revoked with its grant")
        client = await self.tenants.client(claims["client_id"])
        if client is None or client.tenant != tenant:
            raise TokenError("The client of this access token no longer exists")
        scopes = claims["scope"].split()
        subject = claims.get("sub") or claims["client_id"]
        return Claims(tenant, claims["client_id"], scopes, expires, claims["jti"], subject)

    async def claimed_tenant(self, token: str) -> str | None:
        """The tenant a token this sandbox signed names, even when it has expired or was revoked;
        None for anything else."""
        try:
            claims = await self._decode(token)
        except TokenError:
            return None
        client = await self.tenants.client(claims["client_id"])
        return claims["tid"] if client is not None and client.tenant == claims["tid"] else None

    async def revoke(self, token: str, client: OAuthClient) -> None:
        """Revoke an access or refresh token of `client` (RFC 7009); anything else is ignored.
        Revoking a refresh token revokes the access token issued with it."""
        record = await self.store.get(keys.refresh_token(client.tenant, token))
        if record is not None:
            if record["client_id"] == client.client_id:
                await self.store.delete(keys.refresh_token(client.tenant, token))
                await self._revoke_access(client.tenant, record["access_jti"], record["access_exp"])
            return
        try:
            claims = await self._decode(token)
        except TokenError:
            return
        if claims["client_id"] == client.client_id and claims["tid"] == client.tenant:
            await self._revoke_access(client.tenant, claims["jti"], claims["exp"])

    async def _revoke_access(self, tenant: str, jti: str, expires: int) -> None:
        clock = await self.clocks.get(tenant)
        # The store's ttl runs in real time; a frozen clock says nothing about when exp comes.
        ttl = None if clock.frozen else max(expires - clock.now().timestamp(), 1)
        await self.store.set(keys.revoked(tenant, jti), True, ttl=ttl)


def challenge(error: str | None = None, description: str | None = None, scope: str | None = None) -> str:
    parts = [f'realm="{REALM}"']
    if error:
        parts.append(f'error="{error}"')
    if description:
        quoted = description.replace('"', "'")  # a quoted-string cannot hold a bare double quote
        parts.append(f'error_description="{quoted}"')
    if scope:
        parts.append(f'scope="{scope}"')
    return "Bearer " + ", ".join(parts)


def require_scopes(claims: Claims, required_scopes: list[str]) -> None:
    """403 `insufficient_scope` (RFC 6750 §3.1) unless the token carries every one of the scopes."""
    missing = [scope for scope in required_scopes if scope not in claims.scopes]
    if missing:
        needed = " ".join(required_scopes)
        detail = f"The access token lacks the scope(s) {', '.join(missing)}; this operation needs: {needed}"
        raise ApiError(
            403,
            errors.FORBIDDEN,
            detail,
            headers={"WWW-Authenticate": challenge("insufficient_scope", detail, needed)},
        )
