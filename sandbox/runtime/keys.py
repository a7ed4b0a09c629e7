"""Every store key, built in one place.

Shared records (tenants, credentials, clients, the signing key, the default clock) have their own
prefixes; everything a tenant did lives under `state_prefix(tenant)`, so deleting a tenant deletes
all of it with one prefix, and resetting it deletes all of it but what `reset_keeps` names.
"""

from __future__ import annotations

SIGNING_KEY = "oauth:signing-key"
DEFAULT_CLOCK = "clock:default"
# bumped by every change to a record that processes cache (see runtime/cache.py)
GENERATION = "generation"


# -- shared records -------------------------------------------------------------------------------
def tenant(tenant_id: str) -> str:
    return f"tenant:{tenant_id}"


TENANTS = tenant("")


def tenant_active(tenant_id: str) -> str:
    """Present while the tenant was used recently (it expires after the idle time)."""
    return f"tenant-active:{tenant_id}"


def credential(api: str, scheme: str, secret: str) -> str:
    return f"cred:{api}:{scheme}:{secret}"


def client(client_id: str) -> str:
    return f"oauth-client:{client_id}"


# -- a tenant's state -----------------------------------------------------------------------------
def state_prefix(tenant_id: str) -> str:
    """Every key of a tenant's state starts here, so deleting a tenant deletes all of it."""
    return f"t:{tenant_id}:"


def clock(tenant_id: str) -> str:
    return f"{state_prefix(tenant_id)}clock"


def journal(tenant_id: str) -> str:
    return f"{state_prefix(tenant_id)}journal"


def faults(tenant_id: str) -> str:
    return f"{state_prefix(tenant_id)}faults"


def fault_used(tenant_id: str, fault_id: str) -> str:
    return f"{state_prefix(tenant_id)}fault-used:{fault_id}"


def rate_limits(tenant_id: str) -> str:
    return f"{state_prefix(tenant_id)}rate-limits"


def rate_window(tenant_id: str, api: str, window: int, start: int) -> str:
    return f"{state_prefix(tenant_id)}rl:{api}:{window}:{start}"


def job(tenant_id: str, job_id: str) -> str:
    return f"{state_prefix(tenant_id)}job:{job_id}"


def refresh_token(tenant_id: str, token: str) -> str:
    return f"{state_prefix(tenant_id)}refresh:{token}"


def spent_refresh_token(tenant_id: str, token: str) -> str:
    return f"{state_prefix(tenant_id)}refresh-spent:{token}"


def revoked_refresh_family(tenant_id: str, family: str) -> str:
    return f"{state_prefix(tenant_id)}refresh-family-revoked:{family}"


def authorization_request(tenant_id: str, digest: str) -> str:
    return f"{state_prefix(tenant_id)}authorization-request:{digest}"


def revoked(tenant_id: str, jti: str) -> str:
    return f"{state_prefix(tenant_id)}revoked:{jti}"


def authorization_code(tenant_id: str, code: str) -> str:
    return f"{state_prefix(tenant_id)}code:{code}"


def redeemed_code(tenant_id: str, code: str) -> str:
    return f"{state_prefix(tenant_id)}code-redeemed:{code}"


def overlay(tenant_id: str, namespace: str, *parts: str) -> str:
    """A record an API keeps over its generated world (see `runtime.state`)."""
    return f"{state_prefix(tenant_id)}{namespace}:" + ":".join(parts)


def reset_keeps(tenant_id: str) -> str:
    """What a reset keeps of a tenant's state: revoked access tokens stay revoked."""
    return revoked(tenant_id, "")


def outbox(tenant_id: str) -> str:
    return f"{state_prefix(tenant_id)}outbox"
