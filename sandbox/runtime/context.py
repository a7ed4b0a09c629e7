"""What a handler receives (`RequestContext`) and what it gives back (`Reply`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

from starlette.requests import Request

from sandbox.runtime.clock import Clock
from sandbox.runtime.exchange import Exchange
from sandbox.runtime.state import TenantState

if TYPE_CHECKING:
    from sandbox.runtime.api import ApiRuntime
    from sandbox.runtime.jobs import Jobs
    from sandbox.runtime.services import Services
    from sandbox.runtime.store import Store
    from sandbox.runtime.tokens import Claims
    from sandbox.spec.operations import Operation


@dataclass(frozen=True)
class Upload:
    """A file part of a multipart body, as `ctx.body` holds it."""

    filename: str | None
    content_type: str | None
    data: bytes


@dataclass(frozen=True)
class XmlBody:
    """An XML body, as `ctx.body` holds it: the parsed root element (lxml), and the bytes as sent
    (for handlers that keep the document verbatim, or hash or sign it)."""

    root: Any  # lxml.etree._Element
    raw: bytes


@dataclass
class Reply:
    """A handler's answer. A body that is not bytes or str is sent as JSON."""

    body: Any = None
    status: int = 200
    media_type: str | None = None  # defaults to the negotiated one
    headers: dict[str, str] = field(default_factory=dict)


class TenantScope:
    """What a handler and a sandbox action both reach by name: the tenant's world of this API's
    family, its state overlay, and the services."""

    api: ApiRuntime
    services: Services
    tenant: str

    @property
    def world(self) -> Any:
        return self.services.worlds.get(self.api, self.tenant)

    @cached_property
    def state(self) -> TenantState:
        return TenantState(self.services.store, self.tenant, self.api.family)

    @property
    def store(self) -> Store:
        return self.services.store

    @property
    def jobs(self) -> Jobs:
        return self.services.jobs


@dataclass
class RequestContext(TenantScope):
    request: Request
    operation: Operation
    api: ApiRuntime
    services: Services
    tenant: str
    params: dict[str, Any]
    body: Any
    media_type: str | None
    base_url: str  # where the client reached this API, e.g. https://ws.cbso.nbb.be
    clock: Clock  # the tenant's clock, read once for this request
    exchange: Exchange = field(default_factory=Exchange)
    claims: Claims | None = None  # the access token's claims, when a bearer scheme let the request in

    def now(self) -> datetime:
        return self.clock.now()

    def note(self, **values: Any) -> None:
        """Journal `values` with this exchange, for the contract checks: what the answer meant that
        its kept body cannot show (the journal keeps only the start of a long body). Keep them small."""
        self.exchange.notes.update(values)

    def attribute(self, tenant: str) -> None:
        """Journal this exchange under `tenant`: for operations that learn the tenant themselves
        (a token request names its client in the body, not in a security scheme), and by that
        tenant's clock, which the journal reads when it records the exchange."""
        self.exchange.tenant = tenant
        self.exchange.clock = None
