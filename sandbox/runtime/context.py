"""What a handler receives (`RequestContext`) and what it gives back (`Reply`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from starlette.requests import Request

from sandbox.runtime.clock import Clock
from sandbox.runtime.exchange import Exchange

if TYPE_CHECKING:
    from sandbox.runtime.api import ApiRuntime
    from sandbox.spec.operations import Operation


@dataclass
class Reply:
    """A handler's answer. A body that is not bytes or str is sent as JSON."""

    body: Any = None
    status: int = 200
    media_type: str | None = None  # defaults to the negotiated one
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class RequestContext:
    request: Request
    operation: Operation
    api: ApiRuntime
    tenant: str
    params: dict[str, Any]
    body: Any
    media_type: str | None
    base_url: str  # where the client reached this API, e.g. https://ws.cbso.nbb.be
    clock: Clock  # the tenant's clock, read once for this request
    exchange: Exchange = field(default_factory=Exchange)

    def now(self) -> datetime:
        return self.clock.now()

    def attribute(self, tenant: str) -> None:
        """Journal this exchange under `tenant`: for operations that learn the tenant themselves
        (a token request names its client in the body, not in a security scheme), and by that
        tenant's clock, which the journal reads when it records the exchange."""
        self.exchange.tenant = tenant
        self.exchange.clock = None

    @property
    def world(self) -> Any:
        return self.api.world_for(self.tenant)
