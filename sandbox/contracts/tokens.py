"""Checks of how a client holds its credentials: access tokens reused, renewed after a 401, and
never a secret in a URL. API-agnostic: any bearer call of any API counts."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sandbox.contracts.exchanges import Entry, listing
from sandbox.contracts.registry import Context, Finding, Judgement, check, judged

IDENTITY = "identity"  # the API the sandbox's OAuth2 server is journaled under
TOKEN_OPERATIONS = frozenset({"token", "connectToken"})
REVOKE_OPERATIONS = frozenset({"revoke", "connectRevocation"})
CREDENTIAL_PARAMETER = re.compile(
    r"access[-_]?token|refresh[-_]?token|id[-_]?token|^token$|secret|password|passwd|api[-_]?key"
    r"|subscription[-_]?key|code[-_]?verifier|client[-_]?assertion|^key$",
    re.I,
)
WHEN = "%Y-%m-%d %H:%M:%S"


@dataclass
class Issued:
    """An access token the token endpoint handed out."""

    entry: Entry
    token: str  # its fingerprint, as a later Authorization header shows it
    scope: str  # its scopes, sorted
    lifetime: float  # expires_in, seconds on the sandbox clock

    @property
    def expires(self) -> datetime | None:
        return self.entry.clock + timedelta(seconds=self.lifetime) if self.entry.clock else None


def is_token_request(ctx: Context, entry: Entry) -> bool:
    """A request to the authorization server's token endpoint, or to an API's own (marked
    `x-sandbox: {token-endpoint: true}` in its spec)."""
    if entry.api == IDENTITY:
        return entry.operation_id in TOKEN_OPERATIONS
    operation = ctx.operation(entry.api, entry.operation_id)
    return operation is not None and operation.token_endpoint


def issued_token(ctx: Context, entry: Entry) -> Issued | None:
    if entry.status != 200 or not is_token_request(ctx, entry):
        return None
    body = entry.response_json
    if not isinstance(body, dict) or not isinstance(body.get("access_token"), str):
        return None
    scope = " ".join(sorted(str(body.get("scope") or "").split()))
    return Issued(entry, body["access_token"], scope, float(body.get("expires_in") or 0))


def _revoked_token(entry: Entry) -> str | None:
    if entry.api == IDENTITY and entry.operation_id in REVOKE_OPERATIONS and entry.status == 200:
        form = entry.request_body
        return form.get("token") if isinstance(form, dict) else None
    return None


def _still_valid(held: Issued, at: datetime | None, margin: float) -> bool:
    """Whether `held` was still good at `at`, more than the renewal margin before it expired."""
    if held.expires is None or at is None:
        return False
    return at < held.expires - timedelta(seconds=min(margin, held.lifetime / 2))


@check
def token_reused_until_expiry(ctx: Context) -> Judgement:
    """An access token is reused until it expires: the client asks for a new one only when the
    token it holds for the same scopes has expired on the sandbox clock (or will within
    `token_expiry_margin` seconds, at most half its lifetime), was refused with 401, or was
    revoked. Never a token per request.

    Source: design.md, "The contract-test suite" (reuses access tokens until they expire);
    apis/informat.md §2 (the token answer's expires_in).
    """
    held: dict[str, Issued] = {}
    done_with: set[str] = set()  # refused with 401 or revoked
    early: dict[str, list[tuple[Issued, Issued]]] = defaultdict(list)
    calls: Counter[str] = Counter()
    issued = 0
    for entry in ctx.entries:
        if (revoked := _revoked_token(entry)) is not None:
            done_with.add(revoked)
        if (new := issued_token(ctx, entry)) is not None:
            issued += 1
            old = held.get(new.scope)
            margin = ctx.config.token_expiry_margin
            if old and old.token not in done_with and _still_valid(old, new.entry.clock, margin):
                early[new.scope].append((old, new))
            held[new.scope] = new
        elif entry.api != IDENTITY and entry.bearer:
            calls[entry.bearer] += 1
            if entry.status == 401:
                done_with.add(entry.bearer)
    findings = []
    for scope, pairs in early.items():
        old, new = pairs[0]
        per_token = sum(calls[o.token] for o, _ in pairs) / len(pairs)  # calls each replaced token made
        habit = " (about a token per API call)" if per_token <= 1 else ""
        findings.append(
            Finding(
                f"{len(pairs)} access token(s) for scope '{scope or '(none)'}' were fetched while the one "
                f"held was still valid{habit}: e.g. #{new.entry.seq} at {new.entry.clock:{WHEN}} while the "
                f"token from #{old.entry.seq} was valid until {old.expires:{WHEN}} (sandbox clock, UTC). "
                "Keep the token and reuse it until it expires (expires_in) or the API answers 401.",
                [n.entry.exchange for _, n in pairs],
            )
        )
    return judged(issued, "access tokens fetched", findings)


@check
def token_renewed_after_401(ctx: Context) -> Judgement:
    """After a 401 on a call with a bearer token, the client gets a new token (refreshes it or
    authenticates again) before it calls again: a refused token is never sent again.

    Source: RFC 6750 §3.1 (invalid_token); design.md, "The contract-test suite" (tokens).
    """
    refused: dict[str, Entry] = {}
    resent: dict[str, list[Entry]] = defaultdict(list)
    for entry in ctx.entries:
        token = entry.bearer
        if token is None or entry.api == IDENTITY:
            continue
        if token in refused:
            resent[token].append(entry)
        elif entry.status == 401:
            refused[token] = entry
    findings = [
        Finding(
            f"the access token refused with 401 at #{refused[token].seq} was sent again "
            f"{len(again)} time(s) ({listing([f'#{e.seq}' for e in again])}): after a 401, refresh "
            "the token or authenticate again, then retry with the new token",
            [refused[token].exchange, *(e.exchange for e in again)],
        )
        for token, again in resent.items()
    ]
    return judged(len(refused), "bearer calls refused with 401", findings)


@check
def no_credentials_in_url(ctx: Context) -> Judgement:
    """No credential travels in a URL: access and refresh tokens, client secrets, passwords,
    API and subscription keys and PKCE verifiers go in a header or the request body, never in
    the query string, which servers, proxies and browsers write to their logs.

    Source: RFC 6750 §5.3 (don't pass bearer tokens in page URLs); RFC 6749 §2.3.1 (client
    credentials in the request body, not the URI); design.md, "never puts secrets in URLs".
    """
    carried: dict[str, list[Entry]] = defaultdict(list)
    for entry in ctx.entries:
        for name in dict(entry.query):
            if CREDENTIAL_PARAMETER.search(name):
                carried[name].append(entry)
    findings = [
        Finding(
            f"query parameter '{name}' carries a credential in {len(entries)} request(s): send it "
            "in a header (Authorization, the API's key header) or in the request body instead",
            [e.exchange for e in entries],
        )
        for name, entries in carried.items()
    ]
    return judged(len(ctx.entries), "requests", findings)
