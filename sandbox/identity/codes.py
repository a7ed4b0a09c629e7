"""Authorization requests and codes (RFC 6749 §4.1) with PKCE (RFC 7636).

A code lives 60 seconds, is used once, and is bound to the client, the redirect URI, the scopes and
the code challenge. A code presented twice revokes what it bought the first time (§4.1.2).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from sandbox.identity.errors import (
    INVALID_REQUEST,
    INVALID_SCOPE,
    UNSUPPORTED_RESPONSE_TYPE,
    invalid_grant,
    invalid_request,
)
from sandbox.runtime import keys
from sandbox.runtime.store import Store
from sandbox.runtime.tenants import OAuthClient, Tenants
from sandbox.runtime.tokens import REFRESH_LIFETIME, TokenService

CODE_LIFETIME = 60  # seconds
CONSENT_LIFETIME = 600  # seconds a consent page may stay open before its decision is posted
CHALLENGE_METHODS = ("S256", "plain")
_PKCE_TEXT = re.compile(r"[A-Za-z0-9._~-]{43,128}")  # RFC 7636 §4.1 and §4.2


class UnsafeRedirect(Exception):
    """The client or its redirect URI is unknown: the error is shown, never sent anywhere."""

    def __init__(self, description: str) -> None:
        super().__init__(description)
        self.description = description


def parse_scope(text: str | None) -> list[str] | None:
    """The scopes a request names, in its order, without repeats; None when it names none."""
    names = list(dict.fromkeys((text or "").split()))
    return names or None


def scope_refusal(client: OAuthClient, scopes: list[str]) -> str | None:
    """Why the client may not have these scopes, or None when it may."""
    unknown = [s for s in scopes if s not in client.scopes]
    if not unknown:
        return None
    return f"Client {client.client_id!r} may not ask for: {' '.join(unknown)}"


@dataclass
class AuthorizationRequest:
    """What the client asked for at the authorization endpoint; `error` when it cannot be granted
    (the browser then goes back to the client with that error)."""

    client: OAuthClient
    redirect_uri: str
    redirect_uri_sent: bool
    state: str | None
    scopes: list[str] = field(default_factory=list)
    code_challenge: str | None = None
    code_challenge_method: str | None = None
    login_hint: str | None = None  # the end user the code is for (OpenID Connect Core §3.1.2.1)
    error: str | None = None
    error_description: str | None = None

    def fields(self) -> dict[str, str]:
        """The request as the consent form's hidden fields."""
        found = {
            "client_id": self.client.client_id,
            "redirect_uri": self.redirect_uri if self.redirect_uri_sent else None,
            "response_type": "code",
            "scope": " ".join(self.scopes) or None,
            "state": self.state,
            "code_challenge": self.code_challenge,
            "code_challenge_method": self.code_challenge_method,
            "login_hint": self.login_hint,
        }
        return {name: value for name, value in found.items() if value is not None}

    def refuse(self, error: str, description: str) -> AuthorizationRequest:
        self.error, self.error_description = error, description
        return self

    def redirect(self, **params: str) -> str:
        """The redirect URI with `params` and the state added to its query (RFC 6749 §4.1.2)."""
        if self.state is not None:
            params["state"] = self.state
        parts = urlsplit(self.redirect_uri)
        query = urlencode([*parse_qsl(parts.query, keep_blank_values=True), *params.items()])
        return urlunsplit(parts._replace(query=query))


async def read_authorization_request(tenants: Tenants, values: dict[str, str]) -> AuthorizationRequest:
    """Check the client and the redirect URI first (raising `UnsafeRedirect`), then the rest."""
    client_id = values.get("client_id", "")
    client = await tenants.client(client_id)
    if client is None:
        raise UnsafeRedirect(f"No client {client_id!r}")
    redirect_uri = values.get("redirect_uri")
    if redirect_uri is None:
        if len(client.redirect_uris) != 1:
            raise UnsafeRedirect(
                f"redirect_uri is required: client {client_id!r} has {len(client.redirect_uris)} registered"
            )
        request = AuthorizationRequest(client, client.redirect_uris[0], False, values.get("state"))
    elif redirect_uri not in client.redirect_uris:
        registered = ", ".join(client.redirect_uris) or "none"
        raise UnsafeRedirect(
            f"redirect_uri {redirect_uri!r} is not registered for client {client_id!r} "
            f"(registered, matched exactly: {registered})"
        )
    else:
        request = AuthorizationRequest(client, redirect_uri, True, values.get("state"))

    response_type = values.get("response_type")
    if response_type is None:
        return request.refuse(INVALID_REQUEST, "response_type is required; it must be code")
    if response_type != "code":
        return request.refuse(UNSUPPORTED_RESPONSE_TYPE, f"response_type {response_type!r} is not code")
    request.login_hint = values.get("login_hint") or None
    request.scopes = parse_scope(values.get("scope")) or list(client.scopes)
    refusal = scope_refusal(client, request.scopes)
    if refusal:
        return request.refuse(INVALID_SCOPE, refusal)
    challenge, method = values.get("code_challenge"), values.get("code_challenge_method")
    if challenge is None:
        if method is not None:
            return request.refuse(INVALID_REQUEST, "code_challenge_method was sent without code_challenge")
        return request
    if not _PKCE_TEXT.fullmatch(challenge):
        return request.refuse(INVALID_REQUEST, "code_challenge must be 43 to 128 of A-Z a-z 0-9 - . _ ~")
    method = method or "plain"  # RFC 7636 §4.3
    if method not in CHALLENGE_METHODS:
        return request.refuse(INVALID_REQUEST, f"code_challenge_method {method!r} is not S256 or plain")
    request.code_challenge, request.code_challenge_method = challenge, method
    return request


