"""Pytest fixtures for testing a client against the sandbox, then checking how it behaved.

    def test_client_fetches_references(sandbox_tenant):
        client = MyNbbClient(sandbox_tenant.api_url("nbb-cbso"), key=sandbox_tenant.nbb_key("authentic"))
        client.references("0403019261")
        sandbox_tenant.verify()  # fails the test with every broken rule and the exchanges that broke it

`sandbox` (session) is the control plane of a sandbox started in-process on a free loopback port,
or of the one at `--sandbox-url` / `SANDBOX_URL` / the `sandbox_url` ini option.
`sandbox_tenant` (per test) is a fresh tenant with credentials for every API, deleted afterwards;
`@pytest.mark.sandbox_tenant(tokenLifetime=60, scopes=[...])` shapes it.

Installed with the package (entry point `pytest11`); nothing starts until a test asks for a fixture.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from sandbox.testing import SandboxClient, SandboxTenant, running_sandbox

MARKER = "sandbox_tenant"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("sandbox", "API sandbox")
    group.addoption(
        "--sandbox-url",
        help="use the sandbox running at this URL instead of starting one in-process (env SANDBOX_URL)",
    )
    group.addoption(
        "--sandbox-admin-token", help="the control plane's admin token, if asked (env SANDBOX_ADMIN_TOKEN)"
    )
    parser.addini("sandbox_url", "use the sandbox running at this URL instead of starting one in-process")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", f"{MARKER}(**body): create the test's sandbox tenant with this body (tokenLifetime, ...)"
    )


@pytest.fixture(scope="session")
def sandbox(pytestconfig: pytest.Config) -> Iterator[SandboxClient]:
    """The control plane of the sandbox the tests run against."""
    url = (
        pytestconfig.getoption("sandbox_url")
        or os.environ.get("SANDBOX_URL")
        or pytestconfig.getini("sandbox_url")
    )
    token = pytestconfig.getoption("sandbox_admin_token") or os.environ.get("SANDBOX_ADMIN_TOKEN")
    if url:
        client = SandboxClient(url, token)
        yield client
        client.close()
        return
    with running_sandbox() as started:
        client = SandboxClient(started, token)
        yield client
        client.close()


@pytest.fixture
def sandbox_tenant(sandbox: SandboxClient, request: pytest.FixtureRequest) -> Iterator[SandboxTenant]:
    """A fresh tenant for one test, named after it; gone when the test ends."""
    marker = request.node.get_closest_marker(MARKER)
    body = {"name": request.node.nodeid[-100:], **(marker.kwargs if marker else {})}
    tenant = sandbox.new_tenant(**body)
    yield tenant
    tenant.delete()
