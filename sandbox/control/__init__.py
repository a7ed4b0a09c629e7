"""The /__sandbox control plane (described in specs/sandbox.yaml), one module per resource:
tenants, their OAuth2 clients, clocks, rate limits, faults, the journal, contract checks, the
specs, sandbox actions, and the e-mails the APIs sent (outbox)."""

from sandbox.runtime.package import ApiPackage

package = ApiPackage()

from sandbox.control import (  # noqa: E402  (each module registers its handlers on `package`)
    actions,
    clients,
    clock,
    contracts,
    faults,
    journal,
    outbox,
    rate_limits,
    specs,
    tenants,
)

__all__ = [
    "actions",
    "clients",
    "clock",
    "contracts",
    "faults",
    "journal",
    "outbox",
    "package",
    "rate_limits",
    "specs",
    "tenants",
]
