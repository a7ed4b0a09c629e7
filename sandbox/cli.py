"""`sandbox serve | specs`: the command line."""

from __future__ import annotations

import ipaddress
import secrets
from dataclasses import replace
from pathlib import Path

import click

from sandbox.runtime.clock import ClockRangeError, parse_instant, within_range
from sandbox.settings import Settings


def is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


class _Instant(click.ParamType):
    name = "instant"

    def convert(self, value, param, ctx):
        try:
            return within_range(parse_instant(value))
        except ClockRangeError as exc:
            self.fail(str(exc), param, ctx)
        except ValueError:
            self.fail(f"{value!r} is not an ISO 8601 instant, e.g. 2026-03-02T06:00:00+01:00", param, ctx)


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
@click.option("--admin-token", help="Bearer token the control plane asks for [env SANDBOX_ADMIN_TOKEN]")
@click.option("--specs-dir", type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option("--fixtures-dir", type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option("--ssl-certfile", type=click.Path(exists=True), help="Serve HTTPS with this certificate")
@click.option("--ssl-keyfile", type=click.Path(exists=True), help="Private key of --ssl-certfile")
@click.option("--log-level", default="info", show_default=True)
def serve(ssl_certfile, ssl_keyfile, log_level, **options) -> None:
    """Start the sandbox server."""
    import uvicorn

    from sandbox.app import build_app

    settings = Settings.from_env(**options)
    generated_token = None
    if settings.admin_token is None and not is_loopback(settings.host):
        generated_token = secrets.token_urlsafe(24)
        settings = replace(settings, admin_token=generated_token)
    app = build_app(settings)
    sandbox = app.state.sandbox
    scheme = "https" if ssl_certfile else "http"
    click.echo(f"API sandbox on {scheme}://{settings.host}:{settings.port} (seed {settings.seed!r})")
    click.echo(f"  store: {settings.store}")
    if generated_token:
        click.echo(f"  control plane admin token (listening beyond loopback): {generated_token}")
    for api in sandbox.apis:
        hosts = f"  hosts: {', '.join(api.hosts)}" if api.hosts else ""
        click.echo(f"  {api.prefix:<14} {api.title}{hosts}")
        for scheme_name, secret in (api.fixture.get("demo_credentials") or {}).items():
            click.echo(f"      demo {scheme_name}: {secret}")
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_level=log_level,
        ssl_certfile=ssl_certfile,
        ssl_keyfile=ssl_keyfile,
    )


@main.command()
@click.option("--specs-dir", type=click.Path(path_type=Path, file_okay=False, exists=True))
def specs(specs_dir: Path | None) -> None:
    """List the emulated APIs and their operations (and check that every spec loads)."""
    from sandbox.app import Sandbox

    sandbox = Sandbox(Settings.from_env(specs_dir=specs_dir))
    for api in sandbox.apis:
        handled = sum(op.operation_id in api.package.handlers for op in api.operations)
        click.echo(f"{api.name}  {api.prefix}  {len(api.operations)} operations, {handled} with handlers")
        for op in api.operations:
            mark = " " if op.operation_id in api.package.handlers else "*"
            click.echo(f"  {mark} {op.method:<6} {op.path}  ({op.operation_id})")
