"""Drive a sandbox from tests, over HTTP: fresh tenants with their credentials, their clocks,
faults and rate limits, their journal, and the contract checks of what their client did.

The pytest plugin (`sandbox.pytest_plugin`) hands these out as fixtures; any other test runner
can use them directly:

    with running_sandbox() as url:
        sandbox = SandboxClient(url)
        tenant = sandbox.new_tenant(name="ci-42")
        ...  # point the client under test at tenant.api_url("nbb-cbso") with tenant.nbb_key("authentic")
        tenant.verify()  # raises AssertionError listing every broken rule
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx

from sandbox.contracts import Config, Report, verify
from sandbox.spec.loader import SpecDocument
from sandbox.spec.operations import Operation, compile_operations

JOURNAL_PAGE = 10_000  # the most entries the control plane returns per read


class SandboxError(Exception):
    """The sandbox could not be reached, or its control plane refused a call; says which and why."""


class SandboxClient:
    """The control plane (`/__sandbox`) of a sandbox running at `url`."""

    def __init__(self, url: str, admin_token: str | None = None, *, timeout: float = 30) -> None:
        self.url = url.rstrip("/")
        headers = {"Authorization": f"Bearer {admin_token}"} if admin_token else {}
        self.http = httpx.Client(base_url=self.url + "/__sandbox", headers=headers, timeout=timeout)
        self._apis: list[dict] | None = None
        self._operations: list[Operation] | None = None

    def close(self) -> None:
        self.http.close()

    def call(self, method: str, path: str, **options: Any) -> Any:
        """One control-plane call; its JSON answer, or None for an empty one."""
        try:
            response = self.http.request(method, path, **options)
        except httpx.HTTPError as exc:
            raise SandboxError(f"cannot reach the sandbox at {self.url}: {exc}") from exc
        if response.status_code == 401:
            raise SandboxError(
                f"the control plane at {self.url} asks for the admin token: pass it with --admin-token "
                "or SANDBOX_ADMIN_TOKEN (it is printed when the sandbox starts)"
            )
        if response.status_code >= 400:
            try:
                detail = response.json().get("detail") or response.text
            except ValueError:
                detail = response.text
            raise SandboxError(f"{method} /__sandbox{path} answered {response.status_code}: {detail}")
        return response.json() if response.content else None

    # -- tenants -------------------------------------------------------------------------------
    def new_tenant(self, **body: Any) -> SandboxTenant:
        """A fresh tenant (`name`, `scopes`, `tokenLifetime`, `redirectUris` as the control plane takes)."""
        return SandboxTenant(self, self.call("POST", "/tenants", json=body))

    def tenant(self, tenant_id: str) -> SandboxTenant:
        return SandboxTenant(self, self.call("GET", f"/tenants/{tenant_id}"))

    # -- what verifying needs --------------------------------------------------------------------
    def apis(self) -> list[dict]:
        if self._apis is None:
            self._apis = self.call("GET", "/specs")["apis"]
        return self._apis

    def operations(self) -> list[Operation]:
        """Every operation of the sandbox's APIs, compiled from the specs it serves: what each
        serves, and its part in an asynchronous job, for the contract checks."""
        if self._operations is None:
            self._operations = []
            for api in self.apis():
                raw = self.call("GET", f"/specs/{api['api']}", headers={"Accept": "application/json"})
                document = SpecDocument.from_raw(raw, Path(f"{api['api']}.yaml"))
                self._operations += compile_operations(document, api["api"])
        return self._operations

    def journal(self, tenant_id: str) -> list[dict]:
        """Every entry the tenant's journal still holds, oldest first."""
        entries: list[dict] = []
        while True:
            after = entries[-1]["seq"] if entries else 0
            params = {"tenant": tenant_id, "after": after, "limit": JOURNAL_PAGE}
            page = self.call("GET", "/journal", params=params)["entries"]
            entries += page
            if len(page) < JOURNAL_PAGE:
                return entries

    def verify(
        self, tenant_id: str, checks: Sequence[str] | None = None, config: Config | None = None
    ) -> Report:
        self.call("GET", f"/tenants/{tenant_id}")  # a clear error for a tenant that does not exist
        return verify(
            self.journal(tenant_id),
            tenant=tenant_id,
            checks=checks,
            config=config,
            operations=self.operations(),
        )


