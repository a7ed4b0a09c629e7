"""`sandbox serve | specs | coverage | verify | checks`: the command line."""

from __future__ import annotations

import logging
import os
import secrets
import sys
from dataclasses import replace
from pathlib import Path

import click

from sandbox.runtime.clock import ClockRangeError, parse_instant, within_range
from sandbox.runtime.network import is_loopback
from sandbox.settings import Settings, parse_size
from sandbox.startup import server_start


class _Instant(click.ParamType):
    name = "instant"

    def convert(self, value, param, ctx):
        try:
            return within_range(parse_instant(value))
        except ClockRangeError as exc:
            self.fail(str(exc), param, ctx)
        except ValueError:
            self.fail(f"{value!r} is not an ISO 8601 instant, e.g. 2026-03-02T06:00:00+01:00", param, ctx)


class _Size(click.ParamType):
    name = "size"

    def convert(self, value, param, ctx):
        try:
            return value if isinstance(value, int) else parse_size(value)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


@click.group()
def main() -> None:
    """A sandbox that emulates Belgian and Dutch accounting-related APIs."""


@main.command()
@click.option("--host", help="Address to listen on [default 127.0.0.1; env SANDBOX_HOST]")
@click.option("--port", type=int, help="Port [default 8000; env SANDBOX_PORT]")
@click.option("--seed", help="Seed of every generated world [default 'sandbox'; env SANDBOX_SEED]")
@click.option("--now", type=_Instant(), help="Start the sandbox clock at this instant [env SANDBOX_NOW]")
@click.option("--frozen/--running", default=None, help="Freeze the clock at --now [env SANDBOX_FROZEN]")
@click.option("--strict/--no-strict", default=None, help="Validate every response against its spec")
@click.option(
    "--store", help="memory:// (default), sqlite:///path/file.db or redis://host:port [env SANDBOX_STORE]"
)
@click.option(
    "--journal-size", type=click.IntRange(1, 1_000_000), help="Exchanges kept per tenant [default 1000]"
)
@click.option(
    "--world-cache",
    type=click.IntRange(1, 1_000_000),
    help="Generated worlds kept in memory, per API family and tenant [default 256; env SANDBOX_WORLD_CACHE]",
)
@click.option(
    "--max-memory",
    type=_Size(),
    help="Memory budget: journals take at most a quarter, worlds are dropped past it "
    "[default 1G; env SANDBOX_MAX_MEMORY]",
)
@click.option(
    "--tenant-idle",
    type=click.IntRange(0),
    help="Seconds after which a tenant made through the control plane and unused since is deleted; "
    "0: never [default 86400; env SANDBOX_TENANT_IDLE]",
)
@click.option("--admin-token", help="Bearer token the control plane asks for [env SANDBOX_ADMIN_TOKEN]")
@click.option("--specs-dir", type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option("--fixtures-dir", type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option("--ssl-certfile", type=click.Path(exists=True), help="Serve HTTPS with this certificate")
@click.option("--ssl-keyfile", type=click.Path(exists=True), help="Private key of --ssl-certfile")
@click.option("--log-level", default="info", show_default=True)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Processes serving one port; more than one needs a shared store (sqlite:// or redis://)",
)
def serve(ssl_certfile, ssl_keyfile, log_level, workers, **options) -> None:
    """Start the sandbox server."""
    settings = Settings.from_env(**options)
    if workers > 1 and settings.store.partition(":")[0].lower() == "memory":
        raise click.UsageError(
            "--workers needs a store the processes share: --store sqlite:///path/file.db or redis://host:port"
        )
    generated_token = None
    if settings.admin_token is None and not is_loopback(settings.host):
        generated_token = secrets.token_urlsafe(24)
        settings = replace(settings, admin_token=generated_token)
    with server_start():
        import uvicorn

        from sandbox.app import build_app

        app = build_app(settings)
    services = app.state.services
    scheme = "https" if ssl_certfile else "http"
    click.echo(f"API sandbox on {scheme}://{settings.host}:{settings.port} (seed {settings.seed!r})")
    click.echo(f"  store: {settings.store}")
    if generated_token:
        click.echo(f"  control plane admin token (listening beyond loopback): {generated_token}")
    for api in services.apis:
        hosts = f"  hosts: {', '.join(api.hosts)}" if api.hosts else ""
        click.echo(f"  {api.prefix:<14} {api.title}{hosts}")
        for scheme_name, secret in (api.fixture.get("demo_credentials") or {}).items():
            click.echo(f"      demo {scheme_name}: {secret}")
    if workers > 1:
        click.echo(f"  {workers} worker processes")
        # each worker imports the app anew, and takes these settings from its environment
        os.environ.update(settings.environ())
    uvicorn.run(
        "sandbox.app:app_from_env" if workers > 1 else app,
        factory=workers > 1,
        workers=workers,
        host=settings.host,
        port=settings.port,
        log_level=log_level,
        access_log=shows_access_log(log_level),
        ssl_certfile=ssl_certfile,
        ssl_keyfile=ssl_keyfile,
        ws=_WebSocketsOnFirstUpgrade,
    )


def shows_access_log(log_level: str) -> bool:
    """Whether uvicorn's access log shows at this level: uvicorn formats each line's fields (the
    client's address, the quoted path) before its logger drops the line, so a level that hides them
    is told to skip them."""
    from uvicorn.config import LOG_LEVELS

    return LOG_LEVELS.get(log_level.lower(), logging.INFO) <= logging.INFO


class _WebSocketsOnFirstUpgrade:
    """uvicorn's default WebSocket protocol (`ws="auto"`: the `websockets` library, which
    uvicorn[standard] installs), imported when a client first asks for an upgrade rather than at
    every start: no API of the sandbox speaks WebSocket, and the import is a good part of
    uvicorn's start. Such a request meets the same protocol, and the same refusal, as before."""

    def __new__(cls, *args, **kwargs):
        from uvicorn.protocols.websockets.auto import AutoWebSocketsProtocol

        return AutoWebSocketsProtocol(*args, **kwargs)


@main.command()
@click.option("--specs-dir", type=click.Path(path_type=Path, file_okay=False, exists=True))
def specs(specs_dir: Path | None) -> None:
    """List the emulated APIs and their operations (and check that every spec loads)."""
    from sandbox.app import build_app

    services = build_app(Settings.from_env(specs_dir=specs_dir)).state.services
    for api in services.apis:
        handled = sum(op.operation_id in api.package.handlers for op in api.operations)
        click.echo(f"{api.name}  {api.prefix}  {len(api.operations)} operations, {handled} with handlers")
        for op in api.operations:
            mark = " " if op.operation_id in api.package.handlers else "*"
            click.echo(f"  {mark} {op.method:<6} {op.path}  ({op.operation_id})")


@main.command()
@click.option("--specs-dir", type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("docs/COVERAGE.md"),
    show_default=True,
    help="The coverage page to write",
)
@click.option("--check", is_flag=True, help="Write nothing; exit 1 when --output is not up to date")
def coverage(specs_dir: Path | None, output: Path, check: bool) -> None:
    """Write the coverage page: per API and operation, a handler or generated data, and its fidelity."""
    from sandbox.coverage import coverage as render_coverage

    page = render_coverage(Settings.from_env(specs_dir=specs_dir).specs_dir)
    if check:
        current = output.read_text(encoding="utf-8") if output.is_file() else None
        if current != page:
            click.echo(f"{output} is stale: run `sandbox coverage` and commit the result", err=True)
            sys.exit(1)
        click.echo(f"{output} is up to date")
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(page, encoding="utf-8")
    click.echo(f"wrote {output}")


_OUTPUT = click.Path(dir_okay=False, writable=True, path_type=Path)


class _Unusable(click.ClickException):
    """The command cannot do its work (no sandbox at the URL, an unknown check): exit status 2,
    kept apart from 1, a broken contract rule."""

    exit_code = 2


@main.command()
@click.option("--url", required=True, envvar="SANDBOX_URL", help="Base URL of the sandbox [env SANDBOX_URL]")
@click.option("--tenant", required=True, help="The tenant whose journal is judged")
@click.option("--admin-token", envvar="SANDBOX_ADMIN_TOKEN", help="The control plane's admin token, if asked")
@click.option("--check", "checks", multiple=True, metavar="NAME", help="Run only this check (repeatable)")
@click.option(
    "--set", "settings", multiple=True, metavar="NAME=VALUE", help="Change a check setting: burst_requests=30"
)
@click.option("--junit", type=_OUTPUT, help="Write the report as JUnit XML to this file too")
@click.option("--json", "json_path", type=_OUTPUT, help="Write the report as JSON to this file too")
@click.option("--verbose", "-v", is_flag=True, help="Show the rule and source of passed checks too")
def verify(url, tenant, admin_token, checks, settings, junit, json_path, verbose) -> None:
    """Check what a tenant's client did against the contract rules of the APIs it called.

    Prints the report; exits 0 when no rule is broken (a check with nothing to judge is not
    exercised, not failed), 1 when one is, 2 when the check cannot run.
    """
    import orjson

    from sandbox.contracts import CHECKS, Config
    from sandbox.testing import SandboxClient, SandboxError

    unknown = [name for name in checks if name not in CHECKS]
    if unknown:
        raise _Unusable(f"no check named {', '.join(unknown)}; see `sandbox checks`")
    try:
        config = Config().with_values(dict(item.partition("=")[::2] for item in settings))
    except ValueError as exc:
        raise _Unusable(f"--set: {exc}") from exc
    client = SandboxClient(url, admin_token)
    try:
        report = client.verify(tenant, list(checks) or None, config)
    except SandboxError as exc:
        raise _Unusable(str(exc)) from exc
    finally:
        client.close()
    click.echo(report.text(verbose=verbose))
    if junit:
        junit.write_bytes(report.junit_xml())
    if json_path:
        json_path.write_bytes(orjson.dumps(report.to_json(), option=orjson.OPT_INDENT_2))
    sys.exit(0 if report.ok else 1)


@main.command()
@click.option("--openapi", "openapi_url", required=True, help="URL of the vendor's OpenAPI document")
@click.option(
    "--base-url", required=True, help="Base URL of the vendor's API (paths of the document go after it)"
)
@click.option("--token-url", help="Token endpoint for the client credentials grant")
@click.option("--client-id", envvar="AUDIT_CLIENT_ID", help="OAuth2 client id [env AUDIT_CLIENT_ID]")
@click.option(
    "--client-secret", envvar="AUDIT_CLIENT_SECRET", help="OAuth2 client secret [env AUDIT_CLIENT_SECRET]"
)
@click.option("--scope", help="Scopes to ask for, space-separated")
@click.option("--token", envvar="AUDIT_TOKEN", help="An access token to use instead [env AUDIT_TOKEN]")
@click.option(
    "--path-param",
    "path_params",
    multiple=True,
    metavar="NAME=VALUE",
    help="A path parameter: administration_id=1",
)
@click.option("--allow-writes", is_flag=True, help="Add marked test records (a debtor, a transaction)")
@click.option("--junit", type=_OUTPUT, help="Write the report as JUnit XML to this file too")
@click.option("--json", "json_path", type=_OUTPUT, help="Write the report as JSON to this file too")
def audit(
    openapi_url,
    base_url,
    token_url,
    client_id,
    client_secret,
    scope,
    token,
    path_params,
    allow_writes,
    junit,
    json_path,
) -> None:
    """Check an accounting vendor's own API against seed 003, item by item.

    Exits 0 when no automatic item fails (manual checks are listed, not failed), 1 when one does,
    2 when the audit cannot run.
    """
    import httpx
    import orjson

    from sandbox.audit import Target
    from sandbox.audit import audit as run_audit
    from sandbox.audit.target import AuditError

    params = dict(item.partition("=")[::2] for item in path_params)
    with httpx.Client(timeout=30, follow_redirects=True) as http:
        target = Target(
            openapi_url, base_url, http, token_url, client_id, client_secret, scope, token, path_params=params
        )
        try:
            report = run_audit(target, allow_writes=allow_writes)
        except AuditError as exc:
            raise _Unusable(str(exc)) from exc
    click.echo(report.text())
    if junit:
        junit.write_bytes(report.junit_xml())
    if json_path:
        json_path.write_bytes(orjson.dumps(report.to_json(), option=orjson.OPT_INDENT_2))
    sys.exit(0 if report.ok else 1)


@main.command()
def checks() -> None:
    """List the contract checks `sandbox verify` runs, each with its rule and source."""
    import textwrap

    from sandbox.contracts import CHECKS

    for check in CHECKS.values():
        click.echo(check.name)
        for label, text in (("rule", check.rule), ("source", check.source)):
            click.echo(textwrap.fill(f"{label}: {text}", 100, initial_indent="  ", subsequent_indent="    "))