def _request_key(request: AuthorizationRequest) -> str:
    """The authorization request by what the consent form posts back, PKCE fields left out: those
    the server keeps, so a form posted without them cannot drop them."""
    shown = {k: v for k, v in request.fields().items() if not k.startswith("code_challenge")}
    digest = hashlib.sha256(urlencode(sorted(shown.items())).encode()).hexdigest()
    return keys.authorization_request(request.client.tenant, digest)


async def remember_request(store: Store, request: AuthorizationRequest) -> None:
    """Keep the request's PKCE challenge on the server while its consent page is open."""
    pkce = {"code_challenge": request.code_challenge, "code_challenge_method": request.code_challenge_method}
    await store.set(_request_key(request), pkce, ttl=CONSENT_LIFETIME)


async def recall_request(store: Store, request: AuthorizationRequest) -> bool:
    """Bind a posted consent decision to the request its page was shown for: the PKCE challenge
    comes from the server, whatever the form says; False when no page was shown for it."""
    pkce = await store.take(_request_key(request))
    if pkce is None:
        return False
    request.code_challenge = pkce["code_challenge"]
    request.code_challenge_method = pkce["code_challenge_method"]
    return True


async def issue_code(tokens: TokenService, request: AuthorizationRequest) -> str:
    client = request.client
    now = (await tokens.clocks.get(client.tenant)).now().timestamp()
    code = secrets.token_urlsafe(32)
    record = {
        "client_id": client.client_id,
        "redirect_uri": request.redirect_uri,
        "redirect_uri_sent": request.redirect_uri_sent,
        "scopes": request.scopes,
        "code_challenge": request.code_challenge,
        "code_challenge_method": request.code_challenge_method,
        "subject": request.login_hint,
        "expires": now + CODE_LIFETIME,
    }
    await tokens.store.set(keys.authorization_code(client.tenant, code), record, ttl=CODE_LIFETIME)
    return code


def pkce_matches(verifier: str, challenge: str, method: str) -> bool:
    if method == "S256":
        digest = hashlib.sha256(verifier.encode("ascii")).digest()
        verifier = base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
    return hmac.compare_digest(verifier, challenge)


async def exchange_code(tokens: TokenService, client: OAuthClient, form: dict[str, str], issuer: str) -> dict:
    """The token response for an authorization code: checked, spent, and remembered as spent."""
    code = form.get("code")
    if not code:
        raise invalid_request("code is required for grant_type authorization_code")
    store = tokens.store
    record = await store.take(keys.authorization_code(client.tenant, code))
    if record is None:
        redeemed = await store.get(keys.redeemed_code(client.tenant, code))
        if redeemed is not None and redeemed["client_id"] == client.client_id:
            await store.delete(keys.redeemed_code(client.tenant, code))
            for token in redeemed["tokens"]:
                await tokens.revoke(token, client)
            raise invalid_grant(
                "The authorization code was already used; the tokens issued for it are now revoked"
            )
        raise invalid_grant(f"The authorization code is unknown or expired (codes live {CODE_LIFETIME} s)")
    if record["client_id"] != client.client_id:
        raise invalid_grant("The authorization code was issued to another client")
    if (await tokens.clocks.get(client.tenant)).now().timestamp() >= record["expires"]:
        raise invalid_grant(f"The authorization code has expired (codes live {CODE_LIFETIME} s)")
    redirect_uri = form.get("redirect_uri")
    if (record["redirect_uri_sent"] or redirect_uri is not None) and redirect_uri != record["redirect_uri"]:
        raise invalid_grant("redirect_uri must be the one of the authorization request, exactly")
    verifier, challenge = form.get("code_verifier"), record["code_challenge"]
    if challenge is None and verifier is not None:
        raise invalid_grant("code_verifier was sent, but the authorization request had no code_challenge")
    if challenge is not None:
        if verifier is None:
            raise invalid_grant("code_verifier is required: the authorization request had a code_challenge")
        if not pkce_matches(verifier, challenge, record["code_challenge_method"]):
            method = record["code_challenge_method"]
            raise invalid_grant(f"code_verifier does not match the code_challenge ({method})")
    body = await tokens.issue(
        client, record["scopes"], refresh=True, issuer=issuer, subject=record.get("subject")
    )
    spent = {"client_id": client.client_id, "tokens": [body["access_token"], body["refresh_token"]]}
    await store.set(keys.redeemed_code(client.tenant, code), spent, ttl=REFRESH_LIFETIME)
    return body