class SandboxTenant:
    """One tenant: its credentials, and what a test changes about its world."""

    def __init__(self, sandbox: SandboxClient, view: dict) -> None:
        self.sandbox = sandbox
        self.id: str = view["id"]
        self.name: str = view["name"]
        self.credentials: dict = view["credentials"]

    def __repr__(self) -> str:
        return f"SandboxTenant({self.id!r}, url={self.sandbox.url!r})"

    @property
    def url(self) -> str:
        """The sandbox's base URL."""
        return self.sandbox.url

    def api_url(self, api: str) -> str:
        """Where an API answers, e.g. `api_url("nbb-cbso")` -> `http://127.0.0.1:8123/nbb`."""
        for item in self.sandbox.apis():
            if item["api"] == api:
                return self.url + item["prefix"]
        raise KeyError(f"no API {api!r}; the APIs are: {', '.join(a['api'] for a in self.sandbox.apis())}")

    def nbb_key(self, product: str = "authentic") -> str:
        """The tenant's NBB subscription key of a product (`authentic`, `extracts`, ...)."""
        first, *rest = product.split("-")
        scheme = first + "".join(part.capitalize() for part in rest) + "Key"
        return self.credentials["nbb-cbso"][scheme]["secret"]

    @property
    def oauth_client(self) -> dict:
        """The tenant's OAuth2 client: `client_id`, `client_secret`, `scopes`."""
        return self.credentials["oauth2"]["client"]

    def set_clock(self, now: str | None = None, *, frozen: bool | None = None, advance: float | None = None):
        """Move the tenant's sandbox clock to `now` (ISO 8601), freeze or release it, or `advance` it."""
        body = {"now": now, "frozen": frozen, "advanceSeconds": advance}
        return self.sandbox.call(
            "PUT", f"/tenants/{self.id}/clock", json={k: v for k, v in body.items() if v is not None}
        )

    def add_fault(self, kind: str, **options: Any) -> dict:
        """Switch a fault on: `latency`, `status`, `drop`, `malformed` or `slow_job`, with its options."""
        return self.sandbox.call("POST", f"/tenants/{self.id}/faults", json={"kind": kind, **options})

    def clear_faults(self) -> None:
        self.sandbox.call("DELETE", f"/tenants/{self.id}/faults")

    def set_rate_limit(self, api: str, requests: int, window: int | None = None) -> dict:
        limit = {"requests": requests, **({"window": window} if window else {})}
        return self.sandbox.call("PUT", f"/tenants/{self.id}/rate-limits", json={api: limit})

    def action(self, api: str, action: str, **body: Any) -> Any:
        """Run a sandbox action of an API, e.g. `action("informat-bills", "set-pdf-delay", seconds=2)`."""
        path = f"/tenants/{self.id}/apis/{api}/actions/{action}"
        return self.sandbox.call("POST", path, json=body)["result"]

    def journal(self) -> list[dict]:
        return self.sandbox.journal(self.id)

    def report(self, checks: Sequence[str] | None = None, **settings: Any) -> Report:
        """The contract checks of everything the tenant's clients did so far."""
        return self.sandbox.verify(self.id, checks, Config().with_values(settings))

    def verify(self, checks: Sequence[str] | None = None, **settings: Any) -> Report:
        """Like `report`, but a broken rule raises AssertionError with the readable report."""
        __tracebackhide__ = True  # pytest shows the report, not this frame
        report = self.report(checks, **settings)
        if not report.ok:
            raise AssertionError("the client broke contract rules:\n" + report.text())
        return report

    def delete(self) -> None:
        self.sandbox.call("DELETE", f"/tenants/{self.id}")


@contextmanager
def running_sandbox(settings=None) -> Iterator[str]:
    """A sandbox served in this process on a free loopback port, for as long as the block runs;
    yields its base URL. `settings` default: SANDBOX_* variables, on 127.0.0.1."""
    import uvicorn

    from sandbox.app import build_app
    from sandbox.settings import Settings

    settings = replace(settings or Settings.from_env(), host="127.0.0.1", port=0)
    config = uvicorn.Config(build_app(settings), host="127.0.0.1", port=0, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="sandbox", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise SandboxError("the in-process sandbox did not start; see the log above")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
